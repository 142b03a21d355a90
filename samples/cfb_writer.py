"""A minimal writer of OLE compound files (MS-CFB version 3) and of the two OLE payloads the
content-check samples need: a VBA project (MS-OVBA) and an Excel 97 workbook stream whose
only sheet is an Excel 4 macro sheet (MS-XLS BOUNDSHEET dt=1).

Why this exists: olefile and compoundfiles only read, XlsxWriter only copies an existing
vbaProject.bin, and no maintained package writes a VBA project. The readers under test
(olefile, oletools' olevba and its BIFF plugin) are the maintained ones; this file only
builds their input, following the specifications' field order, and is used by
samples/gen_content.py and samples/gen_formats.py only — never by the checker.

Layout written: header, FAT, directory, mini FAT, mini stream (streams < 4096 bytes,
64-byte mini sectors), then regular streams. Siblings are chained as a sorted right-leaning
tree, which readers accept (colour rules are not enforced by them).
"""
from __future__ import annotations

import itertools
import struct
import uuid
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Node:
    name: str
    kind: int                     # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Node] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    clsid: bytes = bytes(16)


def _key(node: _Node) -> tuple[int, str]:
    """MS-CFB 2.6.4: shorter names first, then case-insensitive comparison."""
    return len(node.name), node.name.upper()


def compound_file(streams: dict[str, bytes], clsid: str = "") -> bytes:
    """An OLE file holding `streams` ("Storage/Sub/Stream" paths → bytes); `clsid` names the
    application of the root storage (Excel 97: 00020820-0000-0000-C000-000000000046)."""
    root = _Node("Root Entry", 5, clsid=uuid.UUID(clsid).bytes_le if clsid else bytes(16))
    for path, data in streams.items():
        parent = root
        *folders, leaf = path.split("/")
        for folder in folders:
            found = next((c for c in parent.children if c.name == folder and c.kind == 1), None)
            if found is None:
                found = _Node(folder, 1)
                parent.children.append(found)
            parent = found
        parent.children.append(_Node(leaf, 2, data))

    nodes: list[_Node] = []
    pending = [root]
    while pending:
        node = pending.pop(0)
        node.sid = len(nodes)
        nodes.append(node)
        pending.extend(node.children)
    for node in nodes:
        ordered = sorted(node.children, key=_key)
        if ordered:
            node.child = ordered[0].sid
        for a, b in itertools.pairwise(ordered):
            a.right = b.sid

    streams_nodes = [n for n in nodes if n.kind == 2]
    small = [n for n in streams_nodes if len(n.data) < CUTOFF]
    big = [n for n in streams_nodes if len(n.data) >= CUTOFF]
    ministream, minifat = b"", []
    for node in small:
        count = max(1, -(-len(node.data) // MINI))
        node.start = len(ministream) // MINI
        minifat += [node.start + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        ministream += node.data.ljust(count * MINI, b"\0")

    def sectors(size: int) -> int:
        return -(-size // SECTOR)

    dir_count = sectors(len(nodes) * 128)
    minifat_count = sectors(len(minifat) * 4)
    ministream_count = sectors(len(ministream))
    big_counts = [max(1, sectors(len(n.data))) for n in big]
    data_count = dir_count + minifat_count + ministream_count + sum(big_counts)
    fat_count = 1
    while fat_count * (SECTOR // 4) < data_count + fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("sample too large for a header-only DIFAT")

    fat: list[int] = [FATSECT] * fat_count
    next_sector = fat_count

    def chain(count: int) -> int:
        nonlocal next_sector
        first = next_sector
        fat.extend([first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN])
        next_sector += count
        return first

    dir_start = chain(dir_count)
    minifat_start = chain(minifat_count) if minifat_count else ENDOFCHAIN
    root.start = chain(ministream_count) if ministream_count else ENDOFCHAIN
    root.data = ministream
    for node, count in zip(big, big_counts, strict=True):
        node.start = chain(count)
    fat += [FREESECT] * (fat_count * (SECTOR // 4) - len(fat))

    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16),
                         0x003E, 3, 0xFFFE, 9, 6, bytes(6), 0, fat_count, dir_start, 0, CUTOFF,
                         minifat_start, minifat_count, ENDOFCHAIN, 0)
    difat = list(range(fat_count)) + [FREESECT] * (109 - fat_count)
    header += struct.pack("<109I", *difat)
    assert len(header) == SECTOR

    directory = b"".join(_entry(n) for n in nodes)
    directory = directory.ljust(dir_count * SECTOR, b"\0")
    # unused directory slots are empty entries whose sibling/child pointers are NOSTREAM
    empty = _entry(_Node("", 0))
    directory = b"".join(directory[i:i + 128] if i < len(nodes) * 128 else empty
                         for i in range(0, len(directory), 128))
    body = struct.pack(f"<{len(fat)}I", *fat)
    body += directory
    body += struct.pack(f"<{len(minifat)}I", *minifat).ljust(minifat_count * SECTOR, b"\xff")
    body += ministream.ljust(ministream_count * SECTOR, b"\0")
    for node, count in zip(big, big_counts, strict=True):
        body += node.data.ljust(count * SECTOR, b"\0")
    return header + body


def _entry(node: _Node) -> bytes:
    name = node.name.encode("utf-16-le")
    name_len = len(name) + 2 if node.name else 0
    size = len(node.data) if node.kind in (2, 5) else 0
    start = node.start if node.kind in (2, 5) else 0
    return struct.pack("<64sHBBIII16sI8s8sIQ", name.ljust(64, b"\0"), name_len, node.kind, 1,
                       node.left, node.right, node.child, node.clsid, 0, bytes(8), bytes(8),
                       start if size or node.kind == 5 else ENDOFCHAIN, size)


# ----------------------------------------------------------------------------- MS-OVBA

def ovba_compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 CompressedContainer made of literal-only compressed chunks: valid, not small."""
    out = b"\x01"
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = b"".join(b"\x00" + chunk[i:i + 8] for i in range(0, len(chunk), 8))
        out += struct.pack("<H", (len(body) + 2 - 3) | 0x3000 | 0x8000) + body
    return out


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def vba_storages(modules: dict[str, str], root: str = "") -> dict[str, bytes]:
    """The PROJECT stream and VBA storage of a project whose standard modules hold `modules`
    (name → source). `root` is the storage holding them ("" for vbaProject.bin, "Macros/" in .doc)."""
    name = b"VBAProject"
    records = (_rec(0x0001, struct.pack("<I", 1))                  # PROJECTSYSKIND: 32-bit Windows
               + _rec(0x0002, struct.pack("<I", 0x409))            # PROJECTLCID
               + _rec(0x0014, struct.pack("<I", 0x409))            # PROJECTLCIDINVOKE
               + _rec(0x0003, struct.pack("<H", 1252))             # PROJECTCODEPAGE
               + _rec(0x0004, name)                                # PROJECTNAME
               + _rec(0x0005, b"") + _rec(0x0040, b"")             # PROJECTDOCSTRING (+ unicode)
               + _rec(0x0006, b"") + _rec(0x003D, b"")             # PROJECTHELPFILEPATH 1 and 2
               + _rec(0x0007, struct.pack("<I", 0))                # PROJECTHELPCONTEXT
               + _rec(0x0008, struct.pack("<I", 0))                # PROJECTLIBFLAGS
               + struct.pack("<HIIH", 0x0009, 4, 1, 0)             # PROJECTVERSION
               + _rec(0x000C, b"") + _rec(0x003C, b"")             # PROJECTCONSTANTS (+ unicode)
               + _rec(0x000F, struct.pack("<H", len(modules)))     # PROJECTMODULES
               + _rec(0x0013, struct.pack("<H", 0xFFFF)))          # PROJECTCOOKIE
    streams: dict[str, bytes] = {}
    for module, source in modules.items():
        mname = module.encode("cp1252")
        records += (_rec(0x0019, mname)                                   # MODULENAME
                    + _rec(0x001A, mname) + _rec(0x0032, module.encode("utf-16-le"))  # MODULESTREAMNAME
                    + _rec(0x001C, b"") + _rec(0x0048, b"")               # MODULEDOCSTRING
                    + _rec(0x0031, struct.pack("<I", 0))                  # MODULEOFFSET: source at 0
                    + _rec(0x001E, struct.pack("<I", 0))                  # MODULEHELPCONTEXT
                    + _rec(0x002C, struct.pack("<H", 0xFFFF))             # MODULECOOKIE
                    + struct.pack("<HI", 0x0021, 0)                       # MODULETYPE: procedural
                    + struct.pack("<HI", 0x002B, 0))                      # MODULE terminator
        code = f'Attribute VB_Name = "{module}"\r\n{source}'.encode("cp1252")
        streams[f"{root}VBA/{module}"] = ovba_compress(code)
    records += struct.pack("<HI", 0x0010, 0)                              # dir terminator
    streams[f"{root}VBA/dir"] = ovba_compress(records)
    streams[f"{root}VBA/_VBA_PROJECT"] = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0)
    project = 'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
    project += "".join(f"Module={m}\r\n" for m in modules) + 'Name="VBAProject"\r\n'
    streams[f"{root}PROJECT"] = project.encode("cp1252")
    return streams


def vba_project_bin(modules: dict[str, str]) -> bytes:
    """vbaProject.bin, the part a .docm/.xlsm carries."""
    return compound_file(vba_storages(modules))


# ----------------------------------------------------------------------------- MS-XLS (BIFF8)

def _biff(rtype: int, payload: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(payload)) + payload


EXCEL97_CLSID = "00020820-0000-0000-C000-000000000046"


def xls_with_macro_sheet(sheet: str = "Macro1", clsid: str = EXCEL97_CLSID) -> bytes:
    """A Workbook stream: globals BOF, BOUNDSHEET dt=1 (Excel 4.0 macro sheet), EOF, then the
    sheet's own BOF (dt=0x0040 macro sheet) and EOF."""
    bof_globals = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    name = sheet.encode("latin-1")
    globals_len = len(bof_globals) + 4 + 8 + len(name) + 4
    boundsheet = _biff(0x0085, struct.pack("<IBBBB", globals_len, 0, 0x01, len(name), 0) + name)
    eof = _biff(0x000A, b"")
    sheet_bof = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0040, 0x0DBB, 0x07CC, 0, 0x06))
    workbook = bof_globals + boundsheet + eof + sheet_bof + eof
    return compound_file({"Workbook": workbook.ljust(CUTOFF, b"\0")}, clsid=clsid)


def doc_with_vba(modules: dict[str, str]) -> bytes:
    """A Word 97 file shape: WordDocument and 1Table streams, and the project under Macros/."""
    streams = {"WordDocument": (b"\xec\xa5" + bytes(CUTOFF)), "1Table": bytes(CUTOFF)}
    streams.update(vba_storages(modules, root="Macros/"))
    return compound_file(streams)
