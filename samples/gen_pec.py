"""PEC messages and provider receipts built to the DM 2 novembre 2005 structure.

Writes into outdir/pec/:
  messages/*.eml   one file per envelope class and receipt type, plus malformed ones
  expected.json    what each file is, by construction (class, receipt type, detail, error)
  mixed.mbox       a few of them in one mbox (one of them malformed)
  maildir/         a few of them in a Maildir (cur/new/tmp)
  ca/              the test provider's CA and certificate (PEM), to configure as trusted

Every envelope and receipt is an S/MIME multipart/signed message: the first part is the
multipart/mixed body (text, daticert.xml, postacert.eml as the DM requires for each type),
the second is smime.p7s, a detached CMS SignedData made by a test PEC provider whose
certificate is issued by a small test CA built here with `cryptography`.
"""
# No `from __future__ import annotations`: make_samples.py loads this file without registering
# it in sys.modules, and dataclasses cannot resolve string annotations then.
import base64
import datetime as dt
import io
import json
import mailbox
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

PROVIDER = "Gestore PEC di Prova S.p.A."
PROVIDER_DOMAIN = "pec.gestore-prova.example"
PROVIDER_ADDRESS = f"posta-certificata@{PROVIDER_DOMAIN}"
SENDER = "mario.rossi@pec.cittadino.example"
RECIPIENT = "protocollo.generale@cert.comune.piacenza.it"
SUBJECT = "Istanza di accesso agli atti - pratica edilizia 12/2026"
WHEN = dt.datetime(2026, 11, 20, 10, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
ORIGINAL_MSGID = "<istanza-20261120-101530@pec.cittadino.example>"
MARKER = "----=_PEC_smime_boundary_2026"


# --- the test provider ------------------------------------------------------------------

@dataclass
class Provider:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    ca_cert: x509.Certificate


def make_provider() -> Provider:
    not_before = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    not_after = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, PROVIDER),
                         x509.NameAttribute(NameOID.COMMON_NAME, "Test PEC Root CA")])
    ca_cert = (x509.CertificateBuilder()
               .subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(1)
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=True, crl_sign=True,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                              critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, PROVIDER),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"Firma PEC {PROVIDER_DOMAIN}"),
                      x509.NameAttribute(NameOID.EMAIL_ADDRESS, PROVIDER_ADDRESS)])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(PROVIDER_ADDRESS)]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return Provider(key=key, cert=cert, ca_cert=ca_cert)


# --- the original message and daticert.xml ---------------------------------------------

def small_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 770, text)
    c.drawString(72, 750, f"Oggetto: {SUBJECT}")
    c.showPage()
    c.save()
    return buf.getvalue()


def original_message(sender: str = SENDER, subject: str = SUBJECT, msgid: str = ORIGINAL_MSGID,
                     attachments: list[tuple[str, str, bytes]] | None = None) -> bytes:
    """The message the citizen wrote (what ends up as postacert.eml)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = RECIPIENT
    msg["Subject"] = subject
    msg["Date"] = format_datetime(WHEN)
    msg["Message-ID"] = msgid
    msg.set_content("Buongiorno,\nin allegato l'istanza di accesso agli atti firmata.\n"
                    "Cordiali saluti\nMario Rossi\n")
    if attachments is None:
        attachments = [("istanza.pdf", "application/pdf", small_pdf("Istanza di accesso agli atti"))]
    for name, ctype, data in attachments:
        if ctype == "message/rfc822":
            from email import message_from_bytes
            from email.policy import default
            msg.add_attachment(message_from_bytes(data, policy=default), filename=name)
            continue
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=SMTP)


@dataclass
class Daticert:
    tipo: str
    errore: str = "nessuno"
    mittente: str = SENDER
    destinatari: list[tuple[str, str]] = field(default_factory=lambda: [(RECIPIENT, "certificato")])
    oggetto: str = SUBJECT
    identificativo: str = "opec21.20261120101530.12345.67.1.1@pec.gestore-prova.example"
    msgid: str = ORIGINAL_MSGID
    ricevuta: str | None = None
    consegna: str | None = None
    errore_esteso: str | None = None

    def to_xml(self) -> bytes:
        root = ET.Element("postacert", tipo=self.tipo, errore=self.errore)
        head = ET.SubElement(root, "intestazione")
        ET.SubElement(head, "mittente").text = self.mittente
        for addr, kind in self.destinatari:
            ET.SubElement(head, "destinatari", tipo=kind).text = addr
        ET.SubElement(head, "risposte").text = self.mittente
        ET.SubElement(head, "oggetto").text = self.oggetto
        dati = ET.SubElement(root, "dati")
        ET.SubElement(dati, "gestore-emittente").text = PROVIDER
        data = ET.SubElement(dati, "data", zona=WHEN.strftime("%z"))
        ET.SubElement(data, "giorno").text = WHEN.strftime("%d/%m/%Y")
        ET.SubElement(data, "ora").text = WHEN.strftime("%H:%M:%S")
        ET.SubElement(dati, "identificativo").text = self.identificativo
        ET.SubElement(dati, "msgid").text = self.msgid
        if self.ricevuta:
            ET.SubElement(dati, "ricevuta", tipo=self.ricevuta)
        if self.consegna:
            ET.SubElement(dati, "consegna").text = self.consegna
        if self.errore_esteso:
            ET.SubElement(dati, "errore-esteso").text = self.errore_esteso
        return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


# --- envelopes and receipts ------------------------------------------------------------

@dataclass
class Spec:
    """One message to build; `expected` goes into expected.json."""
    name: str
    headers: list[tuple[str, str]]
    body_text: str
    daticert: bytes | None = None
    postacert: bytes | None = None
    extra_parts: list[tuple[str, str, bytes]] = field(default_factory=list)
    expected: dict = field(default_factory=dict)
    tamper: bool = False
    truncate: int | None = None
    prefix: bytes = b""
    opaque: bool = False   # application/pkcs7-mime (content inside the CMS) instead of multipart/signed


def _inner_body(spec: Spec) -> bytes:
    inner = EmailMessage()
    inner.set_content(spec.body_text)
    if spec.postacert is not None:
        from email import message_from_bytes
        from email.policy import default
        inner.add_attachment(message_from_bytes(spec.postacert, policy=default),
                             filename="postacert.eml", disposition="inline")
    for name, ctype, data in spec.extra_parts:
        maintype, subtype = ctype.split("/")
        inner.add_attachment(data, maintype=maintype, subtype=subtype, filename=name,
                             disposition="inline")
    if spec.daticert is not None:
        inner.add_attachment(spec.daticert, maintype="application", subtype="xml",
                             filename="daticert.xml", disposition="inline")
    if inner.get_content_type() != "multipart/mixed":
        inner.make_mixed()
    return inner.as_bytes(policy=SMTP)


def _strip_mime_version(body: bytes) -> bytes:
    # The inner entity carries only its Content-* headers.
    lines = body.split(b"\r\n")
    head_end = lines.index(b"")
    head = [line for line in lines[:head_end] if not line.lower().startswith(b"mime-version:")]
    return b"\r\n".join(head + lines[head_end:])


def build(spec: Spec, provider: Provider) -> bytes:
    inner = _strip_mime_version(_inner_body(spec))
    if spec.opaque:
        return _build_opaque(spec, provider, inner)
    signature = pkcs7.PKCS7SignatureBuilder().set_data(inner).add_signer(
        provider.cert, provider.key, hashes.SHA256()).add_certificate(provider.ca_cert).sign(
        serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    if spec.tamper:  # altered after signing: the provider's signature no longer matches
        inner = inner.replace(b"Buongiorno", b"Buonasera", 1).replace(b"Il giorno", b"Il di'", 1)
    b64 = base64.encodebytes(signature).replace(b"\n", b"\r\n")
    head = [f"{name}: {value}" for name, value in spec.headers]
    marker = f"{MARKER}_{spec.name}"  # unique: a nested envelope must not close this one
    head += ["MIME-Version: 1.0",
             f'Content-Type: multipart/signed; protocol="application/x-pkcs7-signature"; '
             f'micalg="sha-256"; boundary="{marker}"']
    out = ("\r\n".join(head) + "\r\n\r\nThis is an S/MIME signed message\r\n").encode()
    out += f"--{marker}\r\n".encode() + inner + f"\r\n--{marker}\r\n".encode()
    out += (b'Content-Type: application/x-pkcs7-signature; name="smime.p7s"\r\n'
            b"Content-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="smime.p7s"\r\n\r\n')
    out += b64 + f"\r\n--{marker}--\r\n".encode()
    if spec.truncate is not None:
        out = out[: spec.truncate]
    return spec.prefix + out


def _build_opaque(spec: Spec, provider: Provider, inner: bytes) -> bytes:
    """The same envelope signed "opaque" (RFC 5751 3.4.2): what some clients save."""
    signed = pkcs7.PKCS7SignatureBuilder().set_data(inner).add_signer(
        provider.cert, provider.key, hashes.SHA256()).add_certificate(provider.ca_cert).sign(
        serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    head = [f"{name}: {value}" for name, value in spec.headers]
    head += ["MIME-Version: 1.0",
             'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"',
             "Content-Transfer-Encoding: base64",
             'Content-Disposition: attachment; filename="smime.p7m"']
    body = base64.encodebytes(signed).replace(b"\n", b"\r\n")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _common(subject: str, to: str, msgid: str, from_: str | None = None) -> list[tuple[str, str]]:
    return [("Return-Path", f"<{PROVIDER_ADDRESS}>"),
            ("Date", format_datetime(WHEN)),
            ("From", from_ or PROVIDER_ADDRESS),
            ("To", to),
            ("Subject", subject),
            ("Message-ID", msgid)]


def envelope_headers(subject_prefix: str = "POSTA CERTIFICATA: ", trasporto: str = "posta-certificata",
                     sender: str = SENDER, subject: str = SUBJECT) -> list[tuple[str, str]]:
    headers = _common(f"{subject_prefix}{subject}", RECIPIENT,
                      "<opec21.20261120101530.12345.67.1.1@pec.gestore-prova.example>",
                      from_=f'"Per conto di: {sender}" <{PROVIDER_ADDRESS}>')
    headers += [("Reply-To", sender),
                ("X-Riferimento-Message-ID", ORIGINAL_MSGID),
                ("X-Trasporto", trasporto)]
    return headers


def envelope_text(sender: str = SENDER, subject: str = SUBJECT) -> str:
    return (f"Messaggio di posta certificata\n\nIl giorno {WHEN:%d/%m/%Y} alle ore {WHEN:%H:%M:%S} "
            f"({WHEN:%z}) il messaggio \"{subject}\" è stato inviato da \"{sender}\"\n"
            f"indirizzato a:\n{RECIPIENT}\nIl messaggio originale è incluso in allegato.\n"
            f"Identificativo messaggio: opec21.20261120101530.12345.67.1.1@{PROVIDER_DOMAIN}\n")


RECEIPT_SUBJECTS = {
    "accettazione": "ACCETTAZIONE: ",
    "non-accettazione": "AVVISO DI NON ACCETTAZIONE: ",
    "presa-in-carico": "PRESA IN CARICO: ",
    "avvenuta-consegna": "CONSEGNA: ",
    "errore-consegna": "AVVISO DI MANCATA CONSEGNA: ",
    "preavviso-errore-consegna": "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: ",
    "rilevazione-virus": "PROBLEMA DI SICUREZZA: ",
}


def receipt(name: str, tipo: str, errore: str = "nessuno", detail: str | None = None,
            errore_esteso: str | None = None, postacert: bytes | None = None,
            extra_headers: list[tuple[str, str]] = (), subject_prefix: str | None = None,
            expected_error: str | None = None, extra_parts=()) -> Spec:
    to = SENDER if tipo != "presa-in-carico" else f"posta-certificata@{PROVIDER_DOMAIN}"
    msgid = f"<{tipo}.{name}@{PROVIDER_DOMAIN}>"
    headers = _common((subject_prefix or RECEIPT_SUBJECTS[tipo]) + SUBJECT, to, msgid)
    headers += [("X-Ricevuta", tipo), ("X-Riferimento-Message-ID", ORIGINAL_MSGID)]
    if detail:
        headers.append(("X-TipoRicevuta", detail))
    headers += list(extra_headers)
    consegna = RECIPIENT if tipo in ("avvenuta-consegna", "errore-consegna",
                                     "preavviso-errore-consegna", "rilevazione-virus") else None
    dc = Daticert(tipo=tipo, errore=errore, ricevuta=detail, consegna=consegna,
                  errore_esteso=errore_esteso)
    text = (f"Ricevuta di {tipo.replace('-', ' ')}\n\nIl giorno {WHEN:%d/%m/%Y} alle ore "
            f"{WHEN:%H:%M:%S} ({WHEN:%z}) il messaggio \"{SUBJECT}\" proveniente da \"{SENDER}\" "
            f"ed indirizzato a \"{RECIPIENT}\" ...\n")
    if errore_esteso:
        text += f"Errore: {errore_esteso}\n"
    return Spec(name=name, headers=headers, body_text=text, daticert=dc.to_xml(),
                postacert=postacert, extra_parts=list(extra_parts),
                expected={"class": "ricevuta", "receipt_type": tipo, "receipt_detail": detail,
                          "error": expected_error if expected_error is not None
                          else (errore if errore != "nessuno" else None)})


def specs(provider: Provider) -> list[Spec]:
    original = original_message()
    envelope = Spec(name="01_posta-certificata", headers=envelope_headers(), body_text=envelope_text(),
                    daticert=Daticert(tipo="posta-certificata").to_xml(), postacert=original,
                    expected={"class": "posta-certificata", "receipt_type": None,
                              "receipt_detail": None, "error": None})
    ordinary = original_message(sender="mario.rossi@gmail.example",
                                msgid="<ordinaria-1@gmail.example>")
    anomaly = Spec(name="02_anomalia", headers=envelope_headers("ANOMALIA MESSAGGIO: ", "errore",
                                                                 sender="mario.rossi@gmail.example"),
                   body_text=("Anomalia nel messaggio\n\nIl giorno 20/11/2026 alle ore 10:15:30 (+0100) "
                              "è stato ricevuto il messaggio \"" + SUBJECT + "\" proveniente da "
                              "\"mario.rossi@gmail.example\"\nindirizzato a:\n" + RECIPIENT +
                              "\nQuesti dati non sono stati certificati per il seguente errore:\n"
                              "il messaggio non proviene da una casella di posta certificata.\n"
                              "Il messaggio originale è incluso in allegato.\n"),
                   postacert=ordinary,
                   expected={"class": "anomalia", "receipt_type": None, "receipt_detail": None,
                             "error": None})
    breve_body = original_message(attachments=[
        ("istanza.pdf.hash", "text/plain",
         b"SHA-256 dell'allegato istanza.pdf: 3f2a...c9 (ricevuta breve)\n")])
    out = [
        envelope,
        anomaly,
        receipt("03_accettazione", "accettazione"),
        receipt("04_non-accettazione", "non-accettazione", errore="altro",
                errore_esteso="Messaggio non accettato: destinatari non validi nel campo To"),
        receipt("04b_non-accettazione-virus", "non-accettazione", errore="virus",
                errore_esteso="Virus rilevato nel messaggio: Eicar-Signature",
                extra_headers=[("X-VerificaSicurezza", "errore")],
                subject_prefix="AVVISO DI NON ACCETTAZIONE PER VIRUS: "),
        receipt("05_presa-in-carico", "presa-in-carico"),
        receipt("06_avvenuta-consegna-completa", "avvenuta-consegna", detail="completa",
                postacert=original),
        receipt("07_avvenuta-consegna-breve", "avvenuta-consegna", detail="breve",
                postacert=breve_body),
        receipt("08_avvenuta-consegna-sintetica", "avvenuta-consegna", detail="sintetica"),
        receipt("09_errore-consegna-no-dest", "errore-consegna", errore="no-dest",
                errore_esteso="5.1.1 - Gestore PEC di Prova - casella inesistente"),
        receipt("09b_errore-consegna-aruba-altro", "errore-consegna", errore="altro",
                errore_esteso="5.1.1 - Aruba Pec S.p.A. - casella inesistente"),
        receipt("09c_errore-consegna-no-dominio", "errore-consegna", errore="no-dominio",
                errore_esteso="5.1.2 - dominio di posta certificata inesistente"),
        receipt("10_preavviso-errore-consegna", "preavviso-errore-consegna", errore="altro",
                errore_esteso="4.4.7 - nessuna ricevuta di consegna entro 12 ore"),
        receipt("10b_preavviso-errore-consegna-definitivo", "preavviso-errore-consegna",
                errore="altro", errore_esteso="5.4.1 - Recipient address rejected: access denied"),
        receipt("11_rilevazione-virus", "rilevazione-virus", errore="virus",
                errore_esteso="Virus rilevato: Eicar-Signature",
                extra_headers=[("X-VerificaSicurezza", "errore")]),
    ]
    # --- malformed and tricky ones
    wrong_case = [(n.lower() if n.startswith("X-") else n.upper(), v) for n, v in envelope_headers()]
    wrong_case = [(n, v.upper()) if n == "x-trasporto" else (n, v) for n, v in wrong_case]
    nested_inner = build(Spec(name="inner", headers=envelope_headers(
        sender="ufficio.tecnico@pec.altro-ente.example", subject="Parere tecnico"),
        body_text=envelope_text("ufficio.tecnico@pec.altro-ente.example", "Parere tecnico"),
        daticert=Daticert(tipo="posta-certificata", mittente="ufficio.tecnico@pec.altro-ente.example",
                          oggetto="Parere tecnico").to_xml(),
        postacert=original_message(sender="ufficio.tecnico@pec.altro-ente.example",
                                   subject="Parere tecnico", msgid="<parere@altro-ente.example>")),
        provider)
    nested_original = original_message(subject="Inoltro parere tecnico", attachments=[
        ("istanza.pdf", "application/pdf", small_pdf("Istanza con parere allegato")),
        ("parere-pec.eml", "message/rfc822", nested_inner)])
    envelope_kwargs = {"body_text": envelope_text(), "daticert": Daticert(tipo="posta-certificata").to_xml(),
                           "postacert": original}
    pc = {"class": "posta-certificata", "receipt_type": None, "receipt_detail": None, "error": None}
    accepted = {"class": "ricevuta", "receipt_type": "accettazione", "receipt_detail": None,
                "error": None}
    out += [
        Spec(name="m01_missing-daticert", headers=envelope_headers(), body_text=envelope_text(),
             postacert=original, expected=dict(pc, problems=True)),
        Spec(name="m02_broken-xml", headers=envelope_headers(),
             **dict(envelope_kwargs, daticert=b"<?xml version='1.0'?><postacert tipo='posta-certificata'>"
                                                b"<intestazione><mittente>x</intestazione>"),
             expected=dict(pc, problems=True)),
        Spec(name="m03_wrong-case-headers", headers=wrong_case, **envelope_kwargs,
             expected=dict(pc)),
        Spec(name="m04_nested-pec", headers=envelope_headers(subject="Inoltro parere tecnico"),
             body_text=envelope_text(subject="Inoltro parere tecnico"),
             daticert=Daticert(tipo="posta-certificata", oggetto="Inoltro parere tecnico").to_xml(),
             postacert=nested_original, expected=dict(pc)),
        Spec(name="m05_stray-text", headers=envelope_headers(), **envelope_kwargs,
             prefix=b"Messaggio salvato dal client di posta il 20/11/2026\r\n-----\r\n",
             expected=dict(pc, problems=True)),
        Spec(name="m06_truncated-mime", headers=envelope_headers(), **envelope_kwargs,
             truncate=2500, expected=dict(pc, problems=True)),
        Spec(name="m07_daticert-entities", headers=envelope_headers(),
             **dict(envelope_kwargs, daticert=b'<?xml version="1.0"?>\n<!DOCTYPE postacert [\n'
                    b'<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;">\n]>'
                    b'<postacert tipo="posta-certificata" errore="nessuno"><intestazione>'
                    b'<mittente>&b;</mittente></intestazione></postacert>'),
             expected=dict(pc, problems=True)),
        Spec(name="m08_tampered-signature", headers=envelope_headers(), **envelope_kwargs,
             tamper=True, expected=dict(pc, signature="FAILED")),
        Spec(name="m09_header-daticert-mismatch", headers=receipt("x", "accettazione").headers,
             body_text="Ricevuta di accettazione\n",
             daticert=Daticert(tipo="avvenuta-consegna", ricevuta="completa").to_xml(),
             expected=dict(accepted, problems=True)),
        Spec(name="m12_opaque-signed", headers=envelope_headers(), **envelope_kwargs, opaque=True,
             expected=dict(pc)),
    ]
    return out


def plain_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Negozio Offerte <offerte@negozio.example>"
    msg["To"] = RECIPIENT
    msg["Subject"] = "Catalogo offerte di Natale"
    msg["Date"] = format_datetime(WHEN)
    msg["Message-ID"] = "<promo-1@negozio.example>"
    msg.set_content("Scopri le nostre offerte!\n")
    return msg.as_bytes(policy=SMTP)


def generate(outdir: Path) -> None:
    root = Path(outdir) / "pec"
    if root.exists():
        shutil.rmtree(root)
    messages = root / "messages"
    messages.mkdir(parents=True)
    provider = make_provider()
    (root / "ca").mkdir()
    (root / "ca" / "provider-ca.pem").write_bytes(provider.ca_cert.public_bytes(serialization.Encoding.PEM))
    (root / "ca" / "provider.pem").write_bytes(provider.cert.public_bytes(serialization.Encoding.PEM))
    expected: dict[str, dict] = {}
    built: dict[str, bytes] = {}
    for spec in specs(provider):
        data = build(spec, provider)
        built[spec.name] = data
        (messages / f"{spec.name}.eml").write_bytes(data)
        expected[f"{spec.name}.eml"] = spec.expected
    not_pec = {"class": "not-pec", "receipt_type": None, "receipt_detail": None, "error": None}
    extras = {
        "12_not-pec.eml": (plain_mail(), not_pec),
        "m10_empty.eml": (b"", dict(not_pec, problems=True)),
        "m11_binary-junk.eml": (bytes(range(256)) * 8, dict(not_pec, problems=True)),
    }
    for name, (data, exp) in extras.items():
        (messages / name).write_bytes(data)
        built[name.removesuffix(".eml")] = data
        expected[name] = exp
    (root / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True))

    # An mbox and a Maildir with a few of them, one malformed in each.
    in_boxes = ["01_posta-certificata", "03_accettazione", "08_avvenuta-consegna-sintetica",
                "09_errore-consegna-no-dest", "12_not-pec", "m02_broken-xml"]
    box = mailbox.mbox(str(root / "mixed.mbox"), create=True)
    maildir = mailbox.Maildir(str(root / "maildir"), create=True)
    for name in in_boxes:
        box.add(built[name])
        maildir.add(built[name])
    box.flush()
    box.close()
    (root / "boxes.json").write_text(json.dumps(
        [expected[f"{n}.eml"] for n in in_boxes], indent=1))


if __name__ == "__main__":
    import sys
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "samples/out"))
