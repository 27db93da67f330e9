"""The supervision card on a phone (R11): a grid supervisor fills this month's card for a cadre of their
grid item by item, leaves half-way, comes back to the draft, finishes it and submits it; the grid leader
reviews it and accepts it; the cadre's file shows the reviewed card to the staff.

Every page is checked on a phone (no sideways scrolling, 44 px tap targets, no inline script or style).
"""

import re

import pytest
from playwright.sync_api import expect

from gridwatch.conftest import make_user, zh
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import FileEntryKind
from gridwatch.supervision.models import CardStatus, SupervisionCard

from .helpers import assert_page_is_sound, sign_in

pytestmark = pytest.mark.e2e

NOTE = "上周六晚在小区棋牌室打麻将至深夜，邻居反映输赢较大。"


def rate(page, position, rating, note=""):
    """Rates one item: the tap saves it in place (htmx); a note is saved with the item's button. Waits
    for each answer and for the item to say it was saved."""
    url = re.compile(rf"/items/{position}/$")
    with page.expect_response(url):
        page.locator(f"#item-{position} label", has_text=zh(rating)).click()
    expect(page.locator(f"#item-{position} [role=status]")).to_have_text(zh("Saved"))
    if note:
        item = page.locator(f"#item-{position}")
        # An item of concern comes back with its note field open.
        item.locator("textarea").fill(note)
        with page.expect_response(url):
            item.locator("button[type=submit]").click()
        expect(page.locator(f"#item-{position} textarea")).to_have_value(note)


def test_it_fills_a_card_on_a_phone_comes_back_to_the_draft_and_the_leader_reviews_it(
    new_page, watch, grid_a, cadre_a, grid_supervisor
):
    leader = make_user("leader_a1")
    GridTeamMember.objects.create(grid=grid_a, user=leader, role="leader")

    # 1. The supervisor opens the grid's cards: the cadre has no card yet this month.
    page = new_page()
    sign_in(page, grid_supervisor)
    page.goto("/supervision/cards/")
    expect(page.locator("main h1")).to_have_text(zh("Supervision cards"))
    row = page.locator(".list-item", has_text=cadre_a.name)
    expect(row).to_contain_text(zh("No card yet"))
    assert_page_is_sound(page)
    row.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/supervision/cards/[0-9a-f-]{36}/$"))
    card = SupervisionCard.objects.get()
    expect(page.locator("#progress")).to_have_text(
        zh("%(answered)s of %(total)s items rated", answered=0, total=15)
    )
    assert_page_is_sound(page)

    # 2. Half-way: five items saved in place, one of them a concern with a note.
    for position in range(1, 5):
        rate(page, position, "Normal")
    rate(page, 5, "Concern", NOTE)
    expect(page.locator("#progress")).to_have_text(
        zh("%(answered)s of %(total)s items rated", answered=5, total=15)
    )
    assert_page_is_sound(page)

    # 3. They leave, and come back to the draft from the overview.
    page.goto("/")
    page.goto("/supervision/cards/")
    row = page.locator("a.list-item", has_text=cadre_a.name)
    expect(row).to_contain_text(zh("Draft"))
    row.click()
    page.wait_for_url(re.compile(rf"/supervision/cards/{card.pk}/$"))
    expect(page.locator("#progress")).to_have_text(
        zh("%(answered)s of %(total)s items rated", answered=5, total=15)
    )
    expect(page.locator("#item-5 textarea")).to_have_value(NOTE)
    expect(page.locator("#item-5 input[value=concern]")).to_be_checked()

    # 4. Submitting early is refused with the items still open (a 400 page); they finish and submit.
    watch.expect_status(r"/submit/$", 400)
    page.locator("button", has_text=zh("Submit the card")).click()
    expect(page.locator(".msg.error")).to_be_visible()
    for position in range(6, 16):
        rate(page, position, "Normal")
    page.locator("#id_summary").fill("本月走访三次，总体表现正常。")
    page.locator("button", has_text=zh("Submit the card")).click()
    expect(page.locator(".messages .msg.success")).to_contain_text(
        zh("The card was submitted to the grid leader.")
    )
    expect(page.locator(".page-head .badge")).to_have_text(zh("Submitted"))
    expect(page.locator("#item-1 button[type=submit]")).to_have_count(0)
    assert_page_is_sound(page)

    # 5. The grid leader reviews it on their phone and accepts it.
    other = new_page()
    sign_in(other, leader)
    other.goto("/supervision/cards/")
    row = other.locator("a.list-item", has_text=cadre_a.name)
    expect(row).to_contain_text(zh("Submitted"))
    row.click()
    expect(other.locator("#item-5")).to_contain_text(NOTE)
    assert_page_is_sound(other)
    other.locator("label", has_text=zh("Accept the card")).click()
    other.locator("button", has_text=zh("Record the review")).click()
    expect(other.locator(".messages .msg.success")).to_contain_text(zh("The card was accepted."))
    expect(other.locator(".page-head .badge")).to_have_text(zh("Reviewed"))
    card.refresh_from_db()
    assert card.status == CardStatus.REVIEWED and card.concern_count == 1
    entry = cadre_a.file_entries.get(kind=FileEntryKind.OBSERVATION)
    assert NOTE not in str(entry.details)
