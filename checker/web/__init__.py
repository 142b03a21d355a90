"""The web front end: human pages (views.py), the JSON API (api.py) and the protocol staff's
triage page and API (triage.py), each a blueprint that app.py registers (BLUEPRINTS).

Routes stay thin: parse the request (uploads.py, forms.py) → checker.engine.check_submission
or checker.triage → render the dict from checker.report.to_json (the one serialiser). No rule
logic here. Shared by the routes: errors.py (error pages), responses.py (the JSON error body),
present.py, security.py; triage_view.py and rules_view.py put the triage table and /rules in
the page's language; health.py gathers the service facts of /healthz and /status.
An interface package: it may import anything below it (triage, engine, report, checks,
profiles, catalogue, model, ...); nothing in checker imports it.
"""
