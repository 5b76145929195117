"""In Chromium: merging two agencies asks "This cannot be undone" first, as Delete does;
dismissed, nothing is merged, accepted, the merge is done."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api.agencies.models import Agency
from api.db import new_session
from tests.factories import make_agency

pytestmark = pytest.mark.e2e


def test_the_merge_asks_before_it_is_done(desktop: Page, session: Session, actor: Any) -> None:
    kept = make_agency(session, actor, name="Pueblo Police Department", state_code="CO")
    folded = make_agency(session, actor, name="Pueblo PD", state_code="CO")
    session.commit()
    asked: list[str] = []

    def answer(accept: bool) -> Any:
        def said(dialog: Any) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return said

    desktop.goto(f"/agencies/{kept.id}/merge?fold={folded.id}")
    desktop.once("dialog", answer(False))
    desktop.get_by_role("button", name="Merge into Pueblo Police Department").click()
    desktop.wait_for_timeout(300)
    assert len(asked) == 1 and "This cannot be undone." in asked[0]
    with new_session() as fresh:
        assert fresh.get(Agency, folded.id) is not None

    desktop.once("dialog", answer(True))
    desktop.get_by_role("button", name="Merge into Pueblo Police Department").click()
    expect(desktop.get_by_text("is now part of")).to_be_visible()
    with new_session() as fresh:
        assert fresh.get(Agency, folded.id) is None
