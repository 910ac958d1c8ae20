"""Web pages of the letters domain. Thin: parse, call the service, render or redirect.

Batches are only created here; ``ebh letters work`` (a separate process) renders them, and the batch
page polls :func:`batch_progress_json` for its progress bar.
"""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ebh.auth.access import CASE_ROLES
from ebh.extensions import db
from ebh.letters import service
from ebh.letters.fields import LANGUAGES
from ebh.letters.forms import INPUT_PREFIX, BatchForm, GenerateForm, language_choices, raw_inputs
from ebh.letters.models import BatchStatus

bp = Blueprint("letters", __name__)


def _actor() -> Any:
    return current_user._get_current_object()


def _show_error(error: service.LetterError) -> None:
    db.session.rollback()
    flash(error.message, "error")
    for problem in error.problems[:20]:
        flash(str(problem), "error")


def case_panel_context(actor: Any, case: Any) -> dict[str, Any]:
    """The letters panel of the case page: choose template and language, and the case's letter log."""
    if getattr(actor, "role", None) not in CASE_ROLES:
        return {"letters_allowed": False}
    templates = service.templates_for(case.case_type.value)
    soffice, reason = service.pdf_setting()
    return {
        "letters_allowed": True,
        "letter_templates": templates,
        "letter_languages": language_choices(LANGUAGES),
        "preferred_language": case.person.preferred_language,
        "letters": service.case_letters(actor, case),
        "pdf_reason": reason,
        "language_names": LANGUAGES,
    }


@bp.route("/cases/<int:case_id>/letters/new")
def new_letter(case_id: int):
    actor = _actor()
    template_id = request.args.get("template", "")
    language = request.args.get("language") or None
    form = GenerateForm(formdata=None, template=template_id, language=language or "")
    inputs = raw_inputs(request.args)
    try:
        rendered = service.preview_letter(actor, case_id, template_id, language, inputs)
    except service.LetterError as exc:
        _show_error(exc)
        if exc.field != "inputs":
            return redirect(url_for("cases.case", case_id=case_id) + "#letters")
        # Missing or invalid entries: show the entry form again, without a preview.
        return render_template("letters/new.html", rendered=None, template=service.checked_template(template_id),
                               language=language or "de", form=form, case_id=case_id, inputs=inputs,
                               input_prefix=INPUT_PREFIX, pdf_reason="", language_names=LANGUAGES), 422
    form.language.data = rendered.language
    _soffice, reason = service.pdf_setting()
    return render_template("letters/new.html", rendered=rendered, template=rendered.template,
                           language=rendered.language, form=form, case_id=case_id, inputs=inputs,
                           input_prefix=INPUT_PREFIX, pdf_reason=reason, language_names=LANGUAGES)


@bp.route("/cases/<int:case_id>/letters", methods=["POST"])
def generate(case_id: int):
    actor = _actor()
    form = GenerateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        letter, note = service.generate_letter(actor, case_id, form.template.data, form.language.data or None,
                                               raw_inputs(request.form))
    except service.LetterError as exc:
        _show_error(exc)
        args = {"template": form.template.data, "language": form.language.data,
                **{INPUT_PREFIX + k: v for k, v in raw_inputs(request.form).items()}}
        return redirect(url_for("letters.new_letter", case_id=case_id, **args))
    flash(_("Brief %(id)s wurde erstellt und im Briefprotokoll des Falls abgelegt.", id=letter.id), "success")
    if note:
        flash(note, "warning")
    return redirect(url_for("cases.case", case_id=case_id) + "#letters")


@bp.route("/letters/<int:letter_id>/download")
def download(letter_id: int):
    kind = "pdf" if request.args.get("format") == "pdf" else "docx"
    try:
        content, name, mime = service.letter_file(_actor(), letter_id, kind)
    except service.LetterError as exc:
        db.session.rollback()
        return render_template("errors.html", code=409, message=exc.message), 409
    return send_file(io.BytesIO(content), mimetype=mime, as_attachment=True, download_name=name)


@bp.route("/letters/batches", methods=["GET", "POST"])
def batches():
    actor = _actor()
    form = BatchForm()
    templates = service.all_templates()
    form.template.choices = [(t.id, t.title) for t in templates]
    form.language.choices = [("", _("Wunschsprache der Person"))] + language_choices(LANGUAGES)
    chosen = next((t for t in templates if t.id == (form.template.data or "")), None)
    if form.validate_on_submit():
        upload = request.files.get("csv")
        csv_text = upload.read().decode("utf-8-sig", errors="replace") if upload and upload.filename else None
        numbers = [line.strip() for line in (form.file_numbers.data or "").splitlines() if line.strip()]
        try:
            batch = service.create_batch(actor, form.template.data,
                                         service.Selection(file_numbers=numbers, csv_text=csv_text),
                                         language=form.language.data or "", raw_inputs=raw_inputs(request.form))
        except service.LetterError as exc:
            _show_error(exc)
            return render_template("letters/batches.html", form=form, batches=service.list_batches(actor),
                                   inputs=raw_inputs(request.form), input_fields=_all_inputs(templates),
                                   input_prefix=INPUT_PREFIX, labels=BatchStatus.LABELS, chosen=chosen), 422
        flash(_("Serienbrief %(id)s wurde angelegt; der Hintergrunddienst erstellt die Briefe.", id=batch.id),
              "success")
        return redirect(url_for("letters.batch", batch_id=batch.id))
    return render_template("letters/batches.html", form=form, batches=service.list_batches(actor), inputs={},
                           input_fields=_all_inputs(templates), input_prefix=INPUT_PREFIX, labels=BatchStatus.LABELS,
                           chosen=chosen)


def _all_inputs(templates) -> list:
    seen: dict[str, Any] = {}
    for template in templates:
        for field in template.input_fields:
            seen.setdefault(field.name, field)
    return list(seen.values())


@bp.route("/letters/batches/<int:batch_id>")
def batch(batch_id: int):
    actor = _actor()
    item = service.get_batch(actor, batch_id)
    errors = service.batch_errors(item)
    return render_template("letters/batch.html", batch=item, errors=errors, labels=BatchStatus.LABELS,
                           finished=item.status in (BatchStatus.DONE, BatchStatus.FAILED))


@bp.route("/api/letters/batches/<int:batch_id>/progress")
def batch_progress_json(batch_id: int):
    return jsonify(service.batch_progress(_actor(), batch_id))


@bp.route("/letters/batches/<int:batch_id>/files/<kind>")
def batch_download(batch_id: int, kind: str):
    path, name, mime = service.batch_file(_actor(), batch_id, kind, request.args.get("n", 0, type=int))
    return send_file(path, mimetype=mime, as_attachment=True, download_name=name)
