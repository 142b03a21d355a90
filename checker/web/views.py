"""Human pages: the form (/), its submission (POST /check → 303 to the report's own address,
/jobs/<id>/report), the rule catalogue (/rules, searchable; /rules/office/<id>: what one office
requires and refuses) and the service status (/status, the same facts as /healthz in words)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date

from .. import jobs, profiles
from ..model import ROME, Submission
from ..pdfa import registry
from ..pdfa.model import FLAVOURS
from . import api, i18n, present, rules_view
from . import jobs as web_jobs
from .office_rules import all_office_rules, upload_settings
from .forms import CheckForm, settings_at
from .uploads import chosen_parts, clean_name, read_files

bp = Blueprint("views", __name__)
bp.add_app_template_global(rules_view.group_title, "group_title")


def _render_form(form: CheckForm, status: int = 200):
    offices = all_office_rules()
    return render_template("index.html", form=form, profiles=profiles.load_all(),
                           errors=form.error_list(), offices=offices,
                           upload_settings=upload_settings(offices)), status


@bp.get("/")
def index():
    form = CheckForm()
    # ?profile=genova: the form with that office chosen and its rules shown (the links the
    # page offers when scripts are off)
    if request.args.get("profile") in profiles.load_all():
        form.profile.data = request.args["profile"]
    return _render_form(form)


@bp.post("/check")
def check():
    form = CheckForm()
    if not form.validate():
        return _render_form(form, 400)
    files = read_files(chosen_parts(request.files))
    names = [f.name for f in files]
    main = ""
    if form.main.data and form.main.data.strip():
        wanted = clean_name(form.main.data, "")
        if wanted not in names:
            form.main.errors = [f"«{wanted}» non è tra i file scelti: scegli uno di questi: "
                                f"{', '.join(names)}."]
            return _render_form(form, 400)
        main = wanted
    sub = Submission(profile=form.profile.data, sender=form.sender.data.strip(),
                     recipient=(form.recipient.data or "").strip(),
                     subject=(form.subject.data or "").strip(), doc_type=form.doc_type_value(),
                     destination=(form.destination.data or "").strip(),
                     body=form.body.data or "", main=main, files=files)
    settings = settings_at(current_app.config.get("CHECK_SETTINGS"), form.at.data or "")
    work = jobs.Work(kind=jobs.CHECK, submission=sub, settings=settings)
    del files, sub  # the job holds the bytes now, and lets them go when it ends
    # post/redirect/get: the report has its own address, which shows the progress until it is
    # done; reload and Back never send the files again
    status = web_jobs.run(work, wait=False)
    return redirect(url_for("jobs.report_page", job_id=status["id"]), 303)


@bp.get("/rules")
def rules():
    office = request.args.get("office", "").strip()
    if office:  # the form's office select (GET) leads to the office's own page
        if office not in profiles.load_all():
            abort(404)
        return redirect(url_for("views.office_rules", profile_id=office), 303)
    catalogue = present.catalogue_json()
    groups = [{**g, "rules": [rules_view.rule_view(r) for r in g["rules"]]} for g in catalogue["groups"]]
    return render_template("rules.html", catalogue=catalogue, groups=groups, profiles=profiles.load_all())


@bp.get("/rules/office/<profile_id>")
def office_rules(profile_id: str):
    if profile_id not in profiles.load_all():
        abort(404)
    return render_template("office_rules.html", office=rules_view.office_view(profile_id),
                           profiles=profiles.load_all())


def status_date(iso: str) -> str:
    """An ISO date-time as a date in words, Italian time ("26/09/2023"; "26 Sep 2023")."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return format_date(when.astimezone(ROME), "d MMM yyyy" if i18n.current() == "en" else "dd/MM/yyyy")


bp.add_app_template_global(status_date, "status_date")


@bp.get("/status")
def status():
    """The service status for people: /healthz's facts in words."""
    return render_template("status.html", health=api.health_facts())


@bp.get("/rules/pdfa")
def pdfa_rules():
    """The built-in PDF/A validator's coverage of veraPDF's rules, per flavour."""
    flavour = request.args.get("flavour", "2b")
    if flavour not in FLAVOURS:
        flavour = "2b"
    return render_template("pdfa_rules.html", summary=registry.coverage_summary(), flavour=flavour,
                           flavours=FLAVOURS, missing=registry.coverage_rows(flavour, missing_only=True))
