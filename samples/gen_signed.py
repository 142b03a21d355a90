"""Signed samples: CAdES (.p7m/.p7s), timestamped (.tsd/.m7m), PAdES and XAdES, good and bad,
made on a fresh test PKI (tests/fixtures/pki.py) whose anchors are written beside them.

    samples/out/signed/trust/        PEM root + CRL  → --trust samples/out/signed/trust
    samples/out/signed/tsl.xml       a trusted list (ETSI TS 119 612) for the same PKI
    samples/out/signed/*.p7m …       the files; EXPECTED.txt says what each one should give

Signing uses pyHanko's own signers (CAdES, PAdES) and signxml (XAdES). endesive is not
used: `import endesive.signer` fails here (oscrypto 1.3.0 cannot parse the OpenSSL 3
version string) and its PDF signer wants pypdf < 7 while the project has pypdf 7.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
sys.path.insert(0, str(ROOT))

EXPECTED = {
    "domanda.pdf.p7m": "PASSED; inner domanda.pdf",
    "domanda-alterata.pdf.p7m": "FAILED/HASH_FAILURE (SIG002)",
    "domanda-base64.pdf.p7m": "PASSED (bare base64 envelope)",
    "domanda-ber.pdf.p7m": "PASSED (BER, indefinite lengths)",
    "domanda-due-firme.pdf.p7m": "PASSED x2 (parallel signers)",
    "domanda-attributi-disordinati.pdf.p7m": "PASSED + SIG012",
    "domanda-scaduta.pdf.p7m": "INDETERMINATE/OUT_OF_BOUNDS_NO_POE (SIG007)",
    "domanda-revocata.pdf.p7m": "INDETERMINATE/REVOKED_NO_POE (SIG004) with --trust signed/trust",
    "domanda-non-fidata.pdf.p7m": "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND (SIG006)",
    "domanda-sha1.pdf.p7m": "INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE (SIG008)",
    "relazione.docx.p7m.p7m.p7m": "3 envelopes, a .docx inside (format rules flag it)",
    "allegato.pdf + allegato.pdf.p7s": "detached signature paired with its document",
    "domanda.pdf.p7m.tsd": "RFC 5544 timestamp + signer",
    "domanda.pdf.m7m": "MIME bundle p7m + tsr",
    "firmato.pdf": "PAdES PASSED",
    "firmato-due-volte.pdf": "PAdES x2, SIG017 on the first",
    "firmato-poi-modificato.pdf": "PAdES modified after signing (SIG016)",
    "fattura.xml": "XAdES PASSED",
    "fattura-alterata.xml": "XAdES FAILED/HASH_FAILURE",
}


def _docx() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("Relazione tecnica (formato Word, non accettato)")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def generate(outdir: Path) -> None:
    import pki as P
    target = Path(outdir) / "signed"
    if target.exists():
        shutil.rmtree(target)
    k = P.build(target)
    pdf = P.plain_pdf("Domanda di iscrizione")
    files: dict[str, bytes] = {}
    good = P.cades(k, k.signer, pdf)
    files["domanda.pdf.p7m"] = good
    files["domanda-alterata.pdf.p7m"] = P.tamper(good, pdf)
    files["domanda-base64.pdf.p7m"] = base64.encodebytes(good)
    files["domanda-ber.pdf.p7m"] = P.to_ber_indefinite(good)
    files["domanda-due-firme.pdf.p7m"] = P.parallel(good, P.cades(k, k.signer2, pdf))
    files["domanda-attributi-disordinati.pdf.p7m"] = P.out_of_der_order(k, k.signer, pdf)
    files["domanda-scaduta.pdf.p7m"] = P.cades(k, k.expired, pdf)
    files["domanda-revocata.pdf.p7m"] = P.cades(k, k.revoked, pdf)
    files["domanda-non-fidata.pdf.p7m"] = P.cades(k, k.rogue_signer, pdf)
    files["domanda-sha1.pdf.p7m"] = P.cades(k, k.signer, pdf, digest="sha1")
    nested = _docx()
    for _ in range(3):
        nested = P.cades(k, k.signer, nested)
    files["relazione.docx.p7m.p7m.p7m"] = nested
    files["allegato.pdf"] = pdf
    files["allegato.pdf.p7s"] = P.cades(k, k.signer, pdf, detached=True)
    files["domanda.pdf.p7m.tsd"] = P.tsd(k, good)
    files["domanda.pdf.m7m"] = P.m7m(k, good)
    signed_pdf = P.pades(k, k.signer, pdf)
    files["firmato.pdf"] = signed_pdf
    files["firmato-due-volte.pdf"] = P.pades(k, k.signer2, signed_pdf, field_name="Firma2")
    files["firmato-poi-modificato.pdf"] = P.modify_pdf_after_signing(signed_pdf)
    fattura = P.xades(k, k.signer)
    files["fattura.xml"] = fattura
    files["fattura-alterata.xml"] = fattura.replace(b"100.00", b"900.00")
    for name, data in files.items():
        (target / name).write_bytes(data)
    lines = [f"{name}: {what}" for name, what in EXPECTED.items()]
    lines.append(f"made {dt.datetime.now(dt.UTC):%Y-%m-%d}; trust: --trust {target / 'trust'}"
                 f" or --trust {target / 'tsl.xml'}")
    (target / "EXPECTED.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "samples" / "out"))
