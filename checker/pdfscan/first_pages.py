"""pypdf opened for the first pages only, on the caller's bytes without copying them.

pypdf copies the whole file when its input stream has getbuffer() (BytesIO: once to
unshare the buffer, once more in bytes(view)); `SharedBytesIO` hides it, so pypdf seeks
and reads instead. And pypdf flattens the whole page tree (every page object read) the
first time a page is asked for; `reader(stream, pages)` stops the flattening after the
first `pages` leaves, the only ones whose text is read. It reuses the steps of pypdf's
own `_flatten` (same inheritance, cycle and size limits); with a pypdf that lacks them
the ordinary reader is used.
"""
from __future__ import annotations

import io
from typing import Any


class SharedBytesIO(io.BytesIO):
    """io.BytesIO over the caller's bytes (shared, never copied while only read)."""

    @property
    def getbuffer(self):  # absent: hasattr() is False
        raise AttributeError("getbuffer")


def reader(stream: io.BytesIO, pages: int) -> Any:
    """A pypdf PdfReader whose `pages` lists at most the first `pages` pages."""
    from pypdf import PdfReader

    cls = _first_pages_class()
    if cls is None:
        return PdfReader(stream, strict=False)
    found = cls(stream, strict=False)
    found.max_pages = pages
    return found


def drop_images(reader: Any) -> None:
    """Forget the image streams pypdf parsed for a page (it reads an image whole to learn
    that a Do draws an image, and keeps it cached): a scan's pages are megabytes each."""
    from pypdf.generic import StreamObject

    cache = getattr(reader, "resolved_objects", None)
    if not isinstance(cache, dict):
        return
    for key, obj in list(cache.items()):
        if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image":
            del cache[key]


_CLASS: list = []


def _first_pages_class() -> Any:
    if _CLASS:
        return _CLASS[0]
    from pypdf import PdfReader, _doc_common

    steps = ("_enter_page_tree_node", "_flatten_leaf_page", "_pop_next_page_tree_kid")
    if not (hasattr(_doc_common, "_PageTreeItem") and hasattr(_doc_common, "_TraversalState")
            and all(hasattr(PdfReader, s) for s in steps)):
        _CLASS.append(None)
        return None
    from pypdf._configuration import get_configuration
    from pypdf.errors import LimitReachedError, PdfReadError
    from pypdf.generic import DictionaryObject, NullObject

    item_class, state_class = _doc_common._PageTreeItem, _doc_common._TraversalState

    class FirstPagesReader(PdfReader):
        max_pages = 30

        def _flatten(self, list_only: bool = False) -> None:
            """pypdf's _flatten (7.x), stopped after `max_pages` pages."""
            configuration = get_configuration()
            self.flattened_pages = None
            root_pages = self.root_object.get("/Pages", NullObject()).get_object()
            if not isinstance(root_pages, DictionaryObject):
                raise PdfReadError("Invalid object in /Pages")
            flattened: list = []
            traversal = state_class()
            remaining = state_class(entry_count=configuration.page_tree_maximum_page_entries)
            ancestors: set[int] = set()
            stack: list = []
            item: Any = item_class(node=root_pages, inherit={}, indirect_reference=None, depth=0)
            while item is not None and len(flattened) < self.max_pages:
                if item.depth > configuration.page_tree_maximum_depth:
                    raise LimitReachedError(f"Maximum page tree depth reached: {item.depth} > "
                                            f"{configuration.page_tree_maximum_depth}.")
                node = item.node
                node_type: Any
                if "/Type" in node:
                    node_type = node["/Type"]
                elif "/Kids" not in node:
                    node_type = "/Page"
                else:
                    node_type = "/Pages"
                if node_type == "/Pages":
                    ancestors.add(id(node))
                    stack.append(self._enter_page_tree_node(item))
                elif node_type == "/Page":
                    flattened.append(self._flatten_leaf_page(item=item, list_only=list_only,
                                                             remaining_page_entries=remaining))
                if len(flattened) >= self.max_pages:
                    break
                item = self._pop_next_page_tree_kid(stack, ancestors, traversal)
            self.flattened_pages = flattened

    _CLASS.append(FirstPagesReader)
    return FirstPagesReader
