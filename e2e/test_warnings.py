"""The warning ladder in a real browser, on a phone (R15): county commission staff take a substantiated
finding proposed for a warning notice from the queue and issue the notice; the cadre reads it (the problem
written for them, never the report or anything about who reported), acknowledges it and appeals; the unit's
liaison records the warning education the notice requires; the county decides the appeal and the cadre reads
the decision. Every page is checked on a phone (no sideways scrolling, 44 px tap targets, no inline script or
style)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user, zh
from gridwatch.formal_warnings.models import FollowUpStatus, NoticeStatus, WarningNotice
from gridwatch.formal_warnings.tests.conftest import SENTINEL, proposed

from .helpers import assert_page_is_sound, enrol_totp, sign_in

pytestmark = pytest.mark.e2e

PROBLEM = "工作日午间饮酒，影响工作作风。"
STATEMENT = "当天系家中亲属聚会，并非工作日午间，请求复核。"
EDUCATION = "12月8日由局党组书记对其进行警告教育谈话，本人作出书面检讨。"
DECISION = "经复核，饮酒发生在工作日午间，申诉理由不成立。"


def flash(page):
    return page.locator(".messages .msg.success")


def test_a_notice_goes_from_the_proposal_to_the_units_follow_up_and_the_cadres_appeal(
    new_page, county_officer, cadre_a, cadre_user, unit_a
):
    report = proposed(cadre_a)
    liaison = make_user("liaison_unit_a", role=Role.UNIT_LIAISON, unit=unit_a)

    # 1. The county commission issues the notice from the queue of proposals.
    county = new_page()
    device = enrol_totp(county_officer)
    sign_in(county, county_officer, device=device, next_path="/warnings/")
    expect(county.locator("main h1")).to_have_text(zh("Warning notices"))
    county.locator("main a", has_text=zh("Proposals to decide")).click()
    expect(county.locator("main h1")).to_have_text(zh("Proposals for a warning notice"))
    proposal = county.locator("main .list-item", has_text=cadre_a.name)
    expect(proposal).to_have_count(1)
    assert_page_is_sound(county)
    proposal.locator("a, button", has_text=zh("Issue a notice")).first.click()
    expect(county.locator("main h1")).to_have_text(zh("Issue a warning notice"))
    expect(county.locator("main")).to_contain_text(
        zh("The unit gives the cadre warning education (警告教育).")
    )
    assert SENTINEL not in county.locator("main").inner_text()
    county.locator("#id_problem").fill(PROBLEM)
    assert_page_is_sound(county)
    county.locator("main form button[type=submit]", has_text=zh("Issue the notice")).click()
    notice = WarningNotice.objects.get(report=report)
    county.wait_for_url(re.compile(rf"/warnings/{notice.pk}/$"))
    expect(county.locator("main h1")).to_contain_text(notice.reference)
    assert notice.ordinal == 1 and [f.kind for f in notice.follow_ups.all()] == ["education"]
    assert_page_is_sound(county)
    # The case says what became of its proposal, and leads back to the notice.
    county.goto(reverse("cases:case_detail", args=[report.pk]))
    panel = county.locator("#warning-proposal")
    expect(panel).to_contain_text(zh("followed: a notice was issued"))
    assert_page_is_sound(county)
    panel.locator("a", has_text=notice.reference).click()
    county.wait_for_url(re.compile(rf"/warnings/{notice.pk}/$"))

    # 2. The cadre reads the notice in their own menu, acknowledges it and appeals.
    cadre = new_page()
    sign_in(cadre, cadre_user, next_path="/warnings/mine/")
    expect(cadre.locator("main h1")).to_have_text(zh("My warning notices"))
    cadre.locator("main a", has_text=notice.reference).click()
    main = cadre.locator("main")
    expect(main).to_contain_text(PROBLEM)
    text = main.inner_text()
    assert SENTINEL not in text and "13912345678" not in text and report.reference not in text
    assert_page_is_sound(cadre)
    cadre.locator("main button", has_text=zh("Acknowledge receipt (签收)")).click()
    expect(cadre.locator("main")).not_to_contain_text(zh("Not yet"))
    cadre.locator("#id_statement").fill(STATEMENT)
    cadre.locator("main button", has_text=zh("Send the appeal")).click()
    expect(cadre.locator("#appeal")).to_contain_text(STATEMENT)
    expect(cadre.locator("#appeal")).to_contain_text(zh("The county commission has not decided yet."))
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None and notice.status == NoticeStatus.APPEALED

    # 3. The unit's liaison records the warning education; an appeal does not suspend it.
    unit = new_page()
    sign_in(unit, liaison, next_path=f"/warnings/{notice.pk}/")
    assert SENTINEL not in unit.locator("main").inner_text()
    follow_up = notice.follow_ups.get()
    unit.locator(f"#id_fu{follow_up.pk}-record").fill(EDUCATION)
    assert_page_is_sound(unit)
    unit.locator("main button", has_text=zh("Record as done")).click()
    expect(unit.locator("main")).to_contain_text(EDUCATION)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE and follow_up.recorded_by == liaison

    # 4. The county dismisses the appeal with a reason, which the cadre reads.
    county.reload()
    county.locator("#appeal label", has_text=zh("Appeal dismissed: notice stays in force")).click()
    county.locator("#id_reason").fill(DECISION)
    county.locator("main button", has_text=zh("Decide the appeal")).click()
    expect(county.locator("#appeal")).to_contain_text(DECISION)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.IN_FORCE and notice.decision == "dismissed"
    cadre.reload()
    expect(cadre.locator("#appeal")).to_contain_text(DECISION)
    assert_page_is_sound(cadre)
