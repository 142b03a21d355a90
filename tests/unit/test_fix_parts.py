"""The fix pipeline's parts that need no external tool: the private workspace, the pikepdf
cleaning, the text comparison, the plan and the output names (checker/fix/). The real
conversions are tested in tests/integration/test_fix.py."""
from __future__ import annotations

import io
import os
import stat

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

import fix_samples as S
from checker import profiles
from checker.fix import clean, pipeline, plan, workspace
from checker.model import Document, FormatInfo, InputFile


def test_the_workspace_is_private_and_removed_even_on_error():
    with workspace.private_dir() as path:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
        if workspace.RAM_DIR.is_dir():
            assert str(path).startswith(str(workspace.RAM_DIR))
        (path / "x.pdf").write_bytes(b"%PDF")
    assert not path.exists()
    with pytest.raises(RuntimeError), workspace.private_dir() as failing:
        raise RuntimeError("conversion failed")
    assert not failing.exists()


def _pdf_with_everything() -> bytes:
    data = S.with_launch_outline(S.with_attachment(S.with_javascript(S.reportlab_pdf(form=True))))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].obj
        link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 9, 9]),
                                            A=Dictionary(S=Name.URI, URI=String("https://x.example"))))
        page.Annots.append(link)
        pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=Array([Dictionary(
            S=Name.Link, K=Array([Dictionary(Type=Name.OBJR, Obj=link), 0]))]))
        pdf.Root.AA = Dictionary(WC=Dictionary(S=Name.JavaScript, JS=String("1")))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_cleaning_removes_every_active_part_and_keeps_the_text():
    original = _pdf_with_everything()
    result = clean.clean_pdf(original)
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        root = pdf.Root
        for key in ("/AcroForm", "/OpenAction", "/AA"):
            assert key not in root
        assert "/JavaScript" not in root.Names and "/EmbeddedFiles" not in root.Names
        assert all("/Annots" not in p.obj and "/AA" not in p.obj for p in pdf.pages)
        assert "/A" not in root.Outlines.First and "/Dest" in root.Outlines.First
        assert list(root.StructTreeRoot.K[0].K) == [0]
        assert len(pdf.pages) == result.pages == 1
    assert {"javascript", "embedded_files", "outline_actions", "open_action"} <= set(result.removed)
    assert result.removed["flattened"] >= 1           # the filled-in field, now page content
    assert S.words(S.pdf_text(original)) <= S.words(S.pdf_text(result.data))
    assert "Mario Rossi" in S.pdf_text(result.data)


def test_cleaning_drops_the_encryption_and_earlier_revisions():
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(S.reportlab_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user=""))
    encrypted = out.getvalue()
    cleaned = clean.clean_pdf(encrypted + b"\n% an appended revision would follow\n")
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        assert not pdf.is_encrypted
    assert cleaned.data.count(b"%%EOF") == 1


def test_cleaning_refuses_a_password_and_garbage():
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(S.reportlab_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="segreto"))
    with pytest.raises(clean.CleanError, match="password"):
        clean.clean_pdf(out.getvalue())
    with pytest.raises(clean.CleanError):
        clean.clean_isolated(b"not a pdf")


def test_the_isolated_cleaning_gives_the_same_file_and_counts_the_text():
    data = S.accented_pdf()
    inside, child = clean.clean_pdf(data), clean.clean_isolated(data, mode="clean+text")
    assert child.data == inside.data and child.pages == 1
    assert child.chars["è"] == 1 and "€" not in child.chars   # € is a symbol, not alnum
    assert clean.text_lost(child.chars, child.chars) == 0
    assert clean.text_lost({"è": 2, "a": 1}, {"a": 1, "\x02": 2}) == 2
    assert clean.clean_isolated(data, mode="text").data == data


def _doc(fmt: str, codes: list[str] = (), **details) -> Document:
    from checker.model import Finding
    kind = {"pdf": ("pdf",), "docx": ("docx", "dotx"), "p7m": ("p7m",), "xml": ("xml",)}[fmt]
    return Document(name="x", sha256="", size=0, parent=None, depth=0,
                    format=FormatInfo(fmt, extensions=kind, details=details),
                    findings=[Finding(c) for c in codes])


GENERIC = profiles.get("generic")


def test_a_signed_file_is_refused_whatever_it_has():
    pades = InputFile("a.pdf", b"%PDF-1.7 ... /ByteRange [0 10 20 30] ...")
    p = plan.plan_file(0, pades, _doc("pdf", ["PDF008"]), {"PDF008"}, GENERIC, "2b")
    assert p.refused and not p.changes_bytes
    assert plan.plan_file(0, InputFile("a.pdf.p7m", b"0"), _doc("p7m"), set(), GENERIC, "2b").refused
    xades = InputFile("f.xml", b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>')
    assert plan.plan_file(0, xades, _doc("xml"), set(), GENERIC, "2b").refused


def test_what_each_file_gets():
    docx = plan.plan_file(0, InputFile("a.docx", b""), _doc("docx"), {"FMT002"}, GENERIC, "2b")
    assert docx.convert_office and docx.clean and not docx.convert_pdf
    plain = plan.plan_file(0, InputFile("a.pdf", b""), _doc("pdf"), {"PDFA001"}, GENERIC, "2b")
    assert plain.convert_pdf and "PDFA001" in plain.targets
    pdfa = plan.plan_file(0, InputFile("a.pdf", b""), _doc("pdf", pdfa="2b"), {"PDF008"}, GENERIC, "2b")
    assert pdfa.clean and not pdfa.convert_pdf
    locked = plan.plan_file(0, InputFile("a.pdf", b""), _doc("pdf"), {"PDF004", "PDFA001"}, GENERIC, "2b")
    assert not locked.changes_bytes and locked.blocked == {"PDF004"}
    named = plan.plan_file(0, InputFile("a b!.pdf", b""), _doc("pdf", pdfa="2b"), {"MSG039"}, GENERIC, "2b")
    assert named.rename and not named.changes_bytes


def test_the_office_may_ask_for_another_level():
    from dataclasses import replace
    assert plan.target_level(GENERIC) == "2b"
    assert plan.target_level(replace(GENERIC, extra={"pdfa_level": "1B"})) == "1b"
    assert plan.target_level(replace(GENERIC, extra={"pdfa_level": "4"})) == "2b"


@pytest.mark.parametrize(("name", "fmt", "converted", "codes", "expected"), [
    ("Domanda è urgente!.docx", "docx", True, {"FMT002", "MSG039"}, "Domanda_e_urgente.pdf"),
    ("lettera.pdf.docx", "docx", True, {"FMT002"}, "lettera.pdf"),
    ("scansione.jpg", "pdf", False, {"FMT010"}, "scansione.pdf"),
    ("senza estensione", "pdf", False, {"FMT011"}, "senza_estensione.pdf"),
])
def test_output_names(name, fmt, converted, codes, expected):
    p = plan.plan_file(0, InputFile(name, b""), _doc(fmt, pdfa="2b"), codes, GENERIC, "2b")
    result = (b"%PDF" if converted else None, [], "", 0.0)
    assert pipeline._names([p], [result]) == [expected]


def test_names_stay_unique_and_kept_names_win():
    keep = plan.plan_file(0, InputFile("domanda.pdf", b""), _doc("pdf", pdfa="2b"), set(), GENERIC, "2b")
    conv = plan.plan_file(1, InputFile("domanda.docx", b""), _doc("docx"), {"FMT002"}, GENERIC, "2b")
    none = (None, [], "", 0.0)
    assert pipeline._names([keep, conv], [none, (b"%PDF", [], "", 0.0)]) == ["domanda.pdf", "domanda_2.pdf"]
