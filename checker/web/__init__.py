"""The web front end: human pages (views.py) and the JSON API (api.py).

Routes stay thin: parse the request (uploads.py, forms.py) → checker.engine.check_submission
→ render the dict from checker.report.to_json (the one serialiser). No rule logic here.
"""
