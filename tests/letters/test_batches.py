"""Batches: created in the web UI or CLI, processed by the worker, resumable after SIGKILL."""
from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa

from ebh.cases.models import Sex
from ebh.extensions import db as _db
from ebh.letters import service, worker
from ebh.letters.models import BatchStatus, Letter, LetterBatch, LetterBatchItem
from tests import factories
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def _cases(office, count: int):
    """``count`` persons with a § 10 case each, written in one transaction."""
    import datetime as dt

    from ebh.cases.models import Case, CaseFamily, CaseType, Person

    persons = [Person(office_id=office.id, family_name=f"Muster{n}", given_names="Eva", sex=Sex.FEMALE,
                      preferred_language="de", street=f"Ringstr. {n}", postcode="50667", city="Köln")
               for n in range(1, count + 1)]
    _db.session.add_all(persons)
    _db.session.flush()
    cases = [Case(office_id=office.id, person_id=p.id, file_number=f"KOE-EB-2027-{n:05d}", case_type=CaseType.STAG_10,
                  family=CaseFamily.NATURALIZATION, status="received", received_on=dt.date(2027, 1, 15))
             for n, p in enumerate(persons, start=1)]
    _db.session.add_all(cases)
    _db.session.commit()
    return cases


def _fresh(model, **filters):
    _db.session.rollback()
    return list(_db.session.scalars(sa.select(model).filter_by(**filters)))


def test_web_batch_with_error_list_then_worker(client, login, caseworker, office, letter_case, app, db):
    cases = _cases(office, 2)
    homeless = factories.person(office, family_name="Ohneort", street="", city="")
    homeless_case = factories.case(homeless, "stag_10", file_number="KOE-EB-2027-09999")
    login(caseworker)
    numbers = "\n".join([letter_case.file_number, cases[0].file_number, cases[1].file_number,
                         homeless_case.file_number, cases[0].file_number])
    page = client.get("/letters/batches").get_data(as_text=True)
    assert 'data-testid="batch-form"' in page
    response = client.post("/letters/batches", data={
        "csrf_token": csrf_token(client, "/letters/batches"), "template": "acknowledgment", "language": "",
        "file_numbers": numbers, "in-processing.months": "8"})
    assert response.status_code == 302, response.get_data(as_text=True)
    [batch] = _fresh(LetterBatch)
    assert (batch.status, batch.total, batch.errors) == (BatchStatus.QUEUED, 4, 1)
    assert "doppelte" in batch.message
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-progress-url" in detail and "ebh letters work" in detail
    assert "Anschrift unvollständig" in detail
    progress = client.get(f"/api/letters/batches/{batch.id}/progress").get_json()
    assert progress == {**progress, "total": 4, "done": 1, "finished": False}

    result = worker.run_batch(batch.id, pool_size=0)
    assert (result.status, result.done, result.errors) == (BatchStatus.DONE, 3, 1)
    letters = _fresh(Letter, batch_id=batch.id)
    assert sorted(letter.person_id for letter in letters) == sorted([letter_case.person_id, cases[0].person_id,
                                                                     cases[1].person_id])
    assert {letter.language for letter in letters} == {"tr", "de"}  # each person's preferred language
    assert client.get(f"/api/letters/batches/{batch.id}/progress").get_json()["finished"] is True

    detail = client.get(f"/letters/batches/{batch.id}").get_data(as_text=True)
    assert 'data-testid="batch-downloads"' in detail and "Sammeldruck (DOCX)" in detail
    zipped = client.get(f"/letters/batches/{batch.id}/files/zip")
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as archive:
        names = archive.namelist()
    zipped.close()
    assert names[0] == "manifest.csv" and len(names) == 4
    manifest = client.get(f"/letters/batches/{batch.id}/files/manifest")
    rows = list(csv.DictReader(io.StringIO(manifest.data.decode("utf-8-sig")), delimiter=";"))
    manifest.close()
    assert [r["status"] for r in rows] == ["erstellt", "erstellt", "erstellt", "Fehler"]
    assert rows[0]["empfaenger"] == 'Zeynep Öztürk & <Söhne> "Ali"' and rows[0]["sprache"] == "tr"
    assert rows[3]["fehler"].startswith("Anschrift unvollständig")
    printed = client.get(f"/letters/batches/{batch.id}/files/print?n=0")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(printed.data)).paragraphs)
    printed.close()
    assert text.count("Eingangsbestätigung – Ihr Antrag auf Einbürgerung nach § 10 StAG") == 3
    assert "etwa 8 Monate" in text and "Muster2" in text


def test_broken_template_is_rejected_before_a_batch_starts(db, caseworker, office, app, tmp_path):
    cases = _cases(office, 1)
    letters = tmp_path / "letters"
    shutil.copytree(ROOT / "letters" / "naturalization_info", letters / "naturalization_info")
    broken = docx.Document()
    broken.add_paragraph("{{ office.name }}")
    broken.add_paragraph("{{ person.iban }}")
    broken.save(letters / "naturalization_info" / "ru.docx")
    app.config["LETTERS_DIR"] = str(letters)
    with pytest.raises(service.LetterError) as raised:
        service.create_batch(caseworker, "naturalization_info", service.Selection(case_ids=[cases[0].id]))
    assert any(p.file == "naturalization_info/ru.docx" and p.line == 2 and "person.iban" in p.message
               for p in raised.value.problems)
    assert _fresh(LetterBatch) == []


def test_csv_recipients_and_row_errors(db, caseworker, office, other_office, app):
    cases = _cases(office, 2)
    foreign = factories.person(other_office, family_name="Fremd")
    text = f"person_id;aktenzeichen\n{cases[0].person_id};\n;{cases[1].file_number}\n"
    batch = service.create_batch(caseworker, "naturalization_info", service.Selection(csv_text=text), language="en")
    assert batch.total == 2 and batch.source == "csv"
    _db.session.rollback()
    with pytest.raises(service.LetterError, match=r"Person \d+ nicht gefunden"):
        service.create_batch(caseworker, "naturalization_info",
                             service.Selection(csv_text=f"person_id\n{foreign.id}\n"))
    with pytest.raises(service.LetterError, match="Zeile 3: person_id „x1“ ist keine Zahl"):
        service.create_batch(caseworker, "naturalization_info",
                             service.Selection(csv_text=f"person_id\n{cases[0].person_id}\nx1\n"))
    with pytest.raises(service.LetterError, match="braucht ein Verfahren"):
        service.create_batch(caseworker, "document_request", service.Selection(person_ids=[cases[0].person_id]))


def test_other_office_cannot_see_a_batch(client, login, db, caseworker, office, other_office):
    cases = _cases(office, 1)
    batch = service.create_batch(caseworker, "acknowledgment", service.Selection(case_ids=[cases[0].id]))
    _db.session.commit()
    login(factories.user(other_office, "fremd"))
    assert client.get(f"/api/letters/batches/{batch.id}/progress").status_code == 404
    assert client.get(f"/letters/batches/{batch.id}").status_code == 404
    assert client.get(f"/letters/batches/{batch.id}/files/zip").status_code == 404


def test_cli_batch_with_progress_line(runner, db, caseworker, office, app):
    cases = _cases(office, 3)
    result = runner.invoke(args=["letters", "batch", "--template", "document_request", "--user", caseworker.username,
                                 "--cases", ",".join(str(c.id) for c in cases), "--set", "deadline.weeks=3",
                                 "--pool", "0"])
    assert result.exit_code == 0, result.output
    assert "Serienbrief 1: 3/3 (100 %), 0 Fehler" in result.output
    assert "done, 3 Briefe, 0 Fehler" in result.output
    bad = runner.invoke(args=["letters", "batch", "--template", "document_request", "--user", caseworker.username,
                              "--cases", "999"])
    assert bad.exit_code == 1 and "Fall 999 nicht gefunden" in bad.output


def test_killed_worker_resumes_without_gaps_or_duplicates(db, caseworker, office, app):
    """SIGKILL a worker process mid-batch; the next run takes over: every recipient exactly once."""
    recipients = 120
    cases = _cases(office, recipients)
    batch = service.create_batch(caseworker, "naturalization_info",
                                 service.Selection(case_ids=[c.id for c in cases]), language="de")
    _db.session.commit()
    env = {**os.environ, "EBH_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "EBH_DATA_DIR": app.config["DATA_DIR"], "EBH_LETTERS_DIR": app.config["LETTERS_DIR"],
           "EBH_ENV": "testing", "EBH_SECRET_KEY": "test", "EBH_LETTERS_PDF": "off"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from ebh.cli import main; main()", "letters", "work", "--batch", str(batch.id),
         "--pool", "0", "--chunk", "3"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        _db.session.rollback()
        done = _db.session.scalar(sa.select(LetterBatch.done).where(LetterBatch.id == batch.id))
        if done >= 15:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()[-2000:]
    process.stderr.close()
    _db.session.rollback()
    killed = _db.session.get(LetterBatch, batch.id)
    assert killed.status == BatchStatus.RUNNING and 15 <= killed.done < recipients

    result = worker.run_batch(batch.id, pool_size=2, chunk_size=20)  # takes over from the dead worker
    assert (result.status, result.done, result.errors) == (BatchStatus.DONE, recipients, 0)
    letters = _fresh(Letter, batch_id=batch.id)
    assert len(letters) == recipients
    assert sorted(letter.person_id for letter in letters) == sorted(c.person_id for c in cases)
    items = {i.id: i for i in _fresh(LetterBatchItem, batch_id=batch.id)}
    assert sorted(letter.batch_item_id for letter in letters) == sorted(items)
    data_dir = Path(app.config["DATA_DIR"])
    with zipfile.ZipFile(data_dir / result.zip_path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".docx")]
    assert len(names) == len(set(names)) == recipients
    assert sorted(names) == sorted(i.file_name for i in items.values())
    for letter in letters[:: recipients // 10]:
        stored = data_dir / letter.file_path
        assert service.files.sha256_file(stored) == letter.file_sha256
