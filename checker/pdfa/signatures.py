"""Digital signatures (ISO 19005-2/3 6.4.3, Annex B) and the DocMDP signature references
(ISO 19005-2/3 6.1.12).

The signatures judged are the values (/V) of the signature fields of the interactive form,
as veraPDF reads them. A signature's ByteRange must cover the whole revision it signs but
the Contents hex string: [0, offset of "<", offset after ">", up to the %%EOF (and its end of
line) that closes the revision]. Its Contents must be a DER-encoded PKCS#7 SignedData holding
at least one certificate and exactly one SignerInfo. A Contents that does not parse as
PKCS#7 is Undecided (asn1crypto may refuse what another reader accepts), never a pass.

Imports: asn1crypto (a DER reader) besides its own modules.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf
from asn1crypto import cms, core

from .document import Document, as_list, get, is_dict, name, objgen, unique_dicts
from .model import Failure, Outcome, Rule

MAX_FIELDS = 10_000
COVERAGE = Rule("6.4.3", 1)
CERTIFICATE = Rule("6.4.3", 2)
ONE_SIGNER = Rule("6.4.3", 3)
_DIGEST_KEYS = ("/DigestLocation", "/DigestMethod", "/DigestValue")
_WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]+")


def check(doc: Document) -> Iterator[Outcome]:
    if doc.part < 2:
        return
    signatures = list(_signatures(doc))
    docmdp = get(get(doc.root, "/Perms"), "/DocMDP") is not None
    for sig in signatures:
        yield from _byte_range(doc, sig)
        yield from _pkcs7(doc, sig)
        if docmdp:
            yield from _signature_references(doc, sig)


def _signatures(doc: Document) -> Iterator:
    """The signature dictionaries that are the values of signature fields (each once)."""
    fields = as_list(get(get(doc.root, "/AcroForm"), "/Fields"))
    seen: set = set()
    for field in unique_dicts(fields, budget=[MAX_FIELDS], follow=("/Kids",),
                              what="too many form fields"):
        if name(_inherited(field, "/FT")) != "Sig":
            continue
        value = get(field, "/V")
        if not is_dict(value):
            continue
        key = objgen(value) or id(value)
        if key not in seen:
            seen.add(key)
            yield value


def _inherited(field, key: str):
    """A field entry, looked up through /Parent as ISO 32000-1 12.7.3.1 allows (bounded)."""
    node = field
    for _ in range(32):
        value = get(node, key)
        if value is not None or not is_dict(get(node, "/Parent")):
            return value
        node = get(node, "/Parent")
    return None


def _byte_range(doc: Document, sig) -> Iterator[Outcome]:
    data = doc.data
    contents = get(sig, "/Contents")
    ranges = as_list(get(sig, "/ByteRange"))
    if not isinstance(contents, pikepdf.String) or len(ranges) != 4 \
            or not all(isinstance(n, int) for n in ranges):
        yield doc.fail(COVERAGE, "la firma digitale non ha un ByteRange di quattro interi "
                       "o un valore Contents", "firma")
        return
    start, before, after, length = (int(n) for n in ranges)
    problem = _coverage_problem(data, bytes(contents), start, before, after, length)
    if problem:
        yield doc.fail(COVERAGE, f"il ByteRange della firma non copre l'intero file salvo la firma: {problem}",
                       "firma")


def _coverage_problem(data: bytes, contents: bytes, start: int, before: int, after: int,
                      length: int) -> str:
    if start != 0:
        return "non parte dall'inizio del file"
    if not 0 < before < after <= len(data) or data[before:before + 1] != b"<" \
            or data[after - 1:after] != b">":
        return "non esclude esattamente la stringa esadecimale Contents"
    if not re.search(rb"/Contents[\x00\t\n\x0c\r ]*$", data[max(0, before - 64):before]):
        return "la parte esclusa non è il valore della chiave Contents"
    digits = _WHITESPACE.sub(b"", data[before + 1:after - 1])
    if len(digits) % 2:
        digits += b"0"
    try:
        excluded = bytes.fromhex(digits.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return "la parte esclusa non è una stringa esadecimale"
    if excluded != contents:
        return "la parte esclusa non è il valore Contents della firma"
    # as veraPDF: the revision ends at the first %%EOF after the next cross-reference section
    sections = [int(n) for n in re.findall(rb"startxref[\x00\t\n\x0c\r ]+(\d+)", data)]
    xref = min((n for n in sections if n > after), default=after)
    eof = data.find(b"%%EOF", xref)
    if eof < 0:
        return "manca il marcatore %%EOF della revisione firmata"
    end = eof + 5
    eol = re.match(rb"\r\n|\r|\n", data[end:end + 2])
    full = end + (eol.end() if eol else 0)
    # the range may leave out the end of line of %%EOF, unless the file ends there
    shortest = full if full == len(data) else end
    if not shortest <= after + length <= full:
        return f"termina al byte {after + length}, la revisione firmata al byte {full}"
    return ""


def _pkcs7(doc: Document, sig) -> Iterator[Outcome]:
    contents = get(sig, "/Contents")
    if not isinstance(contents, pikepdf.String):
        return
    try:
        # the DER's own length ends it, and the zero padding after it is trailing data (not
        # stripped: a signature value can itself end in a zero byte, 1 in 256 of them)
        info = cms.ContentInfo.load(bytes(contents), strict=False)
        if info["content_type"].native != "signed_data":
            raise ValueError(f"content type {info['content_type'].native}")
        signed = info["content"]
        certificates = signed["certificates"]
        count_certs = 0 if isinstance(certificates, core.Void) else len(certificates)
        count_signers = len(signed["signer_infos"])
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        yield doc.undecided(CERTIFICATE, f"la firma PKCS#7 non è leggibile: {exc}"[:200], "firma")
        return
    if count_certs == 0:
        yield doc.fail(CERTIFICATE, "la firma PKCS#7 non contiene il certificato del firmatario", "firma")
    if count_signers != 1:
        yield Failure(doc.part, ONE_SIGNER.clause, ONE_SIGNER.test,
                      f"la firma PKCS#7 ha {count_signers} firmatari (SignerInfo) invece di uno", "firma")


def _signature_references(doc: Document, sig) -> Iterator[Outcome]:
    for ref in as_list(get(sig, "/Reference")):
        found = [k[1:] for k in _DIGEST_KEYS if get(ref, k) is not None]
        if found:
            yield Failure(doc.part, "6.1.12", 2, "con DocMDP nel dizionario dei permessi, il riferimento "
                          f"di firma contiene {', '.join(found)}", "firma")
            return
