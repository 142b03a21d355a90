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
