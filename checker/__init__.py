"""PEC Precheck: check a PEC submission against an office's rules before sending.

Layers, each importing only the ones below it (tests/unit/test_layers.py holds the code to it):

    1 interfaces   web/ (pages, JSON API, triage page), cli.py, commands/, app.py
    2 application  triage/ (drives the engine over PEC messages)
    3 pipeline     engine.py (the only scheduler of isolated workers), isolation.py
                   (workerstart.py: its forkserver processes), report.py
    4 adapters     checks/ (call a validator, turn its answer into Findings)
    5 validators   identify/, pdf/, pdfa/, pdfscan/, signatures/, mail/, message/, verapdf*.py,
                   zipinspect, linkfinder, textfacts, subjects, pecdomains, pecsize, filenames
    6 base         model.py, catalogue.py (rules/*.toml), profiles.py (profiles/*.toml)
"""
__version__ = "0.1.0"

import warnings as _warnings

# pyHanko's signer package, imported with any of its modules (and so by signature
# validation, the trusted list's parser and its cache, wherever that happens first), imports
# cryptography's DSA, deprecated: a warning on the command line's stderr for nothing we use.
_warnings.filterwarnings("ignore", message="DSA is deprecated")
