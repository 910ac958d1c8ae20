"""One letter from the case page: preview, generate, download; letter log; office isolation; failures."""
from __future__ import annotations

import errno
import io
import os
import re
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.extensions import db as _db
from ebh.letters import service
from ebh.letters.models import Letter, LetterLogImmutableError
from tests import factories
from tests.conftest import csrf_token


def _letters() -> list[Letter]:
    _db.session.rollback()
    return list(_db.session.scalars(sa.select(Letter).order_by(Letter.id)))


def _generate(client, case, template="document_request", language="tr", **inputs):
    token = csrf_token(client, f"/cases/{case.id}")
    data = {"csrf_token": token, "template": template, "language": language,
            **{f"in-{k}": v for k, v in inputs.items()}}
    return client.post(f"/cases/{case.id}/letters", data=data)


def test_case_page_panel_preview_generate_download(client, login, caseworker, letter_case, app):
    login(caseworker)
    page = client.get(f"/cases/{letter_case.id}").get_data(as_text=True)
    assert 'data-testid="letters-panel"' in page
    assert "nur DOCX" in page  # PDF is off in these tests, and the panel says why

    preview = client.get(f"/cases/{letter_case.id}/letters/new?template=document_request&language=tr&in-deadline.weeks=2")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Öztürk &amp; &lt;Söhne&gt; &#34;Ali&#34;" in html or "Öztürk &amp; &lt;Söhne&gt; &quot;Ali&quot;" in html
    assert "Reisepass oder Passersatzpapier – alle Seiten" in html  # the missing documents, not the received one
    assert "Antragsformular" not in html
    assert 'dir="rtl"' not in html  # Turkish is left to right

    response = _generate(client, letter_case, **{"deadline.weeks": "2"})
    assert response.status_code == 302
    [letter] = _letters()
    assert (letter.template_id, letter.language, letter.case_id) == ("document_request", "tr", letter_case.id)
    assert letter.created_by_id == caseworker.id and letter.office_id == caseworker.office_id
    template = service.load_library(app.config["LETTERS_DIR"])["document_request"]
    assert letter.template_version == template.version("tr")
    assert len(letter.data_hash) == 64 and letter.pdf_path == ""
    stored = Path(app.config["DATA_DIR"]) / letter.file_path
    assert stored.exists()

    download = client.get(f"/letters/{letter.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.data)).paragraphs)
    assert 'Zeynep Öztürk & <Söhne> "Ali"' in text and "KOE-EB-2027-00042" in text
    assert re.search(r"bis spätestens \d\d\.\d\d\.\d{4}", text)

    page = client.get(f"/cases/{letter_case.id}").get_data(as_text=True)
    assert f'data-testid="letter-download-{letter.id}"' in page
    actions = {(e.action, e.entity) for e in _db.session.scalars(sa.select(AuditEvent))}
    assert {("read", "letter_preview"), ("create", "letter"), ("read", "letter")} <= actions


def test_arabic_preview_is_right_to_left(client, login, caseworker, letter_case):
    login(caseworker)
    html = client.get(f"/cases/{letter_case.id}/letters/new?template=acknowledgment&language=ar").get_data(as_text=True)
    assert 'dir="rtl" lang="ar"' in html
    assert "12" in html  # processing.months default


def test_corrected_letter_is_a_new_entry_and_the_log_is_append_only(client, login, caseworker, letter_case):
    login(caseworker)
    assert _generate(client, letter_case, "acknowledgment", "de", **{"processing.months": "9"}).status_code == 302
    assert _generate(client, letter_case, "acknowledgment", "de", **{"processing.months": "10"}).status_code == 302
    first, second = _letters()
    assert first.data_hash != second.data_hash and first.file_path != second.file_path
    first.language = "en"
    with pytest.raises(LetterLogImmutableError):
        _db.session.flush()
    _db.session.rollback()
    _db.session.delete(_db.session.get(Letter, first.id))
    with pytest.raises(LetterLogImmutableError):
        _db.session.flush()
    _db.session.rollback()


def test_invalid_input_is_refused_with_the_field_named(client, login, caseworker, letter_case):
    login(caseworker)
    response = _generate(client, letter_case, "document_request", "de", **{"deadline.weeks": "99"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Frist in Wochen: Erlaubt sind 1 bis 26." in page
    assert _letters() == []


def test_ceremony_invitation_needs_its_inputs(client, login, caseworker, letter_case):
    login(caseworker)
    _generate(client, letter_case, "ceremony_invitation", "de")
    assert _letters() == []
    _generate(client, letter_case, "ceremony_invitation", "de", **{
        "ceremony.date": "2027-05-28", "ceremony.time": "11.00", "ceremony.place": "Rathaus & Hansasaal"})
    [letter] = _letters()
    assert letter.template_id == "ceremony_invitation"


def test_no_address_no_letter(client, login, caseworker, office):
    person = factories.person(office, street="", postcode="", city="")
    case = factories.case(person)
    login(caseworker)
    response = client.get(f"/cases/{case.id}/letters/new?template=acknowledgment&language=de",
                          follow_redirects=True)
    assert "Anschrift unvollständig" in response.get_data(as_text=True)


def test_failed_file_write_leaves_no_log_row_and_no_file(client, login, caseworker, letter_case, app, monkeypatch):
    """A full disk during the write: nothing is logged, no temp file is left behind."""
    login(caseworker)
    token = csrf_token(client, f"/cases/{letter_case.id}")
    letters_dir = Path(app.config["DATA_DIR"]) / "letters"
    before = set(letters_dir.rglob("*")) if letters_dir.exists() else set()

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    response = client.post(f"/cases/{letter_case.id}/letters",
                           data={"csrf_token": token, "template": "acknowledgment", "language": "de"})
    monkeypatch.undo()
    assert response.status_code == 302
    assert _letters() == []
    assert {p for p in letters_dir.rglob("*") if p.is_file()} <= before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "konnte nicht gespeichert werden" in page
    assert not any(e.action == "create" for e in _db.session.scalars(sa.select(AuditEvent)))


def test_download_of_another_offices_letter_is_404(client, login, caseworker, letter_case, other_office):
    stranger = factories.user(other_office, "fremd", role="caseworker")
    login(caseworker)
    _generate(client, letter_case, "acknowledgment", "de")
    [letter] = _letters()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(stranger)
    assert client.get(f"/letters/{letter.id}/download").status_code == 404
    assert client.get(f"/cases/{letter_case.id}/letters/new?template=acknowledgment").status_code == 404
    denied = [e for e in _db.session.scalars(sa.select(AuditEvent)) if e.action == "access_denied"]
    assert denied


def test_tampered_file_is_not_served(client, login, caseworker, letter_case, app):
    login(caseworker)
    _generate(client, letter_case, "acknowledgment", "de")
    [letter] = _letters()
    (Path(app.config["DATA_DIR"]) / letter.file_path).write_bytes(b"changed")
    response = client.get(f"/letters/{letter.id}/download")
    assert response.status_code == 409
    assert "Prüfsumme" in response.get_data(as_text=True)


def test_eligibility_fields_come_from_the_rules(db, letter_case, caseworker):
    """The campaign template asks the rules domain (stag_10); without an earliest date the paragraph
    about it is left out."""
    import datetime as dt

    template = service.checked_template("naturalization_info")
    recipient = service.recipient_for(letter_case.person, letter_case, template, dt.date(2027, 3, 15))
    assert recipient.eligibility["rule"] == "stag_10"
    assert recipient.eligibility["result"].startswith("Voraussetzungen") or "entscheidbar" in recipient.eligibility["result"]
    assert "§ 10 StAG" in recipient.eligibility["legal_basis"]
    rendered = service.render_for_case(caseworker, letter_case, "naturalization_info", "de",
                                       letter_date=dt.date(2027, 3, 15))
    text = "\n".join(p.text for p in rendered.paragraphs)
    assert ("ab dem" in text) == bool(recipient.eligibility["earliest_date"])
    # Templates that do not show eligibility never run the rules.
    assert service.recipient_for(letter_case.person, letter_case, service.checked_template("acknowledgment")).eligibility == {}
