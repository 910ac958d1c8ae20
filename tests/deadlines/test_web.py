"""Deadline pages through the real app: Wiedervorlage, inbox, done/snooze, supervisor view, closing days,
settings and the iCal feed (parsed back with icalendar)."""
from __future__ import annotations

import datetime as dt

import icalendar
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.cases.models import Case
from ebh.db import utcnow
from ebh.deadlines import reminders, service
from ebh.deadlines.models import Deadline, DeadlineKind, DeadlineStatus, OfficeClosingDay, Reminder, ReminderStatus
from tests import factories
from tests.conftest import post_form
from tests.deadlines.conftest import make_case


def _today():
    return reminders.local_today(utcnow())


def _fresh(db, model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_wiedervorlage_via_web(client, login, db, office, caseworker):
    caseworker.email = "sb1@example.org"
    case = make_case(office, assigned=caseworker)
    login(caseworker)
    page = client.get(f"/cases/{case.id}/fristen")
    assert page.status_code == 200 and 'data-testid="wiedervorlage-form"' in page.get_data(as_text=True)
    day = _today() + dt.timedelta(days=10)
    response = post_form(client, f"/cases/{case.id}/wiedervorlage",
                         {"due_on": day.strftime("%d.%m.%Y"), "note": "Rückfrage Arbeitgeber",
                          "user_id": str(caseworker.id), "next": f"/cases/{case.id}/fristen"},
                         token_from=f"/cases/{case.id}/fristen")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}/fristen")
    db.session.expire_all()
    [deadline] = db.session.scalars(sa.select(Deadline).where(Deadline.kind == DeadlineKind.WIEDERVORLAGE))
    assert (deadline.due_on, deadline.label, deadline.user_id, deadline.created_by_id) == (
        day, "Rückfrage Arbeitgeber", caseworker.id, caseworker.id)
    assert db.session.scalars(sa.select(Reminder).where(Reminder.deadline_id == deadline.id)).one().status \
        is ReminderStatus.PENDING
    assert db.session.get(Case, case.id).due_on == day
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "deadline",
                                                           AuditEvent.action == "create")).one()
    assert event.case_id == case.id and day.strftime("%d.%m.%Y") in event.summary
    assert "Rückfrage Arbeitgeber" in client.get(f"/cases/{case.id}/fristen").get_data(as_text=True)


def test_wiedervorlage_bad_input(client, login, db, office, other_office, caseworker):
    case = make_case(office, assigned=caseworker)
    foreign = make_case(other_office)
    login(caseworker)
    url = f"/cases/{case.id}/fristen"
    past = post_form(client, f"/cases/{case.id}/wiedervorlage", {"due_on": "01.01.2020", "user_id": str(caseworker.id)},
                     token_from=url)
    assert past.status_code == 400 and "nicht in der Vergangenheit" in past.get_data(as_text=True)
    garbage = post_form(client, f"/cases/{case.id}/wiedervorlage", {"due_on": "31.02.2026", "user_id": str(caseworker.id)},
                        token_from=url)
    assert garbage.status_code == 400 and "gültiges Datum" in garbage.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Deadline.id))) == 0
    assert client.get(f"/cases/{foreign.id}/fristen").status_code == 404
    response = post_form(client, f"/cases/{foreign.id}/wiedervorlage",
                         {"due_on": (_today() + dt.timedelta(days=3)).isoformat(), "user_id": str(caseworker.id)},
                         token_from=url)
    assert response.status_code == 404


def test_inbox_groups_and_done_and_snooze_are_recorded(client, login, db, office, caseworker):
    today = _today()
    case = make_case(office, assigned=caseworker)
    overdue = Deadline(office_id=office.id, case_id=case.id, kind=DeadlineKind.WIEDERVORLAGE, source_key="manual:a",
                       due_on=today - dt.timedelta(days=3), user_id=caseworker.id, label="alt")
    due_today = Deadline(office_id=office.id, case_id=case.id, kind=DeadlineKind.WIEDERVORLAGE,
                         source_key="manual:b", due_on=today, user_id=caseworker.id, label="heute")
    week = Deadline(office_id=office.id, case_id=case.id, kind=DeadlineKind.PERMIT_EXPIRY, source_key="residence:9",
                    due_on=today + dt.timedelta(days=5), user_id=caseworker.id, label="Duldung")
    later = Deadline(office_id=office.id, case_id=case.id, kind=DeadlineKind.WIEDERVORLAGE, source_key="manual:c",
                     due_on=today + dt.timedelta(days=30), user_id=caseworker.id, label="später")
    db.session.add_all([overdue, due_today, week, later])
    db.session.commit()
    login(caseworker)
    box = service.inbox(caseworker)
    db.session.commit()
    assert ([d.label for d in box.overdue], [d.label for d in box.today], [d.label for d in box.this_week]) == (
        ["alt"], ["heute"], ["Duldung"])
    html = client.get("/fristen").get_data(as_text=True)
    assert case.file_number in html and "überfällig" in html and "später" not in html
    assert "Yılmaz" not in html  # the inbox names files, not people

    response = post_form(client, f"/fristen/{overdue.id}/erledigt", {"reason": "Unterlagen liegen vor", "next": "/fristen"},
                         token_from="/fristen")
    assert response.status_code == 303
    done = _fresh(db, Deadline, overdue.id)
    assert done.status is DeadlineStatus.DONE and done.done_by_id == caseworker.id
    assert done.done_reason == "Unterlagen liegen vor"

    until = today + dt.timedelta(days=14)
    post_form(client, f"/fristen/{due_today.id}/zurueckstellen",
              {"until": until.isoformat(), "reason": "Antragsteller im Urlaub", "next": "https://evil.example/"},
              token_from="/fristen")
    snoozed = _fresh(db, Deadline, due_today.id)
    assert snoozed.snoozed_until == until and snoozed.snooze_reason == "Antragsteller im Urlaub"
    timeline = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                              AuditEvent.action == "update")).all()
    assert {e.summary.split(":")[0] for e in timeline} >= {"Frist erledigt", "Frist zurückgestellt bis " +
                                                           until.strftime("%d.%m.%Y")}
    # No reason: refused with a German message, nothing changed.
    response = post_form(client, f"/fristen/{week.id}/erledigt", {"reason": " "}, token_from="/fristen")
    assert response.status_code == 303
    assert _fresh(db, Deadline, week.id).status is DeadlineStatus.OPEN
    assert "Bitte einen Grund angeben" in client.get("/fristen").get_data(as_text=True)


def test_supervisor_overview(app, client, login, db, office, other_office, caseworker, supervisor):
    today = _today()
    case = make_case(office, assigned=caseworker, received_on=today - dt.timedelta(days=200))
    foreign = make_case(other_office, received_on=today - dt.timedelta(days=200))
    service.recompute_cases([case.id, foreign.id])
    db.session.add(Deadline(office_id=office.id, case_id=case.id, kind=DeadlineKind.WIEDERVORLAGE,
                            source_key="manual:x", due_on=today - dt.timedelta(days=2), user_id=caseworker.id))
    db.session.commit()
    second = app.test_client()
    post_form(second, "/login", {"username": caseworker.username, "password": factories.PASSWORD})
    assert second.get("/fristen/uebersicht").status_code == 403
    login(supervisor)
    html = client.get("/fristen/uebersicht").get_data(as_text=True)
    assert "Untätigkeitsklage zulässig" in html and case.file_number in html
    assert foreign.file_number not in html
    overdue = service.office_overdue(supervisor)
    assert {d.kind for d in overdue.items} == {DeadlineKind.VWGO75_APPLICATION, DeadlineKind.WIEDERVORLAGE}
    assert [d.case_id for d in service.cases_past_vwgo75(supervisor).items] == [case.id]
    db.session.commit()


def test_closing_days_admin_import_all_or_nothing(client, login, db, office, caseworker):
    admin = factories.user(office, "admin1", role="admin")
    login(admin)
    bad = post_form(client, "/admin/schliesstage", {"many-lines": "24.12.2027;Heiligabend\n31.13.2027;Silvester"},
                    token_from="/admin/schliesstage")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Zeile 2" in text and "31.13.2027" in text
    assert db.session.scalar(sa.select(sa.func.count(OfficeClosingDay.id))) == 0
    good = post_form(client, "/admin/schliesstage", {"many-lines": "24.12.2027;Heiligabend\n2027-12-31;Silvester"},
                     token_from="/admin/schliesstage")
    assert good.status_code == 303
    db.session.expire_all()
    assert [d.day for d in db.session.scalars(sa.select(OfficeClosingDay).order_by(OfficeClosingDay.day))] == [
        dt.date(2027, 12, 24), dt.date(2027, 12, 31)]
    dup = post_form(client, "/admin/schliesstage", {"one-day": "24.12.2027", "one-reason": ""},
                    token_from="/admin/schliesstage")
    assert dup.status_code == 400 and "bereits als Schließtag" in dup.get_data(as_text=True)


def test_closing_days_cli_import_bad_date(runner, db, office, tmp_path):
    factories.user(office, "admin1", role="admin")
    path = tmp_path / "tage.csv"
    path.write_text("# Schließtage\n24.12.2027;Heiligabend\n2027-02-30;kaputt\n", encoding="utf-8")
    result = runner.invoke(args=["deadlines", "import-closing-days", "--user", "admin1", str(path)])
    assert result.exit_code != 0 and "Zeile 3" in result.output and "nichts übernommen" in result.output
    assert db.session.scalar(sa.select(sa.func.count(OfficeClosingDay.id))) == 0
    path.write_text("24.12.2027;Heiligabend\n", encoding="utf-8")
    result = runner.invoke(args=["deadlines", "import-closing-days", "--user", "admin1", str(path)])
    assert result.exit_code == 0, result.output


def test_compute_command(runner):
    ok = runner.invoke(args=["deadlines", "compute", "--from", "31.01.2024", "--months", "1"])
    assert ok.exit_code == 0 and ok.output.strip() == "29.02.2024"
    bad = runner.invoke(args=["deadlines", "compute", "--from", "31.01.2024", "--months", "1", "--bundesland", "XY"])
    assert bad.exit_code != 0 and "Unbekanntes Bundesland" in bad.output
    before = runner.invoke(args=["deadlines", "compute", "--from", "31.01.2024", "--days", "-3"])
    assert before.exit_code != 0 and "nicht vor dem Ereignis" in before.output


def test_ical_feed(client, login, db, office, caseworker, app):
    today = _today()
    case = make_case(office, assigned=caseworker)
    deadline = Deadline(office_id=office.id, case_id=case.id, kind=DeadlineKind.PERMIT_EXPIRY, source_key="residence:1",
                        due_on=today + dt.timedelta(days=20), user_id=caseworker.id, label="Duldung",
                        legal_basis="§ 60a AufenthG")
    db.session.add(deadline)
    db.session.commit()
    login(caseworker)
    page = post_form(client, "/fristen/kalender/neu", {}, token_from="/fristen/einstellungen")
    html = page.get_data(as_text=True)
    url = html.split('data-testid="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    path = url.removeprefix(app.config["BASE_URL"].rstrip("/"))
    assert path.startswith("/fristen/ical/") and path.endswith(".ics")

    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    feed = icalendar.Calendar.from_ical(response.data)
    [event] = feed.walk("VEVENT")
    assert str(event["summary"]) == f"Aufenthaltsdokument läuft ab – Akte {case.file_number}"
    assert str(event["uid"]) == f"ebh-deadline-{deadline.id}@localhost"
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Berlin" and start.hour == 8
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert [tz["tzid"] for tz in feed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    text = response.data.decode()
    assert "Yılmaz" not in text and "Ayşe" not in text
    # Stable UID across fetches.
    again = icalendar.Calendar.from_ical(anonymous.get(path).data)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(event["uid"])]
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.entity == "calendar_feed")) == 2

    token_id, secret = path.removeprefix("/fristen/ical/").removesuffix(".ics").split(".", 1)
    assert anonymous.get(f"/fristen/ical/{token_id}.{secret[:-1]}x.ics").status_code == 404
    assert anonymous.get(f"/fristen/ical/{int(token_id) + 1}.{secret}.ics").status_code == 404
    assert anonymous.get("/fristen/ical/garbage.ics").status_code == 404
    post_form(client, "/fristen/kalender/widerrufen", {}, token_from="/fristen/einstellungen")
    assert anonymous.get(path).status_code == 404


def test_email_mode_setting(client, login, db, office, caseworker):
    login(caseworker)
    response = post_form(client, "/fristen/einstellungen", {"email_mode": "digest"})
    assert response.status_code == 303
    assert service.email_mode(_fresh(db, type(caseworker), caseworker.id)).value == "digest"
    bad = post_form(client, "/fristen/einstellungen", {"email_mode": "sms"})
    assert bad.status_code == 200 and "digest" == service.email_mode(caseworker).value


def test_other_office_ids_are_not_found(client, login, db, office, other_office, caseworker):
    foreign_case = make_case(other_office)
    deadline = Deadline(office_id=other_office.id, case_id=foreign_case.id, kind=DeadlineKind.WIEDERVORLAGE,
                        source_key="manual:f", due_on=_today())
    db.session.add(deadline)
    db.session.commit()
    admin = factories.user(office, "admin1", role="admin")
    login(admin)
    for url in (f"/fristen/{deadline.id}/erledigt", f"/fristen/{deadline.id}/zurueckstellen",
                "/admin/erinnerungen/999/erneut", "/admin/schliesstage/999/loeschen"):
        assert post_form(client, url, {}, token_from="/fristen").status_code == 404, url
    assert _fresh(db, Deadline, deadline.id).status is DeadlineStatus.OPEN


def test_campaign_role_has_no_inbox(app, db, office):
    campaign = factories.user(office, "kampagne", role="campaign")
    other = app.test_client()
    post_form(other, "/login", {"username": campaign.username, "password": factories.PASSWORD})
    assert other.get("/fristen").status_code == 403
