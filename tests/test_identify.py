"""Format identification by content (checker/identify.py) on files made with real libraries
(samples/gen_formats.py): every format is identified with its right extension and flagged
with a wrong one; hostile files raise their FMT findings; acceptance follows the profile."""
from __future__ import annotations

import importlib.util
import io
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from checker import catalogue, identify, profiles
from checker.model import InputFile, Severity

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("gen_formats", ROOT / "samples" / "gen_formats.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

GOOD = sorted(n for n in gen.EXPECTED if n not in gen.HOSTILE)
GENERIC = profiles.get("generic")


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return gen.build()


def codes_for(name: str, data: bytes, profile=GENERIC) -> tuple[identify.FormatInfo, set[str]]:
    fmt, findings = identify.identify(InputFile(name, data))
    findings = findings + identify.judge(fmt, name, profile.accepted_formats)
    return fmt, {f.code for f in findings}


def wrong_name(fmt_id: str) -> str:
    return "documento.txt" if fmt_id == "pdf" else "documento.pdf"


# --- every format, right and wrong extension -------------------------------------------------

@pytest.mark.parametrize("name", sorted(gen.EXPECTED))
def test_identified_by_content(built, name):
    fmt, _ = identify.identify(InputFile(name, built[name]))
    assert fmt.id == gen.EXPECTED[name], (name, fmt)
    assert fmt.label and fmt.label[0].isupper()
    assert fmt.mime


@pytest.mark.parametrize("name", GOOD)
def test_right_extension_gives_no_name_finding(built, name):
    fmt, codes = codes_for(name, built[name])
    assert fmt.id not in ("empty", "unknown"), name   # those are hostile samples, not GOOD
    assert identify.extensions_of(name)[-1] in fmt.extensions, (name, fmt.extensions)
    assert not codes & {"FMT010", "FMT011", "FMT012"}, (name, codes)


# script.js is plain text that only its extension makes a script (see the test below)
@pytest.mark.parametrize("name", [n for n in GOOD if gen.EXPECTED[n] not in ("empty", "unknown")
                                  and n != "script.js"])
def test_FMT010_wrong_extension_is_flagged(built, name):
    fmt_id = gen.EXPECTED[name]
    fmt, codes = codes_for(wrong_name(fmt_id), built[name])
    assert fmt.id == fmt_id  # content decides, not the name
    assert "FMT010" in codes, (name, codes)


def test_FMT010_docx_renamed_pdf_names_both(built):
    fmt, findings = identify.identify(InputFile("domanda.pdf", built["letter.docx"]))
    finding = next(f for f in identify.judge(fmt, "domanda.pdf", ("pdf",))
                   if f.code == "FMT010")
    text = catalogue.describe(finding)
    assert "«.pdf»" in text["title"] and "Word" in text["title"]
    assert "«.docx»" in text["fix"]


def test_FMT011_missing_extension(built):
    _, codes = codes_for("domanda", built["pdfa-2b.pdf"])
    assert codes == {"FMT011"}


@pytest.mark.parametrize("name", ["fattura.pdf.exe", "atto.doc.js", "foto.jpg  .scr",
                                  "istanza.PDF.Bat"])
def test_FMT012_double_extension(built, name):
    _, codes = codes_for(name, built["plain.pdf"])
    assert "FMT012" in codes


def test_FMT012_right_to_left_override_in_name(built):
    name = "fattura\u202efdp.exe"   # shows as "fatturaexe.pdf"
    fmt = identify.identify(InputFile(name, built["program.exe"]))[0]
    found = [f for f in identify.judge(fmt, name, ("pdf",)) if f.code == "FMT012"]
    assert found and "U+202E" in found[0].detail


def test_signed_pdf_name_is_not_a_double_extension(built):
    _, codes = codes_for("domanda.pdf.p7m", built["signed-der.pdf.p7m"])
    assert not codes


@pytest.mark.parametrize("name", ["program.exe", "program.elf", "macos.bin", "script.sh",
                                  "script.bat", "script.vbs", "script.js", "script.ps1",
                                  "installer.msi", "shortcut.lnk"])
def test_FMT013_executables(built, name):
    fmt, codes = codes_for(name, built[name])
    assert fmt.id == "exe" and fmt.details["kind"]
    assert "FMT013" in codes
    if name != "script.js":  # plain text that only its extension makes a script
        disguised = codes_for("fattura.pdf", built[name])[1]
        assert {"FMT013", "FMT010"} <= disguised


def test_plain_text_named_js_is_a_script_but_named_txt_is_text(built):
    data = built["script.js"]
    assert identify.identify(InputFile("a.js", data))[0].id == "exe"
    assert identify.identify(InputFile("a.txt", data))[0].id == "txt"


# --- PDF and PDF/A ---------------------------------------------------------------------------

def test_pdfa_claim_read_from_xmp_attributes(built):
    fmt, _ = identify.identify(InputFile("a.pdf", built["pdfa-2b.pdf"]))
    assert fmt.details["pdfa"] == "2b"
    assert fmt.details["pdfa_part"] == 2 and fmt.details["pdfa_conformance"] == "b"
    assert fmt.label == "Documento PDF/A-2b"


def test_pdfa_claim_read_from_xmp_elements(built):
    fmt, _ = identify.identify(InputFile("a.pdf", built["pdfa-1a-elements.pdf"]))
    assert (fmt.details["pdfa_part"], fmt.details["pdfa_conformance"]) == (1, "a")


def test_plain_pdf_has_no_claim(built):
    fmt, _ = identify.identify(InputFile("a.pdf", built["plain.pdf"]))
    assert "pdfa" not in fmt.details and fmt.label == "Documento PDF"


def test_pdfa_claim_from_uncompressed_metadata_stream(built):
    data = gen.pdf_with_raw_xmp(built["plain.pdf"], gen.XMP_ELEMENTS.replace(b">1<", b">3<"),
                                compress=False)
    assert identify.identify(InputFile("a.pdf", data))[0].details["pdfa"] == "3a"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16", "utf-32", "utf-32-be"])
def test_pdfa_claim_from_utf16_and_utf32_xmp(built, codec):
    xmp = gen.XMP_ELEMENTS.decode("utf-8").encode(codec)
    data = gen.pdf_with_raw_xmp(built["plain.pdf"], xmp, compress=False)
    assert identify.identify(InputFile("a.pdf", data))[0].details["pdfa"] == "1a"


def test_pdfa_claim_from_malformed_xmp_falls_back_to_plain_spelling():
    claim = identify.pdfa_claim(b'<x:xmpmeta><rdf:Description pdfaid:part="2" '
                                b'pdfaid:conformance="U"><broken></x:xmpmeta>')
    assert claim["pdfa"] == "2u" and claim["xmp_malformed"] is True


def test_metadata_deflate_bomb_is_not_inflated(built):
    import pikepdf
    import zlib

    huge = gen.XMP_ELEMENTS + b" " * (64 << 20)
    with pikepdf.open(io.BytesIO(built["plain.pdf"])) as doc:
        stream = pikepdf.Stream(doc, zlib.compress(huge, 9))
        stream.Filter = pikepdf.Name.FlateDecode
        doc.Root.Metadata = stream
        buf = io.BytesIO()
        # fix_metadata_version=False: otherwise pikepdf rewrites the XMP and drops the bomb
        doc.save(buf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 fix_metadata_version=False)
    data = buf.getvalue()
    assert 60_000 < len(data) < 200_000          # the 64 MB packet really is in the file, deflated
    import tracemalloc
    tracemalloc.start()
    try:
        fmt, _ = identify.identify(InputFile("a.pdf", data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, peak                 # inflating it whole would take 64 MB
    assert fmt.details["pdfa"] == "1a"  # the packet sits in the first, bounded, megabyte


def test_plain_pdf_is_accepted_where_pdf_is(built):
    # the PDF/A recommendation for a plain PDF is the PDF/A check's PDFA001, not identification's
    assert codes_for("a.pdf", built["plain.pdf"])[1] == set()
    assert codes_for("a.pdf", built["pdfa-2b.pdf"])[1] == set()


def test_FMT007_plain_pdf_refused_where_only_pdfa_is_accepted(built):
    only_pdfa = replace(GENERIC, accepted_formats=("pdfa", "txt"))
    assert codes_for("a.pdf", built["plain.pdf"], only_pdfa)[1] == {"FMT007"}
    assert catalogue.rule("FMT007").severity is Severity.ERROR
    assert codes_for("a.pdf", built["pdfa-2b.pdf"], only_pdfa)[1] == set()
    assert codes_for("a.pdf", built["pdfa-1a-elements.pdf"], only_pdfa)[1] == set()


def test_FMT018_truncated_pdf_is_incomplete(built):
    pdf = built["plain.pdf"]
    for cut in (len(pdf) - 10, len(pdf) // 2, 200):
        assert "FMT018" in codes_for("a.pdf", pdf[:cut])[1], cut


def test_FMT018_interrupted_incremental_update(built):
    pdf = built["plain.pdf"] + b"\n" + b"4 0 obj\n<< /Length 3000 >>\nstream\n" + b"x" * 3000
    assert "FMT018" in codes_for("a.pdf", pdf)[1]


def test_pdf_with_trailing_newlines_is_complete(built):
    assert "FMT018" not in codes_for("a.pdf", built["plain.pdf"] + b"\r\n\r\n")[1]


def test_the_pdfa_claim_of_a_5mb_pdf_is_read_without_parsing_the_file(built):
    # the speed goal (a few ms) is measured by bench/hostile_bench.py; here the claim is
    # found and repeated calls stay bounded
    import pikepdf

    with pikepdf.open(io.BytesIO(built["pdfa-2b.pdf"])) as doc:
        for n in range(5):
            doc.Root[f"/Filler{n}"] = doc.make_stream(os.urandom(1 << 20))
        buf = io.BytesIO()
        doc.save(buf)
    data = buf.getvalue()
    assert len(data) > 5_000_000
    file = InputFile("big.pdf", data)
    identify.identify(file)
    started = time.perf_counter()
    for _ in range(15):
        fmt, _ = identify.identify(file)
    assert fmt.details["pdfa"] == "2b"
    assert time.perf_counter() - started < 5.0   # a full parse each time would be far slower


# --- text and XML ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, encoding", [("utf8.txt", "utf-8"), ("utf8-bom.txt", "utf-8-sig"),
                                            ("utf16.txt", "utf-16-le"), ("cp1252.txt", "cp1252"),
                                            ("ascii.txt", "ascii")])
def test_text_encoding_reported(built, name, encoding):
    fmt, _ = identify.identify(InputFile(name, built[name]))
    assert fmt.details["encoding"] == encoding
    assert fmt.label.startswith("Testo semplice (")


def test_FMT027_legacy_encoding_is_information(built):
    assert "FMT027" in codes_for("a.txt", built["cp1252.txt"])[1]
    assert "FMT027" not in codes_for("a.txt", built["utf8.txt"])[1]


@pytest.mark.parametrize("data", [b"testo\x00con NUL", b"testo \x07 con campanello\n",
                                  b"\x1b[31mcolore\x1b[0m\n", bytes(range(128, 256)) * 4])
def test_control_characters_or_binary_are_not_text(data):
    assert identify.identify(InputFile("a.txt", data))[0].id != "txt"


def test_rtf_variants_word_accepts():
    for head in (rb"{\rtf1\ansi hello}", rb"{\rtf hello}", rb"{\rt hello}"):
        assert identify.identify(InputFile("a.rtf", head))[0].id == "rtf"


def test_fatturapa_is_xml(built):
    fmt, codes = codes_for("IT01234567890_00001.xml", built["fattura.xml"])
    assert fmt.id == "xml" and fmt.details["fatturapa"] is True
    assert codes == set()


def test_xml_entities_are_never_expanded(built):
    fmt, _ = identify.identify(InputFile("a.xml", built["entities.xml"]))
    assert fmt.id == "xml" and fmt.details["root"] == "lolz"
    assert fmt.details["entities"] is True and fmt.details["defused"] == "EntitiesForbidden"


def test_kml_with_entity_doctype_still_kml():
    data = (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "b">]>'
            b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>')
    fmt, _ = identify.identify(InputFile("a.kml", data))
    assert fmt.id == "kml" and fmt.details["entities"]


def test_html_and_xhtml_told_apart_from_xml(built):
    assert identify.identify(InputFile("a.html", built["page.html"]))[0].id == "html"
    assert identify.identify(InputFile("a.xhtml", built["page.xhtml"]))[0].id == "html"


def test_text_starting_with_angle_bracket_is_not_xml():
    assert identify.identify(InputFile("a.txt", b"<Mario Rossi> ha scritto:\nciao\n"))[0].id == "txt"


# --- envelopes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, encoding", [("signed-der.pdf.p7m", "der"), ("signed-ber.pdf.p7m", "ber"),
                                            ("signed-pem.pdf.p7m", "pem"),
                                            ("signed-base64.pdf.p7m", "base64")])
def test_p7m_in_every_encoding(built, name, encoding):
    fmt, codes = codes_for(name, built[name])
    assert fmt.id == "p7m" and fmt.details["encoding"] == encoding
    assert codes == set()  # an envelope is judged by its content, unwrapped by the signature check


def test_ber_sample_really_uses_indefinite_lengths(built):
    assert built["signed-ber.pdf.p7m"][1] == 0x80 and built["signed-der.pdf.p7m"][1] != 0x80


def test_truncated_p7m_is_still_an_envelope_for_the_signature_check_to_judge(built):
    der = built["signed-der.pdf.p7m"]
    for cut in (len(der) - 100, len(der) // 2, 40):
        fmt, codes = codes_for("domanda.pdf.p7m", der[:cut])
        # no finding here: the signature check reports the damage once (SIG003)
        assert fmt.id == "p7m" and fmt.details["damaged"] and codes == set(), cut


def test_FMT008_detached_signature_or_token_alone(built):
    for name in ("detached.p7s", "token.tsr", "response.tsr"):
        assert "FMT008" in codes_for(name, built[name])[1], name


def test_tsd_and_m7m_are_envelopes(built):
    assert codes_for("a.pdf.tsd", built["stamped.pdf.tsd"])[1] == set()
    assert codes_for("a.pdf.m7m", built["stamped.pdf.m7m"])[1] == set()


def test_pec_message_is_eml(built):
    fmt, _ = identify.identify(InputFile("postacert.eml", built["message.eml"]))
    assert fmt.id == "eml" and fmt.details["attachments"] == 1


def test_a_letter_with_an_oggetto_line_is_not_a_message():
    data = b"Oggetto: domanda\nData: oggi\n\nGentile ufficio, ...\n"
    assert identify.identify(InputFile("a.txt", data))[0].id == "txt"


# --- office containers ----------------------------------------------------------------------------

def test_macro_enabled_told_apart_by_content_type(built):
    for plain, macro in (("letter.docx", "macro.docm"), ("table.xlsx", "macro.xlsm"),
                         ("slides.pptx", "macro.pptm")):
        assert identify.identify(InputFile("x", built[macro]))[0].details["vba_project"] is True
        # a .docm renamed .docx is still a docm, and its extension is wrong
        fmt, codes = codes_for(plain, built[macro])
        assert fmt.id == gen.EXPECTED[macro] and "FMT010" in codes


def test_odf_details(built):
    fmt, _ = identify.identify(InputFile("a.odt", built["letter.odt"]))
    assert fmt.details["mimetype"] == "application/vnd.oasis.opendocument.text"
    assert fmt.details["manifest"] is True and fmt.details["mimetype_first"] is True


def test_FMT026_password_protected_ooxml(built):
    fmt, codes = codes_for("domanda.docx", built["password.docx"])
    assert fmt.details["encrypted"] is True and codes == {"FMT026"}
    assert fmt.label == "Documento Office protetto da password"


def test_ole_stream_names_decide(built):
    for name in ("word97.doc", "excel97.xls", "powerpoint97.ppt", "outlook.msg"):
        fmt, _ = identify.identify(InputFile(name, built[name]))
        assert fmt.details["container"] == "ole"


def test_broken_docx_is_corrupt_not_a_misnamed_zip(built):
    _, codes = codes_for("domanda.docx", built["broken.docx"])
    assert "FMT017" in codes and "FMT010" not in codes and "FMT006" not in codes


# --- hostile files -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(gen.HOSTILE))
def test_hostile_samples_raise_their_findings(built, name):
    fmt, codes = codes_for(name, built[name])
    # besides its own findings, a sample only gets its format's "not accepted" (generic
    # refuses archives, FMT006, and images, FMT005)
    refused = {"FMT006"} if name.endswith(".zip") else {"FMT005"} if fmt.id == "jpeg" else set()
    assert codes == gen.HOSTILE[name] | refused, (name, fmt.id, codes)


@pytest.mark.parametrize("name, code, location, in_detail", [
    # both unsafe names are reported, the first gives the location
    ("traversal.zip", "FMT021", "../../etc/cron.d/evil", "/abs/path.txt"),
    # b.xml's directory entry points at a.xml's local header
    ("overlap.zip", "FMT022", "b.xml", "'b.xml' starts inside 'a.xml'"),
    ("duplicate.zip", "FMT023", "word/document.xml", "word/document.xml"),
    ("encrypted.zip", "FMT024", "segreto.txt", "segreto.txt"),
    # five levels, limit 3: the fourth nested archive is the first too deep
    ("nested.zip", "FMT025", "livello1.zip/livello2.zip/livello3.zip/livello4.zip", "limit 3"),
])
def test_FMT021_to_FMT025_zip_structure_findings_name_the_entry(built, name, code, location,
                                                                 in_detail):
    fmt, findings = identify.identify(InputFile(name, built[name]))
    assert fmt.id == "zip"
    assert [f.code for f in findings] == [code]
    assert findings[0].location == location and in_detail in findings[0].detail, findings[0]
    # the same bytes with the structure intact raise none of them
    clean = gen._zip({"a.xml": b"<a/>", "b.xml": b"<b/>"})
    assert identify.identify(InputFile(name, clean))[1] == []


def test_FMT014_polyglots(built):
    for name in ("pdf-then-zip.pdf", "zip-with-pdf-header.zip", "exe-with-pdf.exe",
                 "jpeg-with-zip.jpg", "zip-appended.zip"):
        _, findings = identify.identify(InputFile(name, built[name]))
        poly = [f for f in findings if f.code == "FMT014"]
        assert poly and poly[0].args["other"] and poly[0].location.startswith("byte "), name


def test_clean_files_are_not_polyglots(built):
    for name in GOOD:
        _, findings = identify.identify(InputFile(name, built[name]))
        assert "FMT014" not in {f.code for f in findings}, name


def test_FMT015_FMT016_empty_and_unknown(built):
    assert codes_for("a.pdf", b"")[1] == {"FMT015"}
    assert codes_for("a.bin", built["random.bin"])[1] == {"FMT016"}


@pytest.mark.parametrize("name", sorted(gen.EXPECTED))
def test_truncated_or_corrupted_input_never_raises(built, name):
    data = built[name]
    variants = [data[:n] for n in (1, 7, 64, len(data) // 2, len(data) - 1)]
    flipped = bytearray(data)
    for i in range(0, len(flipped), max(1, len(flipped) // 50)):
        flipped[i] ^= 0xFF
    variants.append(bytes(flipped))
    for variant in variants:
        fmt, findings = identify.identify(InputFile(name, variant))
        assert fmt.id in identify.KINDS
        for f in findings:
            catalogue.rule(f.code)


# --- office profiles -------------------------------------------------------------------------------

SAMPLE_FOR_FORMAT = {"pdf": "pdfa-2b.pdf", "txt": "utf8.txt", "rtf": "letter.rtf",
                     "xml": "fattura.xml", "tiff": "scan.tif", "odt": "letter.odt",
                     "kml": "map.kml"}


@pytest.mark.parametrize("profile_id", list(profiles.load_all()))
def test_each_profile_accepts_exactly_its_formats(built, profile_id):
    profile = profiles.get(profile_id)
    not_accepted = {"FMT001", "FMT002", "FMT003", "FMT004", "FMT005", "FMT006"}
    for fmt_id, name in SAMPLE_FOR_FORMAT.items():
        fmt, codes = codes_for(name, built[name], profile)
        accepted = fmt_id in profile.accepted_formats or (
            fmt_id == "pdf" and "pdfa" in profile.accepted_formats)
        assert bool(codes & not_accepted) != accepted, (profile_id, fmt_id, codes)


def test_formats_sent_by_mistake_get_a_concrete_fix(built):
    expected = {"letter.docx": "FMT002", "word97.doc": "FMT002", "table.xlsx": "FMT003",
                "slides.pptx": "FMT004", "photo.jpg": "FMT005", "archive.zip": "FMT006",
                "outlook.msg": "FMT001"}
    for name, code in expected.items():
        fmt, findings = identify.identify(InputFile(name, built[name]))
        found = [f for f in identify.judge(fmt, name, ("pdf", "txt")) if f.code == code]
        assert found, name
        text = catalogue.describe(found[0])
        assert "PDF/A" in text["fix"] and "PDF, TXT" in text["explain"]
    assert "Salva con nome" in catalogue.rule("FMT002").fix_it


def test_profile_adding_odt_accepts_odt_not_docx(built):
    profile = replace(GENERIC, accepted_formats=("pdf", "odt"))
    assert codes_for("a.odt", built["letter.odt"], profile)[1] == set()
    assert "FMT002" in codes_for("a.docx", built["letter.docx"], profile)[1]


def test_every_fmt_finding_has_italian_and_english_text():
    rules = [r for r in catalogue.load().values() if r.group == "format"]
    assert len(rules) >= 25
    for r in rules:
        assert r.title_it != r.title_en and r.fix_it and r.source


# --- bounded work on large inputs ---------------------------------------------------------------

def _large_input(case: str) -> tuple[str, bytes, str]:
    """(name, data, expected id) for one large input, built only when asked for."""
    import base64
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart

    if case == "text":
        return "a.txt", ("Il sottoscritto è così, " * (1 << 20)).encode(), "txt"
    if case == "xml":
        return "a.xml", b"<r>" + b"<a x='1'>t</a>" * (1 << 20) + b"</r>", "xml"
    if case == "eml":
        message = MIMEMultipart()
        message["From"], message["To"], message["Subject"] = "a@pec.it", "b@pec.it", "Domanda"
        message.attach(MIMEApplication(bytes(range(256)) * (40 << 10), "pdf", Name="d.pdf"))
        return "a.eml", message.as_bytes(), "eml"
    if case == "base64 noise":
        return "a.p7m", base64.encodebytes(bytes(range(256)) * (60 << 10)), "txt"
    if case == "huge doctype":
        return "a.xml", b"<!DOCTYPE r [" + b"<!-- x -->" * (1 << 20) + b"]><r/>", "txt"
    return "a.bin", os.urandom(20 << 20), "unknown"


@pytest.mark.parametrize("case", ["text", "xml", "eml", "base64 noise", "huge doctype", "random"])
def test_large_inputs_are_identified_in_bounded_time(case):
    name, data, expected = _large_input(case)
    assert len(data) > 10 << 20
    started = time.perf_counter()
    fmt, _ = identify.identify(InputFile(name, data))
    assert fmt.id == expected
    assert time.perf_counter() - started < 3.0


def test_FMT008_not_raised_when_the_signed_document_is_beside_it(built):
    fmt, _ = identify.identify(InputFile("domanda.pdf.p7s", built["detached.p7s"]))
    assert identify.judge(fmt, "domanda.pdf.p7s", ("pdf",), ("domanda.pdf", "nota.txt")) == []
    alone = identify.judge(fmt, "domanda.pdf.p7s", ("pdf",), ("altro.pdf",))
    assert [f.code for f in alone] == ["FMT008"]
    assert identify.detached_target("Domanda.PDF.P7S") == "Domanda.PDF"


def test_mutated_samples_never_reach_the_last_resort_handler(built):
    """sniff() turns any exception into a finding; here its inner step is called directly, so
    a parser that raises on damaged input (instead of saying "damaged") fails the test."""
    import random

    rng = random.Random(20240506)
    for _name, data in sorted(built.items()):
        if len(data) > 2_000_000:
            continue
        for _ in range(20):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                at = rng.randrange(len(mutated) + 1)
                roll = rng.random()
                if roll < 0.5 and at < len(mutated):
                    mutated[at] = rng.randrange(256)
                elif roll < 0.75:
                    mutated[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
                else:
                    del mutated[at:at + rng.randint(1, 64)]
            identify._sniff(bytes(mutated))


@pytest.mark.parametrize("name", sorted(gen.HOSTILE))
def test_one_finding_per_code(built, name):
    _, findings = identify.identify(InputFile(name, built[name]))
    codes = [f.code for f in findings]
    assert len(codes) == len(set(codes)), codes


def test_every_emitted_finding_fills_its_placeholders(built):
    """A missing argument renders as «…» in the report: every finding identification emits,
    on every sample and under every profile, carries the arguments its texts use."""
    for profile in profiles.load_all().values():
        for name, data in built.items():
            for shown_as in (name, "documento.pdf", "senza_estensione", "fattura.pdf.exe"):
                fmt, findings = identify.identify(InputFile(shown_as, data))
                findings += identify.judge(fmt, shown_as, profile.accepted_formats)
                for finding in findings:
                    for lang in ("it", "en"):
                        text = catalogue.describe(finding, lang)
                        assert "…" not in "".join(text.values()), (name, shown_as, finding)


def test_odf_without_mimetype_member_is_told_by_its_manifest(built):
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(built["table.ods"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "mimetype":
                dst.writestr(info, src.read(info))
    fmt, _ = identify.identify(InputFile("a.ods", buf.getvalue()))
    assert fmt.id == "ods" and fmt.details["mimetype_first"] is False


def test_text_dialects_keep_their_own_extensions(built):
    for name in ("dati.json", "evento.ics", "contatto.vcf", "percorso.gpx"):
        data = built["utf8.txt"] if not name.endswith(".gpx") else built["fattura.xml"]
        assert "FMT010" not in codes_for(name, data)[1], name
    # but an extension of another known format still contradicts the content
    assert "FMT010" in codes_for("dati.xml", built["utf8.txt"])[1]
    assert "FMT010" in codes_for("dati.docx", built["fattura.xml"])[1]


def test_a_letter_mentioning_the_pdf_header_is_not_a_polyglot():
    data = b"Gentile ufficio,\nil file inizia con %PDF-1.7 ma non si apre.\nSaluti\n"
    fmt, codes = codes_for("lettera.txt", data)
    assert fmt.id == "txt" and "FMT014" not in codes
