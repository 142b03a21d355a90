"""Triage of PEC messages received or returned by the PEC system (DPR 68/2005, DM 2/11/2005).

    sources   files, folders, mbox, Maildir → raw messages (bad items reported, never fatal)
    classify  top-level headers → envelope / anomaly / receipt type
    daticert  daticert.xml → certified facts; receipt errors → plain-Italian explanation code
    unwrap    MIME structure → daticert, postacert.eml, provider signature; original message
              → its facts and attachments
    signature the provider's S/MIME signature over the envelope
    triage    one TriageRow per message, with the inner submission checked by the engine
"""
