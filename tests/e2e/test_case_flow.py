"""The whole case flow in a real browser: log in, create a person and a child, open a naturalization
case with the child as co-applicant, request and receive a document, change the status, see it all on
the timeline, log out."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories

pytestmark = pytest.mark.browser


def test_case_flow(db, caseworker, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    child_birth = dt.date.today().replace(year=dt.date.today().year - 9, day=1)
    deadline = dt.date.today() + dt.timedelta(days=21)

    page.goto("/login")
    page.fill("input[name=username]", caseworker.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Fälle")

    page.click("nav >> text=Neue Person")
    page.fill("input[name=family_name]", "Yılmaz")
    page.fill("input[name=given_names]", "Ayşe")
    page.fill("input[name=date_of_birth]", "1985-03-01")
    page.fill("input[name=nationalities]", "TUR")
    page.click("[data-testid=save-person]")
    expect(page.locator("[data-testid=person-name]")).to_have_text("Yılmaz, Ayşe")
    parent_url = page.url

    page.click("[data-testid=add-child]")
    page.fill("input[name=family_name]", "Yılmaz")
    page.fill("input[name=given_names]", "Emre")
    page.fill("input[name=date_of_birth]", child_birth.isoformat())
    page.click("[data-testid=save-person]")
    expect(page.locator("[data-testid=person-name]")).to_have_text("Yılmaz, Emre")
    expect(page.locator("[data-testid=family-links]")).to_contain_text("Ayşe")

    page.goto(parent_url)
    page.click("[data-testid=new-case]")
    page.select_option("select[name=case_type]", "stag_10")
    page.get_by_label(re.compile("Emre")).check()
    page.click("[data-testid=create-case]")
    expect(page.locator("[data-testid=case-title]")).to_contain_text("-EB-")
    expect(page.locator("[data-testid=co-cases]")).to_contain_text("Emre")
    expect(page.locator("[data-testid=co-cases]")).to_contain_text("Miteinbürgerung")

    row = page.locator("[data-testid=document-passport]")
    row.locator("summary", has_text="anfordern").click()
    row.locator("input[name=deadline]").fill(deadline.isoformat())
    row.locator("button", has_text="Anfordern").click()
    expect(page.locator(".flash")).to_contain_text("angefordert")
    expect(page.locator("[data-testid=case-due]")).not_to_have_text("–")

    row = page.locator("[data-testid=document-passport]")
    row.locator("summary", has_text="Eingang erfassen").click()
    row.locator("button", has_text="Eingang speichern").click()
    expect(page.locator(".flash")).to_contain_text("Eingang des Dokuments")
    expect(page.locator("[data-testid=document-passport] [data-testid=received]")).to_have_text(
        dt.date.today().strftime("%d.%m.%Y"))

    page.select_option("[data-testid=status-form] select[name=to_status]", "in_review")
    page.click("[data-testid=change-status]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("in Prüfung")

    timeline = page.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("angefordert")
    expect(timeline).to_contain_text("eingegangen")
    expect(timeline).to_contain_text("eingegangen → in Prüfung")
    expect(timeline).to_contain_text("Mitantrag")
    expect(page.locator("[data-testid=status-history]")).to_contain_text("in Prüfung")

    page.click("[data-testid=logout]")
    expect(page.locator("h1")).to_have_text("Anmeldung")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Anmeldung")
