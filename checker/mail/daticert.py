"""daticert.xml: the data a PEC provider certifies (DM 2/11/2005, regole tecniche, schema
`postacert`), and what a receipt's error means for the person holding it.

    <postacert tipo="errore-consegna" errore="no-dest">
      <intestazione> mittente, destinatari tipo="certificato|esterno"*, risposte, oggetto
      <dati> gestore-emittente, data zona="+0100" (giorno dd/mm/yyyy, ora hh:mm:ss),
             identificativo, msgid?, ricevuta tipo="completa|breve|sintetica"?,
             consegna?, errore-esteso?

Parsing uses defusedxml: entity declarations and external references are refused (a
daticert.xml never needs them). The explanation of a receipt is data: EXPLANATIONS maps
(receipt type, errore, errore-esteso pattern) to a rule code in checker/rules/pec.toml,
whose Italian text says what happened and what to do next.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml import ElementTree as SafeET

MAX_DATICERT_BYTES = 1024 * 1024
TIPI = ("accettazione", "non-accettazione", "presa-in-carico", "avvenuta-consegna",
        "posta-certificata", "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus")
ERRORI = ("nessuno", "no-dest", "no-dominio", "virus", "altro")


class DaticertError(ValueError):
    """daticert.xml cannot be read; the message says why, in Italian."""


@dataclass(frozen=True)
class Destinatario:
    address: str
    tipo: str  # certificato (a PEC box) | esterno (an ordinary box)


@dataclass(frozen=True)
class DatiCert:
    tipo: str
    errore: str = "nessuno"
    mittente: str = ""
    destinatari: tuple[Destinatario, ...] = ()
    risposte: str = ""
    oggetto: str = ""
    gestore: str = ""
    giorno: str = ""
    ora: str = ""
    zona: str = ""
    identificativo: str = ""
    msgid: str = ""
    ricevuta: str | None = None
    consegna: str = ""
    errore_esteso: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)  # values outside the schema

    @property
    def date_iso(self) -> str | None:
        """giorno + ora + zona as ISO 8601 (2026-11-20T10:15:30+01:00), or None."""
        d = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", self.giorno.strip())
        t = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", self.ora.strip())
        if not d or not t:
            return None
        iso = (f"{d.group(3)}-{int(d.group(2)):02d}-{int(d.group(1)):02d}T"
               f"{int(t.group(1)):02d}:{t.group(2)}:{t.group(3) or '00'}")
        z = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", self.zona.strip())
        return iso + (f"{z.group(1)}{z.group(2)}:{z.group(3)}" if z else "")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(parent: Element | None, name: str) -> Element | None:
    if parent is None:
        return None
    return next((c for c in parent if _local(c.tag) == name), None)


def _text(parent: Element | None, name: str) -> str:
    el = _child(parent, name)
    return " ".join((el.text or "").split()) if el is not None else ""


def parse(data: bytes) -> DatiCert:
    """Read daticert.xml. Raises DaticertError (Italian message), never anything else."""
    if len(data) > MAX_DATICERT_BYTES:
        raise DaticertError(f"file troppo grande ({len(data)} byte)")
    try:
        root = SafeET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise DaticertError(f"contiene costrutti XML non ammessi ({type(exc).__name__})") from None
    except ParseError as exc:
        raise DaticertError(f"XML non ben formato: {exc}") from None
    except (ValueError, TypeError, RecursionError, LookupError) as exc:  # LookupError: unknown encoding
        raise DaticertError(f"XML illeggibile: {exc}") from None
    if _local(root.tag) != "postacert":
        raise DaticertError(f"l'elemento principale è <{_local(root.tag)}> invece di <postacert>")
    tipo = " ".join((root.get("tipo") or "").split()).lower()
    if not tipo:
        raise DaticertError("manca l'attributo tipo di <postacert>")
    errore = " ".join((root.get("errore") or "nessuno").split()).lower()
    warnings = []
    if tipo not in TIPI:
        warnings.append(f"tipo «{tipo}» non previsto")
    if errore not in ERRORI:
        warnings.append(f"errore «{errore}» non previsto")
    head = _child(root, "intestazione")
    dati = _child(root, "dati")
    if head is None or dati is None:
        raise DaticertError("mancano <intestazione> o <dati>")
    destinatari = tuple(Destinatario(" ".join((el.text or "").split()), (el.get("tipo") or "").lower())
                        for el in head if _local(el.tag) == "destinatari")
    data_el = _child(dati, "data")
    ricevuta_el = _child(dati, "ricevuta")
    ricevuta = None
    if ricevuta_el is not None:
        ricevuta = (ricevuta_el.get("tipo") or "completa").strip().lower()  # DTD default
    return DatiCert(
        tipo=tipo, errore=errore,
        mittente=_text(head, "mittente"), destinatari=destinatari,
        risposte=_text(head, "risposte"), oggetto=_text(head, "oggetto"),
        gestore=_text(dati, "gestore-emittente"),
        giorno=_text(data_el, "giorno"), ora=_text(data_el, "ora"),
        zona=(data_el.get("zona") or "").strip() if data_el is not None else "",
        identificativo=_text(dati, "identificativo"), msgid=_text(dati, "msgid"),
        ricevuta=ricevuta, consegna=_text(dati, "consegna"),
        errore_esteso=_text(dati, "errore-esteso"), warnings=tuple(warnings))


# --- what a receipt means -----------------------------------------------------------------

@dataclass(frozen=True)
class Explanation:
    """One row of the table: the first row that matches a receipt gives its rule code."""
    code: str
    tipo: str | None = None            # receipt type; None = any
    errore: str | None = None          # daticert errore; None = any
    esteso: str | None = None          # regex on errore-esteso (case-insensitive, from the start)
    security: bool | None = None       # X-VerificaSicurezza: errore


# Order matters: the specific SMTP status codes (RFC 3463) before the generic errore value,
# because providers differ there (Aruba reports a non-existent mailbox as "altro" + 5.1.1).
EXPLANATIONS: tuple[Explanation, ...] = (
    Explanation("PEC030", tipo="accettazione"),
    Explanation("PEC032", tipo="non-accettazione", errore="virus"),
    Explanation("PEC032", tipo="non-accettazione", security=True),
    Explanation("PEC031", tipo="non-accettazione"),
    Explanation("PEC033", tipo="presa-in-carico"),
    Explanation("PEC034", tipo="avvenuta-consegna"),
    Explanation("PEC042", tipo="rilevazione-virus"),
    # preavviso (12 h): a permanent 5.x.x status is already a definitive failure
    Explanation("PEC041", tipo="preavviso-errore-consegna", esteso=r"\s*5\.\d{1,3}\.\d{1,3}"),
    Explanation("PEC040", tipo="preavviso-errore-consegna"),
    # errore-consegna (definitive)
    Explanation("PEC037", tipo="errore-consegna", errore="virus"),
    Explanation("PEC037", tipo="errore-consegna", security=True),
    Explanation("PEC035", tipo="errore-consegna", esteso=r"\s*5\.1\.1\b"),
    Explanation("PEC036", tipo="errore-consegna", esteso=r"\s*5\.1\.2\b"),
    Explanation("PEC039", tipo="errore-consegna", esteso=r"\s*5\.2\.2\b"),
    Explanation("PEC043", tipo="errore-consegna", esteso=r"\s*4\.\d{1,3}\.\d{1,3}"),
    Explanation("PEC035", tipo="errore-consegna", errore="no-dest"),
    Explanation("PEC036", tipo="errore-consegna", errore="no-dominio"),
    Explanation("PEC038", tipo="errore-consegna"),
)


def explain(tipo: str | None, errore: str | None, errore_esteso: str = "",
            security: bool = False) -> str | None:
    """The pec.toml rule code that explains a receipt, or None (not a receipt we know)."""
    for row in EXPLANATIONS:
        if row.tipo is not None and row.tipo != tipo:
            continue
        if row.errore is not None and row.errore != (errore or "nessuno"):
            continue
        if row.security is not None and row.security != security:
            continue
        if row.esteso is not None and not re.match(row.esteso, errore_esteso or "", re.IGNORECASE):
            continue
        return row.code
    return None
