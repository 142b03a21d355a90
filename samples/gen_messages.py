"""Sample submissions for the message rules and office profiles (checker/message/).

Writes into outdir/messages/<scenario>/: the attachments (small real PDFs drawn with
reportlab, text files, a KML) and submission.json with the message facts the sender
types in the form (profile, sender, recipient, subject, doc_type, destination, body,
main) and, under "expected", the verdict and the message rule codes the scenario is
built to show. Each office has one submission that passes and one that fails for the
office's own reason.

    python samples/gen_messages.py samples/out
"""
# No `from __future__ import annotations`: make_samples.py loads this file without
# registering it in sys.modules.
import io
import json
from pathlib import Path

TOPIC = "messages"
PEC_SENDER = "mario.rossi@pec.it"
SUBJECT = "Istanza di contributo affitto 2024 - Mario Rossi"


def _pdf(*lines: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 780
    for line in lines:
        c.drawString(72, y, line)
        y -= 18
    c.save()
    return buf.getvalue()


def _istanza(oggetto: str = "Istanza di contributo affitto 2024") -> bytes:
    return _pdf("Al Comune", f"Oggetto: {oggetto}",
                "Il sottoscritto Mario Rossi chiede quanto in oggetto.", "Data e firma")


_ID_CARD = b"Copia del documento di identita': carta d'identita' n. CA00000AA\n"
_KML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        b"<Placemark><name>Area intervento</name><Point><coordinates>9.69,45.05,0</coordinates>"
        b"</Point></Placemark></kml>\n")


def _scenario(profile, *, files, expected_verdict, expected_codes=(), sender=PEC_SENDER,
              recipient="", subject=SUBJECT, doc_type="istanza", destination="Servizi sociali",
              body="", main="istanza.pdf", note=""):
    return {"profile": profile, "sender": sender, "recipient": recipient, "subject": subject,
            "doc_type": doc_type, "destination": destination, "body": body, "main": main,
            "note": note, "files": files,
            "expected": {"verdict": expected_verdict, "codes": list(expected_codes)}}


def scenarios() -> dict:
    base = {"istanza.pdf": _istanza(), "documento_identita.txt": _ID_CARD}
    return {
        "generic-ready": (_scenario(
            "generic", files=list(base), expected_verdict="ready",
            note="PEC a PEC, oggetto e tipo di documento chiari, PDF e TXT"), base),
        "generic-test-message": (_scenario(
            "generic", files=["istanza.pdf"], subject="prova", expected_verdict="fix",
            expected_codes=["MSG007"], note="un messaggio di prova non è un oggetto"),
            {"istanza.pdf": _istanza()}),
        "generic-names": (_scenario(
            "generic", files=["Istanza contributo è urgente!.pdf", "CON.txt", "allegato.pdf.pdf"],
            main="Istanza contributo è urgente!.pdf", expected_verdict="ready",
            expected_codes=["MSG039", "MSG040", "MSG043"],
            note="nomi di file con accenti, nome riservato di Windows, estensione ripetuta"),
            {"Istanza contributo è urgente!.pdf": _istanza(), "CON.txt": _ID_CARD,
             "allegato.pdf.pdf": _pdf("Allegato: planimetria")}),
        "piacenza-ready": (_scenario(
            "piacenza", files=["istanza.pdf", "area_intervento.kml"],
            recipient="protocollo.generale@cert.comune.piacenza.it", expected_verdict="ready",
            note="Piacenza accetta anche KML; oggetto, tipo e ufficio indicati"),
            {"istanza.pdf": _istanza(), "area_intervento.kml": _KML}),
        "piacenza-no-document-type": (_scenario(
            "piacenza", files=["istanza.pdf"], doc_type="", destination="",
            subject="Contributo affitto 2024 - Mario Rossi", expected_verdict="fix",
            expected_codes=["MSG010", "MSG011"],
            note="Piacenza chiede tipo di documento e ufficio di destinazione"),
            {"istanza.pdf": _istanza()}),
        "cassano-ready": (_scenario(
            "cassano-allo-ionio", files=["istanza.pdf"],
            recipient="protocollo.comune.cassanoalloionio.cs@asmepec.it", expected_verdict="ready",
            note="alla PEC del protocollo"), {"istanza.pdf": _istanza()}),
        "cassano-sector-box": (_scenario(
            "cassano-allo-ionio", files=["istanza.pdf"],
            recipient="polizialocale.comune.cassanoalloionio.cs@asmepec.it", expected_verdict="fix",
            expected_codes=["MSG023"], note="un cittadino scrive alla PEC di un settore"),
            {"istanza.pdf": _istanza()}),
        "mezzani-ready": (_scenario(
            "mezzani", files=["istanza.pdf"], sender="studio.bianchi@legalmail.it",
            recipient="protocollo@postacert.comune.mezzani.pr.it", expected_verdict="ready",
            note="da una casella PEC"), {"istanza.pdf": _istanza()}),
        "mezzani-ordinary-sender": (_scenario(
            "mezzani", files=["istanza.pdf"], sender="mario.rossi@libero.it",
            expected_verdict="fix", expected_codes=["MSG017"],
            note="Mezzani non prende in carico mail da indirizzi non PEC"),
            {"istanza.pdf": _istanza()}),
        "cremona-unsigned": (_scenario(
            "cremona", files=["istanza.pdf"], recipient="protocollo@comunedicremona.legalmail.it",
            expected_verdict="fix", expected_codes=["MSG027"],
            note="Cremona protocolla solo allegati firmati digitalmente"),
            {"istanza.pdf": _istanza()}),
        "cremona-information-request": (_scenario(
            "cremona", files=["domanda.pdf"], main="domanda.pdf",
            subject="Richiesta informazioni orari ufficio anagrafe", doc_type="richiesta",
            expected_verdict="fix", expected_codes=["MSG013", "MSG027"],
            note="le richieste di informazioni vanno al modulo «Scrivi al Comune»"),
            {"domanda.pdf": _istanza("Richiesta informazioni orari ufficio anagrafe")}),
        "genova-ready": (_scenario(
            "genova", files=list(base), recipient="comunegenova@postemailcertificata.it",
            expected_verdict="ready", note="da PEC, PDF e TXT"), base),
        "genova-ordinary-sender-unsigned": (_scenario(
            "genova", files=["istanza.pdf"], sender="mario.rossi@gmail.com",
            expected_verdict="fix", expected_codes=["MSG018"],
            note="da posta ordinaria serve un documento firmato digitalmente"),
            {"istanza.pdf": _istanza()}),
        "genova-two-applications": (_scenario(
            "genova", files=["istanza.pdf", "ricorso.pdf"], expected_verdict="ready",
            expected_codes=["MSG004"], note="due pratiche nello stesso messaggio (avviso)"),
            {"istanza.pdf": _istanza(),
             "ricorso.pdf": _istanza("Ricorso avverso verbale di contravvenzione 55/2024")}),
    }


def generate(outdir: Path) -> None:
    root = Path(outdir) / TOPIC
    for name, (facts, files) in scenarios().items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for filename, data in files.items():
            (folder / filename).write_bytes(data)
        (folder / "submission.json").write_text(json.dumps(facts, ensure_ascii=False, indent=2),
                                                encoding="utf-8")


if __name__ == "__main__":
    import sys
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "samples/out"))
