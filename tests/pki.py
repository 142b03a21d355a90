"""A test PKI built at test time with `cryptography`, and signers for its fixtures.

root CA → intermediate "qualified" CA → signers (nonRepudiation, QCStatements
QcCompliance + QcSSCD, serialNumber TINIT-…); a TSA under the root; a CRL from the
intermediate that revokes one signer; a second, untrusted root with its own signer; a
trusted list (ETSI TS 119 612) naming the root as CA/QC and the TSA as QTST.

Everything is written under one folder:
    trust/root.pem + trust/intermediate.crl   (a PEM-folder trust source)
    tsl.xml                                    (a trusted-list trust source)
Signing helpers (pyHanko's own signers: CAdES attached/detached, CAdES-T, PAdES) return
bytes; the odd encodings real tools produce (BER, base64, out-of-order attributes,
parallel signers) are made from those bytes by small, explicit transformations.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms, core, keys as asn1_keys, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC
NOW = dt.datetime.now(UTC).replace(microsecond=0)
CF = "RSSMRA80A01H501U"
CRL_URL = "http://crl.test.invalid/qualified.crl"
SHA256 = hashes.SHA256()  # the default digest of the test certificates


@dataclass
class Identity:
    name: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def cert_asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def key_asn1(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))


@dataclass
class TestPKI:
    folder: Path
    root: Identity
    intermediate: Identity
    signer: Identity            # qualified, valid now
    signer2: Identity           # a second qualified signer (parallel signatures)
    expired: Identity           # validity ended a year ago
    revoked: Identity           # listed in the intermediate's CRL
    weak: Identity              # RSA 1024
    plain: Identity             # no nonRepudiation, no QCStatements
    tsa: Identity
    rogue_root: Identity        # not trusted
    rogue_signer: Identity
    crl_der: bytes = b""
    extra: dict = field(default_factory=dict)

    @property
    def pem_trust(self) -> str:
        return str(self.folder / "trust")

    @property
    def tsl(self) -> str:
        return str(self.folder / "tsl.xml")

    def chain(self, who: Identity) -> list[Identity]:
        if who is self.rogue_signer:
            return [self.rogue_root]
        if who is self.tsa:
            return [self.root]
        return [self.intermediate, self.root]


def _key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(cn: str, *, person: tuple[str, str] | None = None, serial: str | None = None,
          org: str = "PEC Precheck Test") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)]
    if person:
        attrs += [x509.NameAttribute(NameOID.GIVEN_NAME, person[0]),
                  x509.NameAttribute(NameOID.SURNAME, person[1])]
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _qc_statements() -> x509.UnrecognizedExtension:
    from pyhanko.sign.ades.qualified_asn1 import QcStatements
    der = QcStatements([{"statement_id": "qc_compliance"}, {"statement_id": "qc_sscd"}]).dump()
    return x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3"), der)


def _issue(subject: x509.Name, key, issuer: Identity | None, *, ca: bool = False,
           not_before: dt.datetime, not_after: dt.datetime, usage: str = "sign",
           qualified: bool = False, hash_alg: hashes.HashAlgorithm = SHA256, crl_url: str | None = None,
           ocsp_url: str | None = None) -> x509.Certificate:
    issuer_name = issuer.cert.subject if issuer else subject
    signing_key = issuer.key if issuer else key
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.key.public_key()), critical=False)
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                            critical=True)
    elif usage == "sign":
        b = b.add_extension(x509.KeyUsage(False, True, False, False, False, False, False, False, False),
                            critical=True)
    elif usage == "digital":
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                            critical=True)
    elif usage == "tsa":
        b = b.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                            critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if qualified:
        b = b.add_extension(_qc_statements(), critical=False)
    if crl_url:
        b = b.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
    if ocsp_url:
        b = b.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]),
            critical=False)
    return b.sign(signing_key, hash_alg)


def build(folder: Path) -> TestPKI:
    """Create the whole PKI (about a second of RSA key generation)."""
    folder.mkdir(parents=True, exist_ok=True)
    long_ago, far = NOW - dt.timedelta(days=3650), NOW + dt.timedelta(days=3650)
    root_key = _key()
    root = Identity("root", root_key, _issue(_name("PEC Precheck Test Root CA"), root_key, None,
                                             ca=True, not_before=long_ago, not_after=far))
    ik = _key()
    inter = Identity("intermediate", ik, _issue(_name("PEC Precheck Test Qualified CA"), ik, root,
                                                ca=True, not_before=long_ago, not_after=far))

    def person(label, given, surname, cf, *, bits=2048, start=NOW - dt.timedelta(days=30),
               end=NOW + dt.timedelta(days=700), qualified=True, usage="sign",
               issuer=inter, hash_alg=SHA256, serial_prefix="TINIT-"):
        k = _key(bits)
        cert = _issue(_name(f"{surname.upper()} {given.upper()}", person=(given, surname),
                            serial=f"{serial_prefix}{cf}"), k, issuer,
                      not_before=start, not_after=end, usage=usage, qualified=qualified,
                      hash_alg=hash_alg, crl_url=CRL_URL if issuer is inter else None)
        return Identity(label, k, cert)

    signer = person("signer", "Mario", "Rossi", CF)
    signer2 = person("signer2", "Anna", "Bianchi", "BNCNNA85M41F205X")
    expired = person("expired", "Luca", "Verdi", "VRDLCU70C10D969Q", serial_prefix="IT:",
                     start=NOW - dt.timedelta(days=1100), end=NOW - dt.timedelta(days=365))
    revoked = person("revoked", "Paolo", "Neri", "NREPLA75D15L219M")
    weak = person("weak", "Carla", "Gialli", "GLLCRL60A41H501Z", bits=1024)
    plain = person("plain", "Ugo", "Bruni", "BRNUGO66B02H501K", qualified=False, usage="digital")
    tk = _key()
    tsa = Identity("tsa", tk, _issue(_name("PEC Precheck Test TSA"), tk, root, usage="tsa",
                                     not_before=long_ago, not_after=far))
    rk = _key()
    rogue_root = Identity("rogue_root", rk, _issue(_name("Untrusted Root", org="Nobody"), rk, None,
                                                   ca=True, not_before=long_ago, not_after=far))
    rogue = person("rogue", "Eva", "Mori", "MROEVA90A41H501P", issuer=rogue_root)

    crl_builder = (x509.CertificateRevocationListBuilder().issuer_name(inter.cert.subject)
                   .last_update(NOW - dt.timedelta(hours=1))
                   .next_update(NOW + dt.timedelta(days=7))
                   .add_revoked_certificate(x509.RevokedCertificateBuilder()
                                            .serial_number(revoked.cert.serial_number)
                                            .revocation_date(NOW - dt.timedelta(days=10))
                                            .build()))
    crl_der = crl_builder.sign(inter.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    pki = TestPKI(folder, root, inter, signer, signer2, expired, revoked, weak, plain, tsa,
                  rogue_root, rogue, crl_der)
    trust = folder / "trust"
    trust.mkdir(exist_ok=True)
    (trust / "root.pem").write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    (trust / "intermediate.crl").write_bytes(crl_der)
    (folder / "tsl.xml").write_text(trusted_list(pki), encoding="utf-8")
    return pki


def signer_with_urls(pki: TestPKI, label: str, *, ocsp_url: str | None = None,
                     crl_url: str | None = None) -> Identity:
    """A qualified signer under the intermediate whose certificate names where to ask for
    its revocation status (AIA OCSP, CRL distribution point)."""
    k = _key()
    cert = _issue(_name(f"ONLINE {label.upper()}", person=("Online", label), serial=f"TINIT-{CF}"),
                  k, pki.intermediate, not_before=NOW - dt.timedelta(days=30),
                  not_after=NOW + dt.timedelta(days=700), qualified=True,
                  crl_url=crl_url, ocsp_url=ocsp_url)
    return Identity(label, k, cert)


def _b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def trusted_list(pki: TestPKI, *, ca_status: str = "granted",
                 since: dt.datetime | None = None, history: str = "") -> str:
    """A minimal ETSI TS 119 612 list: the root as CA/QC (Italian qualified CAs are listed
    by their self-signed certificate), the TSA as QTST."""
    since = since or (NOW - dt.timedelta(days=3000))
    when = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    st = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"

    def service(kind: str, name: str, cert: x509.Certificate, status: str, extra: str = "") -> str:
        return f"""
      <TSPService><ServiceInformation>
        <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/{kind}</ServiceTypeIdentifier>
        <ServiceName><Name xml:lang="en">{name}</Name></ServiceName>
        <ServiceDigitalIdentity><DigitalId><X509Certificate>{_b64(cert)}</X509Certificate></DigitalId></ServiceDigitalIdentity>
        <ServiceStatus>{st}{status}</ServiceStatus>
        <StatusStartingTime>{when}</StatusStartingTime>
      </ServiceInformation>{extra}</TSPService>"""
    services = (service("CA/QC", "Test Qualified CA", pki.root.cert, ca_status, history)
                + service("TSA/QTST", "Test TSA", pki.tsa.cert, "granted"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" Id="tsl" TSLTag="http://uri.etsi.org/19612/TSLTag">
  <SchemeInformation>
    <TSLVersionIdentifier>5</TSLVersionIdentifier>
    <TSLSequenceNumber>1</TSLSequenceNumber>
    <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
    <SchemeOperatorName><Name xml:lang="en">PEC Precheck Test Operator</Name></SchemeOperatorName>
    <SchemeTerritory>IT</SchemeTerritory>
    <ListIssueDateTime>{NOW.strftime("%Y-%m-%dT%H:%M:%SZ")}</ListIssueDateTime>
    <NextUpdate><dateTime>{(NOW + dt.timedelta(days=180)).strftime("%Y-%m-%dT%H:%M:%SZ")}</dateTime></NextUpdate>
  </SchemeInformation>
  <TrustServiceProviderList>
    <TrustServiceProvider>
      <TSPInformation><TSPName><Name xml:lang="en">PEC Precheck Test TSP</Name></TSPName></TSPInformation>
      <TSPServices>{services}
      </TSPServices>
    </TrustServiceProvider>
  </TrustServiceProviderList>
</TrustServiceStatusList>
"""


# ----------------------------------------------------------------------------- signing

def _signer(pki: TestPKI, who: Identity, digest: str = "sha256"):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    chain = [c.cert_asn1 for c in pki.chain(who)]
    return signers.SimpleSigner(signing_cert=who.cert_asn1, signing_key=who.key_asn1,
                                cert_registry=SimpleCertificateStore.from_certs(chain))


def timestamper(pki: TestPKI, at: dt.datetime | None = None):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    return DummyTimeStamper(tsa_cert=pki.tsa.cert_asn1, tsa_key=pki.tsa.key_asn1,
                            certs_to_embed=SimpleCertificateStore.from_certs([pki.root.cert_asn1]),
                            fixed_dt=at)


def cades(pki: TestPKI, who: Identity, content: bytes, *, detached: bool = False,
          digest: str = "sha256", timestamp: bool = False, ts_at: dt.datetime | None = None,
          signing_time: dt.datetime | None = None) -> bytes:
    """A CAdES-BES (or -T with timestamp=True) SignedData in DER."""
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
    signer = _signer(pki, who, digest)
    attrs = PdfCMSSignedAttributes(signing_time=signing_time or NOW - dt.timedelta(minutes=5))
    ts = timestamper(pki, ts_at) if timestamp else None
    info = asyncio.run(signer.async_sign_general_data(content, digest, detached=detached,
                                                      use_cades=True, timestamper=ts,
                                                      signed_attr_settings=attrs))
    return info.dump()


def parallel(*envelopes: bytes) -> bytes:
    """Merge the signers of several attached SignedData over the same content into one."""
    first = cms.ContentInfo.load(envelopes[0])
    sd = first["content"]
    signer_infos = [si for env in envelopes for si in cms.ContentInfo.load(env)["content"]["signer_infos"]]
    certs = [c for env in envelopes for c in cms.ContentInfo.load(env)["content"]["certificates"]]
    seen, unique = set(), []
    for c in certs:
        if c.dump() not in seen:
            seen.add(c.dump())
            unique.append(c)
    digests = {si["digest_algorithm"].dump(): si["digest_algorithm"] for si in signer_infos}
    merged = cms.SignedData({
        "version": sd["version"], "digest_algorithms": list(digests.values()),
        "encap_content_info": sd["encap_content_info"],
        "certificates": unique, "signer_infos": signer_infos})
    return cms.ContentInfo({"content_type": "signed_data", "content": merged}).dump()


def to_ber_indefinite(der_envelope: bytes, chunk: int = 1000) -> bytes:
    """Re-encode the outer layers with indefinite lengths and the content as a constructed
    OCTET STRING in chunks, as some smart-card tools do; the SignerInfos stay byte-identical."""
    info = cms.ContentInfo.load(der_envelope)
    sd = info["content"]
    content = bytes(sd["encap_content_info"]["content"])

    def indef(tag: bytes, body: bytes) -> bytes:
        return tag + b"\x80" + body + b"\x00\x00"

    pieces = b"".join(core.OctetString(content[i:i + chunk]).dump()
                      for i in range(0, len(content), chunk))
    octets = indef(b"\x24", pieces)
    eci = indef(b"\x30", sd["encap_content_info"]["content_type"].dump() + indef(b"\xa0", octets))
    body = sd["version"].dump() + sd["digest_algorithms"].dump() + eci
    if sd["certificates"].contents is not None:
        body += sd["certificates"].dump()
    body += sd["signer_infos"].dump()
    return indef(b"\x30", info["content_type"].dump() + indef(b"\xa0", indef(b"\x30", body)))


def out_of_der_order(pki: TestPKI, who: Identity, content: bytes) -> bytes:
    """An envelope whose signed attributes are stored NOT in DER order, signed over the
    DER-sorted set (what ETSI/RFC 5652 require the signature to cover)."""
    from cryptography.hazmat.primitives.asymmetric import padding
    env = cades(pki, who, content)
    info = cms.ContentInfo.load(env)
    sd = info["content"]
    si = sd["signer_infos"][0]
    encoded = sorted(a.dump() for a in si["signed_attrs"])
    stored = list(reversed(encoded))
    assert stored != encoded

    def set_of(tag: int, items: list[bytes]) -> bytes:
        body = b"".join(items)
        return bytes([tag]) + _len(len(body)) + body
    signature = who.key.sign(set_of(0x31, encoded), padding.PKCS1v15(), hashes.SHA256())
    parts = [si["version"].dump(), si["sid"].dump(), si["digest_algorithm"].dump(),
             set_of(0xA0, stored), si["signature_algorithm"].dump(),
             core.OctetString(signature).dump()]
    si_der = b"\x30" + _len(sum(map(len, parts))) + b"".join(parts)
    sis = b"\x31" + _len(len(si_der)) + si_der
    sd_parts = [sd["version"].dump(), sd["digest_algorithms"].dump(),
                sd["encap_content_info"].dump(), sd["certificates"].dump(), sis]
    sd_der = b"\x30" + _len(sum(map(len, sd_parts))) + b"".join(sd_parts)
    wrapped = b"\xa0" + _len(len(sd_der)) + sd_der
    inner = info["content_type"].dump() + wrapped
    return b"\x30" + _len(len(inner)) + inner


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tamper(envelope: bytes, original: bytes) -> bytes:
    """Flip one byte of the signed content inside an attached envelope."""
    at = envelope.index(original) + len(original) // 2
    return envelope[:at] + bytes([envelope[at] ^ 0x01]) + envelope[at + 1:]


def pem_armour(der: bytes) -> bytes:
    from asn1crypto import pem
    return pem.armor("PKCS7", der)


def base64_envelope(der: bytes) -> bytes:
    return base64.encodebytes(der)


_SHARED: dict[str, TestPKI] = {}


def shared(tmp_path_factory) -> TestPKI:
    """One PKI per test process (RSA key generation is the slow part)."""
    if "pki" not in _SHARED:
        _SHARED["pki"] = build(tmp_path_factory.mktemp("pki"))
    return _SHARED["pki"]


# ------------------------------------------------------------------------------- PAdES

def plain_pdf(text: str = "Domanda di prova") -> bytes:
    """A one-page PDF with a text content stream, made with pikepdf."""
    import io
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pades(pki: TestPKI, who: Identity, pdf: bytes, field_name: str = "Firma1",
          timestamp: bool = False, ts_at: dt.datetime | None = None) -> bytes:
    """Sign (incrementally) with pyHanko's PdfSigner: PAdES baseline B (or T)."""
    import io
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    out = io.BytesIO()
    pdf_signer = signers.PdfSigner(meta, signer=_signer(pki, who),
                                   timestamper=timestamper(pki, ts_at) if timestamp else None)
    asyncio.run(pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()


def modify_pdf_after_signing(signed: bytes, text: str = "Importo: 1.000.000 EUR") -> bytes:
    """Append an incremental update that rewrites the page content (a forbidden change)."""
    import io
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=f"BT /F1 14 Tf 72 700 Td ({text}) Tj ET".encode())
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -------------------------------------------------------------------------- .tsd / .m7m

def timestamp_token(pki: TestPKI, content: bytes, at: dt.datetime | None = None) -> cms.ContentInfo:
    """An RFC 3161 TimeStampToken over sha256(content) from the test TSA."""
    import hashlib
    stamper = timestamper(pki, at)
    return asyncio.run(stamper.async_timestamp(hashlib.sha256(content).digest(), "sha256"))


def tsd(pki: TestPKI, content: bytes, file_name: str | None = None) -> bytes:
    """RFC 5544 TimeStampedData with the content embedded (schema from checker.signatures)."""
    from checker.signatures.timestamps import TSD_OID, TsdContentInfo
    token = timestamp_token(pki, content)
    body = {"version": 1, "content": content,
            "temporal_evidence": {"tst_evidence": [{"time_stamp": token}]}}
    if file_name:
        body["meta_data"] = {"hash_protected": False, "file_name": file_name}
    return TsdContentInfo({"content_type": TSD_OID, "content": body}).dump()


def m7m(pki: TestPKI, p7m: bytes, name: str = "documento.pdf.p7m") -> bytes:
    """A MIME bundle of a .p7m and its .tsr, as Dike and other Italian tools write it."""
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    token = timestamp_token(pki, p7m)
    msg = MIMEMultipart()
    part = MIMEApplication(p7m, "pkcs7-mime", name=name)
    part.add_header("Content-Disposition", "attachment", filename=name)
    msg.attach(part)
    tsr = MIMEApplication(token.dump(), "timestamp-reply", name=name.rsplit(".", 1)[0] + ".tsr")
    tsr.add_header("Content-Disposition", "attachment", filename=name.rsplit(".", 1)[0] + ".tsr")
    msg.attach(tsr)
    return msg.as_bytes()


def history_entry(pki: TestPKI, status: str, since: dt.datetime) -> str:
    """A <ServiceHistory> for the root's CA/QC service, identified by X509SKI only
    (as real lists do)."""
    ski = x509.SubjectKeyIdentifier.from_public_key(pki.root.key.public_key()).digest
    return f"""
        <ServiceHistory><ServiceHistoryInstance>
          <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>
          <ServiceName><Name xml:lang="en">Test Qualified CA</Name></ServiceName>
          <ServiceDigitalIdentity><DigitalId><X509SKI>{base64.b64encode(ski).decode()}</X509SKI></DigitalId></ServiceDigitalIdentity>
          <ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/{status}</ServiceStatus>
          <StatusStartingTime>{since.strftime("%Y-%m-%dT%H:%M:%SZ")}</StatusStartingTime>
        </ServiceHistoryInstance></ServiceHistory>"""


# ------------------------------------------------------------------------------- XAdES

FATTURA = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2" '
           b'versione="FPR12"><FatturaElettronicaHeader><DatiTrasmissione><ProgressivoInvio>00001'
           b'</ProgressivoInvio></DatiTrasmissione></FatturaElettronicaHeader><FatturaElettronicaBody>'
           b'<DatiGenerali><ImportoTotaleDocumento>100.00</ImportoTotaleDocumento></DatiGenerali>'
           b'</FatturaElettronicaBody></p:FatturaElettronica>')


def xades(pki: TestPKI, who: Identity, xml: bytes = FATTURA) -> bytes:
    """An enveloped XAdES-BES signature made with signxml's XAdESSigner."""
    from lxml import etree
    from signxml.xades import XAdESSigner
    root = etree.fromstring(xml)
    chain = [who.cert] + [c.cert for c in pki.chain(who)[:1]]
    signed = XAdESSigner().sign(root, key=who.key, cert=chain)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def xades_xpath(pki: TestPKI, who: Identity, xml: bytes = FATTURA, *, filter2: bool = False,
                cert_digest_of: Identity | None = None, uri: str = "") -> bytes:
    """An enveloped XAdES-BES signature whose document reference excludes the signature with
    an XPath transform (XPath 1.0, or XPath Filter 2.0 with filter2=True), as some FatturaPA
    tools write it; signed with python-xmlsec (libxmlsec1), which signxml cannot replace
    here. `cert_digest_of` puts another certificate's digest in SigningCertificate."""
    import hashlib
    import xmlsec
    from lxml import etree
    ds, xa = "http://www.w3.org/2000/09/xmldsig#", "http://uri.etsi.org/01903/v1.3.2#"
    root = etree.fromstring(xml)
    sign = xmlsec.template.create(root, xmlsec.constants.TransformExclC14N,
                                  xmlsec.constants.TransformRsaSha256, ns="ds", name="Firma1")
    root.append(sign)
    ref = xmlsec.template.add_reference(sign, xmlsec.constants.TransformSha256, uri=uri)
    if filter2:
        f2 = "http://www.w3.org/2002/06/xmldsig-filter2"
        transform = xmlsec.template.add_transform(ref, xmlsec.constants.TransformXPath2)
        xpath = etree.SubElement(transform, f"{{{f2}}}XPath", Filter="subtract", nsmap={"dsig-xpath": f2})
        xpath.text = "/descendant::ds:Signature"
    else:
        transform = xmlsec.template.add_transform(ref, xmlsec.constants.TransformXPath)
        xpath = etree.SubElement(transform, f"{{{ds}}}XPath")
        xpath.text = "not(ancestor-or-self::ds:Signature)"
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sign))
    qualifying = etree.SubElement(etree.SubElement(sign, f"{{{ds}}}Object"), f"{{{xa}}}QualifyingProperties",
                                  Target="#Firma1", nsmap={"xades": xa})
    props = etree.SubElement(etree.SubElement(qualifying, f"{{{xa}}}SignedProperties", Id="Firma1-sp"),
                             f"{{{xa}}}SignedSignatureProperties")
    etree.SubElement(props, f"{{{xa}}}SigningTime").text = (NOW - dt.timedelta(minutes=5)).isoformat()
    cert = etree.SubElement(etree.SubElement(props, f"{{{xa}}}SigningCertificate"), f"{{{xa}}}Cert")
    digest = etree.SubElement(cert, f"{{{xa}}}CertDigest")
    etree.SubElement(digest, f"{{{ds}}}DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    named = (cert_digest_of or who).cert.public_bytes(serialization.Encoding.DER)
    etree.SubElement(digest, f"{{{ds}}}DigestValue").text = base64.b64encode(hashlib.sha256(named).digest()).decode()
    serial = etree.SubElement(cert, f"{{{xa}}}IssuerSerial")
    etree.SubElement(serial, f"{{{ds}}}X509IssuerName").text = who.cert.issuer.rfc4514_string()
    etree.SubElement(serial, f"{{{ds}}}X509SerialNumber").text = str(who.cert.serial_number)
    signed_props = xmlsec.template.add_reference(sign, xmlsec.constants.TransformSha256, uri="#Firma1-sp",
                                                 type="http://uri.etsi.org/01903#SignedProperties")
    xmlsec.template.add_transform(signed_props, xmlsec.constants.TransformExclC14N)
    xmlsec.tree.add_ids(root, ["Id"])
    key = xmlsec.Key.from_memory(who.key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()),
                                 xmlsec.constants.KeyDataFormatPem)
    key.load_cert_from_memory(who.cert.public_bytes(serialization.Encoding.PEM),
                              xmlsec.constants.KeyDataFormatCertPem)
    ctx = xmlsec.SignatureContext()
    ctx.key = key
    ctx.sign(sign)
    # KeyInfo is not signed: the intermediate is added beside the signer, as tools do
    x509_data = sign.find(f".//{{{ds}}}X509Data")
    etree.SubElement(x509_data, f"{{{ds}}}X509Certificate").text = _b64(pki.intermediate.cert)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
