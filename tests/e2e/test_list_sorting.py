"""Sorting a list in Chromium: a column's sort survives a filter chosen afterwards, and on a
phone, where the column headings are hidden, the "Sort by" choice orders the rows."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests import factories as f

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(session: Session, actor: Any) -> None:
    for name, email, prefers in (("Ann Bell", "zed@example.org", "email"),
                                 ("Bea Cole", "amy@example.org", "email"),
                                 ("Cy Dunn", "max@example.org", "phone")):
        f.make_person(session, actor, name=name, email=email, preferred_contact=prefers,
                      visibility="coalition")
    session.commit()


def _names(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#rows tbody tr td:first-child").all_inner_texts()]


def test_a_filter_keeps_the_column_sort(desktop: Page, people: None) -> None:
    desktop.goto("/people")
    desktop.locator("#rows thead").get_by_role("link", name="Email").click()
    expect(desktop).to_have_url("/people?sort=email")
    desktop.get_by_label("Prefers").select_option("email")
    expect(desktop.locator("#rows th[aria-sort='ascending']")).to_contain_text("Email")
    expect(desktop.locator("#rows tbody tr")).to_have_count(2)
    assert _names(desktop) == ["Bea Cole", "Ann Bell"]
    assert "sort=email" in desktop.url


def test_a_phone_sorts_with_the_sort_choice(phone: Page, people: None) -> None:
    phone.goto("/people")
    expect(phone.locator("#rows thead")).to_be_hidden()
    phone.get_by_label("Sort by").select_option("-email")
    expect(phone).to_have_url(re.compile(r"sort=-email"))
    assert _names(phone)[:3] == ["Ann Bell", "Cy Dunn", "Bea Cole"]
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
