"""Human pages: the form (/), its submission (POST /check → 303 to the report's own address,
/jobs/<id>/report) and the rule catalogue (/rules)."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import jobs, profiles
from ..model import Submission
from ..pdfa import registry
from ..pdfa.model import FLAVOURS
from . import jobs as web_jobs
from . import present
from .forms import CheckForm, settings_at
from .uploads import chosen_parts, clean_name, read_files

bp = Blueprint("views", __name__)


def _render_form(form: CheckForm, status: int = 200):
    return render_template("index.html", form=form, profiles=profiles.load_all(),
                           errors=form.error_list()), status


@bp.get("/")
def index():
    return _render_form(CheckForm())


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
    return render_template("rules.html", catalogue=present.catalogue_json())


@bp.get("/rules/pdfa")
def pdfa_rules():
    """The built-in PDF/A validator's coverage of veraPDF's rules, per flavour."""
    flavour = request.args.get("flavour", "2b")
    if flavour not in FLAVOURS:
        flavour = "2b"
    return render_template("pdfa_rules.html", summary=registry.coverage_summary(), flavour=flavour,
                           flavours=FLAVOURS, missing=registry.coverage_rows(flavour, missing_only=True))
