"""Digital signatures: CAdES (.p7m/.p7s), timestamps (CAdES-T, .tsd, .m7m), PAdES, XAdES.

Validation is pyHanko's (ETSI EN 319 102-1 indications, path building, revocation,
algorithm policy); this package only finds the signatures in Italian envelopes, feeds
them to pyHanko one signer at a time, and turns the outcome into SignatureInfo. Where
pyHanko's CMS validation cannot run (XAdES, CAdES counter-signatures) the cryptography is
checked by signxml / xmlsec / pyhanko-certvalidator's signature validator and the
certificate judged apart (certpath). Integrity and validity are always decided apart.
Public API used by other checks: cms.verify_detached, cms.load_envelope,
countersign.validate_all (signers and their counter-signatures), trust.load_trust.

Imports: checker.model (SignatureInfo, the ETSI Indication enums) and pyHanko, asn1crypto,
cryptography, signxml, xmlsec; never a check, the pipeline or an interface.
"""
