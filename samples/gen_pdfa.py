"""PDF/A samples: a PDF/A-2b the built-in validator accepts, and PDF/A claims it refuses.

Written with pikepdf into outdir/pdfa/. The "conforme" file passes the built-in checks
(it has no fonts, images or device colours, so no output intent is needed); each
"errato" file breaks one clause family so the form and the CLI show its finding.
"""
from __future__ import annotations

import io
from pathlib import Path

import pikepdf

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  pdfaid:part="{part}" pdfaid:conformance="B"/>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Istanza di accesso agli atti</rdf:li></rdf:Alt></dc:title>
</rdf:Description>{extra}
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def _pdf(part: int = 2, extra: str = "", tweak=None, claim: bool = True) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if claim:
        pdf.Root.Metadata = pdf.make_stream(XMP.format(part=part, extra=extra).encode("utf-8"),
                                            Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    if tweak:
        tweak(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _javascript(pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('ciao')")))


def _attachment(pdf) -> None:
    pdf.attachments["dati.csv"] = pikepdf.AttachedFileSpec(pdf, b"a;b\n1;2\n", mime_type="text/csv")


def generate(outdir: Path) -> None:
    folder = Path(outdir) / "pdfa"
    folder.mkdir(parents=True, exist_ok=True)
    tiff = ('\n<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">'
            '<tiff:ImageWidth>210 mm</tiff:ImageWidth></rdf:Description>')
    files = {
        "pdfa2b-conforme.pdf": _pdf(),
        "pdfa2b-metadati-errati.pdf": _pdf(extra=tiff),          # ISO 19005-2 6.6.2.3.1
        "pdfa2b-javascript.pdf": _pdf(tweak=_javascript),         # ISO 19005-2 6.5.1
        "pdfa1b-allegato.pdf": _pdf(part=1, tweak=_attachment),   # ISO 19005-1 6.1.11
        "pdf-semplice.pdf": _pdf(claim=False),                    # no claim: information only
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
