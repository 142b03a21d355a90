"""What the checks import lazily (inside functions, to keep `import checker.checks` light for
the parent process), imported here once: checker.isolation preloads this module in the
forkserver (or, for the command line, in the process that forks the workers), so a worker
never imports. tests/unit/test_worker_imports.py runs every check on the samples after
importing this and fails on any module a check still imports at run time."""
from __future__ import annotations

import gc
import importlib

MODULES = (
    "pypdf", "pypdf.generic", "pypdf.errors", "pypdf.filters", "pypdf._codecs._codecs", "pikepdf",
    "lxml.etree", "signxml", "signxml.xades", "signxml.xades.schemas", "importlib.readers",
    "importlib.resources.readers",
    # every text codec the checks name (a PDF text string, a BOM, an XMP packet, an OLE
    # field): a codec module is imported on its first use, which may come in a worker
    "encodings.cp437", "encodings.cp1252", "encodings.latin_1", "encodings.utf_8_sig",
    "encodings.utf_16", "encodings.utf_16_le", "encodings.utf_16_be",
    "encodings.utf_32", "encodings.utf_32_le", "encodings.utf_32_be",
    "msoffcrypto.format.xls97", "msoffcrypto.method.rc4",
    "msoffcrypto.method.rc4_cryptoapi", "msoffcrypto.method.xor_obfuscation", "PIL.Image",
    "pyhanko.pdf_utils.generic", "pyhanko.pdf_utils.misc", "pyhanko.pdf_utils.reader",
    "pyhanko.sign.ades.qualified_asn1", "pyhanko.sign.ades.report", "pyhanko.sign.diff_analysis",
    "pyhanko.sign.diff_analysis.rules_api", "pyhanko.sign.fields", "pyhanko.sign.general",
    "pyhanko.sign.validation.ades", "pyhanko.sign.validation.generic_cms",
    "pyhanko.sign.validation.pdf_embedded", "pyhanko.sign.validation.policy_decl",
    "pyhanko.sign.validation.settings", "pyhanko.sign.validation.status",
    "pyhanko.sign.validation.utils",
    "pyhanko_certvalidator", "pyhanko_certvalidator.context", "pyhanko_certvalidator.errors",
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers", "pyhanko_certvalidator.fetchers.api",
    "pyhanko_certvalidator.fetchers.common_utils", "pyhanko_certvalidator.ltv.types",
    "pyhanko_certvalidator.path", "pyhanko_certvalidator.policy_decl",
    "pyhanko_certvalidator.revinfo.archival", "pyhanko_certvalidator.sig_validate",
    "pyhanko_certvalidator.util",
    "cryptography.exceptions", "cryptography.hazmat.primitives.hashes",
    "cryptography.hazmat.primitives.asymmetric.padding", "cryptography.x509",
    "oletools.thirdparty.oledump.plugin_biff",
    "checker.signatures.pades", "checker.signatures.xades", "checker.signatures.cms",
    "checker.signatures.countersign", "checker.signatures.trust", "checker.signatures.sniff",
    "checker.signatures.timestamps", "checker.signatures.revocation", "checker.linkfinder",
    "checker.pdfscan.text", "py7zr", "rarfile", "oletools.olevba",
)

# (cryptography's DSA deprecation, which pyHanko's signer package triggers: silenced in checker/__init__.py)
for _name in MODULES:
    importlib.import_module(_name)
importlib.import_module("PIL.Image").init()   # Pillow imports its format plugins on first open

# Everything imported so far lives as long as the process: out of the collector's sight, a
# forked worker's collections do not touch (and so copy) every page of the inherited heap
gc.freeze()
