"""PEC messages as data (DPR 68/2005, DM 2/11/2005): parse, never judge.

    sources   files, folders, mbox, Maildir → raw messages (bad items reported, never fatal)
    classify  top-level headers → envelope / anomaly / receipt type
    daticert  daticert.xml → certified facts; receipt errors → plain-Italian explanation code
    unwrap    MIME structure → daticert, postacert.eml, provider signature; original message
              → its facts and attachments
    signature the provider's S/MIME signature over the envelope
    reader    one message's bytes → ParsedMessage (all of the above but the signature)

A validator-level package: it may import checker.model and checker.signatures, never the
engine, the checks, the report or the triage (checker.triage drives the engine over what
this package reads; checker.checks.pec_message opens forwarded PEC with it).
"""
