"""What differs between the parts of ISO 19005: clause numbers, veraPDF test numbers,
limits and allowed sets, one PartRules per part, looked up once per document.

Part 1 (PDF/A-1, on PDF 1.4) numbers its clauses differently from parts 2 and 3 (on
ISO 32000-1), which share theirs; part 3 differs from part 2 only in embedded files,
which embedded.py judges by part number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Rule

_ANNOTS_1 = frozenset({
    "Text", "Link", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine", "Highlight",
    "Underline", "Squiggly", "StrikeOut", "Stamp", "Ink", "Popup", "Widget", "PrinterMark",
    "TrapNet",
})


@dataclass(frozen=True)
class Limits:
    """Implementation limits (ISO 19005-1 6.1.12, ISO 19005-2 6.1.13); None: no limit."""
    integer: int
    real: float
    string: int
    name: int
    array: int | None
    dictionary: int | None


@dataclass(frozen=True)
class PartRules:
    # --- file structure ---
    header: re.Pattern[bytes]         # the %PDF-n.m line
    object_syntax: Rule               # obj / endobj keywords and spacing
    stream_clause: str                # stream / endstream keywords, /Length
    stream_keyword_test: int          # "stream" / "endstream" not next to an end of line
    stream_external: Rule             # /F, /FFilter, /FDecodeParms
    limits_clause: str
    limits: Limits
    name_too_long_test: int
    # --- metadata ---
    metadata_missing: Rule
    xmp_invalid: Rule
    xmp_header_bytes: Rule
    xmp_header_encoding: Rule
    identification_clause: str
    conformance_levels: dict[str, tuple[str, ...]]  # level validated → pdfaid:conformance allowed
    extension_clause: str
    properties_clause: str
    undefined_property_test: int      # an XMP property in no predefined or extension schema
    invalid_property_value_test: int  # an XMP property whose value breaks its type
    extension_type_tests: tuple[int, int]  # undefined valueType of a property, of a field
    # --- fonts ---
    embedding_clause: str
    widths: Rule
    composite_clause: str
    cid_to_gid: Rule
    truetype_encoding_clause: str
    symbolic_with_encoding_test: int
    symbolic_cmap_test: int
    subset_lists_clause: str
    charset_test: int
    cidset_test: int
    unicode_clause: str
    font_dict_clause: str             # font dictionary entries (ISO 32000-1 9.6, 9.7)
    cmap_clause: str                  # embedded and named CMaps
    truetype_nonsymbolic_test: int    # non-symbolic TrueType not MacRoman/WinAnsi
    # --- graphics ---
    output_intent_clause: str
    icc_clause: str
    icc_max_major: int                # ICC profile versions from this major on are refused
    colour_space_clause: str
    graphics_state_clause: str
    rendering_intent: Rule
    images_clause: str
    postscript_form: Rule
    reference_xobject: Rule
    other_xobject: Rule
    unknown_operator: Rule
    inline_lzw: Rule                  # LZW (or, from part 2, Crypt) on an inline image
    # --- annotations, actions, forms ---
    annotation_types: frozenset[str]
    annotation_type: Rule
    annotation_no_flags: Rule
    annotation_hidden: Rule
    annotation_hidden_flags: int      # Invisible, Hidden, NoView (+ ToggleNoView from part 2)
    appearance_first: Rule            # first of the three appearance-dictionary tests
    actions_clause: str
    triggers_clause: str
    catalog_triggers_test: int
    widget_triggers: Rule             # /AA on a widget annotation
    field_triggers: Rule              # /AA on a form field
    need_appearances: Rule
    widget_action: Rule
    # --- logical structure ---
    marked: Rule
    struct_tree: Rule
    structure_types_clause: str
    language: Rule
    language_tag: re.Pattern[str]     # RFC 1766 (part 1), RFC 3066 (parts 2 and 3)


PART_1 = PartRules(
    header=re.compile(rb"%PDF-[0-9]\.[0-9]"),  # part 1 asks for a version number
    object_syntax=Rule("6.1.8", 1),
    stream_clause="6.1.7",
    stream_keyword_test=2,
    stream_external=Rule("6.1.7", 3),
    limits_clause="6.1.12",
    limits=Limits(integer=2**31 - 1, real=32767.0, string=65535, name=127, array=8191,
                  dictionary=4095),
    name_too_long_test=4,
    metadata_missing=Rule("6.7.2", 1),
    xmp_invalid=Rule("6.7.9", 1),
    xmp_header_bytes=Rule("6.7.5", 1),
    xmp_header_encoding=Rule("6.7.5", 2),
    identification_clause="6.7.11",
    conformance_levels={"a": ("A",), "u": ("U", "A"), "b": ("B", "A")},
    extension_clause="6.7.8",
    properties_clause="6.7.9",
    undefined_property_test=2,
    invalid_property_value_test=3,
    extension_type_tests=(9, 18),
    embedding_clause="6.3.4",
    widths=Rule("6.3.6", 1),
    composite_clause="6.3.3.1",
    cid_to_gid=Rule("6.3.3.2", 1),
    truetype_encoding_clause="6.3.7",
    symbolic_with_encoding_test=2,
    symbolic_cmap_test=3,
    subset_lists_clause="6.3.5",
    charset_test=2,
    cidset_test=3,
    unicode_clause="6.3.8",
    font_dict_clause="6.3.2",
    cmap_clause="6.3.3.3",
    truetype_nonsymbolic_test=1,
    output_intent_clause="6.2.2",
    icc_clause="6.2.3.2",
    icc_max_major=3,
    colour_space_clause="6.2.3.3",
    graphics_state_clause="6.2.8",
    rendering_intent=Rule("6.2.9", 1),
    images_clause="6.2.4",
    postscript_form=Rule("6.2.5", 1),
    reference_xobject=Rule("6.2.6", 1),
    other_xobject=Rule("6.2.7", 1),
    unknown_operator=Rule("6.2.10", 1),
    inline_lzw=Rule("6.1.10", 2),
    annotation_types=_ANNOTS_1,
    annotation_type=Rule("6.5.2", 1),
    annotation_no_flags=Rule("6.5.3", 2),
    annotation_hidden=Rule("6.5.3", 2),
    annotation_hidden_flags=1 | 2 | 32,
    appearance_first=Rule("6.5.3", 3),
    actions_clause="6.6.1",
    triggers_clause="6.6.2",
    catalog_triggers_test=3,
    widget_triggers=Rule("6.6.2", 1),
    field_triggers=Rule("6.6.2", 2),
    need_appearances=Rule("6.9", 1),
    widget_action=Rule("6.6.1", 3),
    marked=Rule("6.8.2.2", 1),
    struct_tree=Rule("6.8.3.3", 1),
    structure_types_clause="6.8.3.4",
    language=Rule("6.8.4", 1),
    language_tag=re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z]{1,8})*$"),
)

PART_2 = PartRules(
    header=re.compile(rb"%PDF-1\.[0-7]"),  # parts 2 and 3: PDF 1.0 to 1.7
    object_syntax=Rule("6.1.9", 1),
    stream_clause="6.1.7.1",
    stream_keyword_test=2,
    stream_external=Rule("6.1.7.1", 3),
    limits_clause="6.1.13",
    limits=Limits(integer=2**31 - 1, real=3.403e38, string=32767, name=127, array=None,
                  dictionary=None),
    name_too_long_test=4,
    metadata_missing=Rule("6.6.2.1", 1),
    xmp_invalid=Rule("6.6.2.1", 4),
    xmp_header_bytes=Rule("6.6.2.1", 2),
    xmp_header_encoding=Rule("6.6.2.1", 3),
    identification_clause="6.6.4",
    conformance_levels={"a": ("A",), "u": ("U", "A"), "b": ("B", "U", "A")},
    extension_clause="6.6.2.3.3",
    properties_clause="6.6.2.3.1",
    undefined_property_test=1,
    invalid_property_value_test=2,
    extension_type_tests=(8, 17),
    embedding_clause="6.2.11.4.1",
    widths=Rule("6.2.11.5", 1),
    composite_clause="6.2.11.3.1",
    cid_to_gid=Rule("6.2.11.3.2", 1),
    truetype_encoding_clause="6.2.11.6",
    symbolic_with_encoding_test=3,
    symbolic_cmap_test=4,
    subset_lists_clause="6.2.11.4.2",
    charset_test=1,
    cidset_test=2,
    unicode_clause="6.2.11.7.2",
    font_dict_clause="6.2.11.2",
    cmap_clause="6.2.11.3.3",
    truetype_nonsymbolic_test=2,
    output_intent_clause="6.2.3",
    icc_clause="6.2.4.2",
    icc_max_major=5,
    colour_space_clause="6.2.4.3",
    graphics_state_clause="6.2.5",
    rendering_intent=Rule("6.2.6", 1),
    images_clause="6.2.8",
    postscript_form=Rule("6.2.9", 1),
    reference_xobject=Rule("6.2.9", 2),
    other_xobject=Rule("6.2.9", 3),
    unknown_operator=Rule("6.2.2", 1),
    inline_lzw=Rule("6.1.10", 1),
    annotation_types=_ANNOTS_1 | {"Caret", "FileAttachment", "Watermark", "Redact"},
    annotation_type=Rule("6.3.1", 1),
    annotation_no_flags=Rule("6.3.2", 1),
    annotation_hidden=Rule("6.3.2", 2),
    # ISO 19005-2 6.3.2 adds ToggleNoView, a PDF 1.5 flag ISO 19005-1 6.5.3 does not name
    annotation_hidden_flags=1 | 2 | 32 | 256,
    appearance_first=Rule("6.3.3", 1),
    actions_clause="6.5.1",
    triggers_clause="6.5.2",
    catalog_triggers_test=1,
    widget_triggers=Rule("6.4.1", 1),
    field_triggers=Rule("6.4.1", 2),
    need_appearances=Rule("6.4.1", 3),
    widget_action=Rule("6.4.1", 1),
    marked=Rule("6.7.2.2", 1),
    struct_tree=Rule("6.7.3.3", 1),
    structure_types_clause="6.7.3.4",
    language=Rule("6.7.4", 1),
    language_tag=re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"),
)

PARTS = {1: PART_1, 2: PART_2, 3: PART_2}


def rules_for(part: int) -> PartRules:
    """The rules of one part (3 shares part 2's clause numbers)."""
    return PARTS[part]
