"""Handling a case from end to end in a real browser, on a phone: a resident files a named report about a
cadre from a grid's mailbox; the township commission links the cadre and the circle, assigns a handler,
decides a preliminary verification (初步核实), notes, tells the reporter that the report was accepted,
records "not substantiated" and tells the reporter the result; the reporter reads it with the receipt code
(never a handler's name); the case is closed; the cadre reads the finding, never the report, and asks for
their name to be cleared (澄清正名); the county commission approves and the cadre's file records it.

Every page is checked on a phone (no sideways scrolling, 44 px tap targets, no inline script or style). With
``GRIDWATCH_E2E_SHOTS=/some/dir`` set, each page is also photographed there (375 px wide, and the case page
and the case list at 1280 px too); without it, as in CI, nothing is written.
"""

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gridwatch.accounts.roles import Role
from gridwatch.cases.models import ClarificationStatus, Report, ReportStatus
from gridwatch.conftest import make_user, zh

from .helpers import DESKTOP, PHONE, assert_page_is_sound, enrol_totp, sign_in

pytestmark = pytest.mark.e2e

CODE = re.compile(r"^[2-9A-Z]{4}(-[2-9A-Z]{4}){5}$")
WHAT = "上周六晚上在南场小区棋牌室打麻将，输赢较大，邻居都看见了。"
NOTE = "已调取棋牌室当晚的登记簿，另约谈两名在场邻居。"
SUMMARY = "经初步核实，张伟同志当晚在家中与亲属聚会，未到棋牌室，反映问题不属实。"
RESULT = "您反映的问题经核查不属实。感谢您对干部作风监督工作的支持。"
ACCEPTANCE = "您反映的问题已受理，我们将依规依纪认真办理。"
CADRE_REASON = "核实结论为不属实，此事在单位内已有议论，请求在单位内予以澄清。"
TAB_BAR_IN_FLOW = """(on) => document.querySelectorAll('.tabbar').forEach(
    (bar) => on ? bar.style.setProperty('position', 'static', 'important') : bar.removeAttribute('style'))"""


def look(page, name, *, wide=False):
    """Checks the page at 375 px (and at 1280 px when ``wide``) and, with GRIDWATCH_E2E_SHOTS set,
    photographs it whole at those widths into that folder."""
    shots = os.environ.get("GRIDWATCH_E2E_SHOTS", "")
    original = page.viewport_size
    for size in (PHONE, DESKTOP) if wide else (PHONE,):
        page.set_viewport_size(size)
        assert_page_is_sound(page)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.evaluate("() => window.scrollTo(0, 0)")  # else the sticky bars land mid-picture
            # The fixed tab bar would cover the middle of a full-page picture: there it ends the page (set
            # through the CSSOM, which the CSP allows, and taken away afterwards).
            page.evaluate(TAB_BAR_IN_FLOW, True)
            page.screenshot(path=str(Path(shots) / f"{name}-{size['width']}.png"), full_page=True)
            page.evaluate(TAB_BAR_IN_FLOW, False)
    page.set_viewport_size(original)


def flash(page):
    return page.locator(".messages .msg.success")


def open_step(page, summary_text):
    """Opens the disclosure of a step of the case page by its summary; returns the <details>."""
    details = page.locator("details.disclosure", has=page.locator("summary", has_text=summary_text))
    expect(details).to_have_count(1)
    details.locator("summary").click()
    expect(details.locator("form")).to_be_visible()
    return details


def test_it_handles_a_named_report_to_the_end_and_clears_the_cadres_name(
    new_page, grid_a, cadre_a, township_a, township_officer_a, county_officer, cadre_user
):
    township_officer_a.display_name = "王磊"
    township_officer_a.save(update_fields=["display_name"])
    colleague = make_user("township_a_chen", role=Role.TOWNSHIP_STAFF, area=township_a)
    colleague.display_name = "陈静"
    colleague.save(update_fields=["display_name"])
    county_officer.display_name = "赵刚"
    county_officer.save(update_fields=["display_name"])
    staff_names = ("王磊", "陈静", "赵刚", "township_a", "county")

    # 1. A resident files a named report from the grid's mailbox, typing the cadre's name, and keeps the code.
    resident = new_page()
    resident.goto(f"/report/grid/{grid_a.code}/")
    expect(resident.locator("h1")).to_have_text(zh("Supervision mailbox"))
    resident.locator("#id_subject_name").fill("张伟")
    resident.locator("#id_subject_unit_text").fill("县财政局")
    resident.locator("#id_circle").select_option("social")
    resident.locator("#id_what").fill(WHAT)
    resident.locator("#id_when").fill("上周六晚上")
    resident.locator("#id_where").fill("南场小区棋牌室")
    resident.locator("label", has_text=zh("Yes, give my name and phone")).click()
    resident.locator("#id_reporter_name").fill("刘芳")
    resident.locator("#id_reporter_phone").fill("13912345678")
    look(resident, "01-report-form")
    resident.locator("main form button[type=submit]").last.click()
    expect(resident.locator("h1")).to_have_text(zh("Report received"))
    code = resident.locator(".receipt-code").inner_text().strip()
    assert CODE.match(code), code
    look(resident, "02-receipt")
    report = Report.objects.get()
    assert report.subject_cadre is None and report.subject_name == "张伟"

    # 2. Township commission staff take it from the list to the end of the handling.
    officer = new_page()
    sign_in(officer, township_officer_a, device=enrol_totp(township_officer_a))
    officer.locator(".tabbar a[href='/cases/']").click()
    officer.wait_for_url(re.compile(r"/cases/$"))
    expect(officer.locator("main h1")).to_have_text(zh("Cases"))
    item = officer.locator("#results .list-item", has_text="张伟")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(zh("Received", context="report status"))
    look(officer, "03-case-list", wide=True)
    item.click()
    officer.wait_for_url(re.compile(rf"/cases/{report.pk}/$"))
    main = officer.locator("main")
    expect(main.locator("h1")).to_have_text(zh("Report about %(name)s", name="张伟"))
    expect(main).to_contain_text(WHAT)
    expect(main).to_contain_text(zh("not linked to the registry"))
    expect(main).to_contain_text(zh("yes (kept encrypted)"))
    assert "刘芳" not in main.inner_text() and "13912345678" not in main.inner_text()
    look(officer, "04-case-received")

    # Triage: find the cadre, link them and correct the circle.
    triage = officer.locator("#triage")
    triage.locator("#triage-cadre-q").fill("zw")
    triage.locator("button", has_text=zh("Find the cadre")).click()
    officer.wait_for_url(re.compile(r"cadre_q=zw"))
    option = officer.locator("#triage label", has_text="张伟 · 县财政局")
    expect(option).to_have_count(1)
    look(officer, "05-triage-search")
    option.click()
    officer.locator("#triage-link-circle").select_option("life")
    officer.locator("#triage button", has_text=zh("Save the triage")).click()
    expect(flash(officer)).to_contain_text(zh("The triage was saved."))
    facts = officer.locator("section[aria-labelledby=h-facts]")
    expect(facts).to_contain_text("张伟 · 县财政局 · 副局长")
    expect(facts).to_contain_text(zh("Life circle (生活圈)"))
    expect(facts).not_to_contain_text(zh("not linked to the registry"))

    # The handler: a colleague, who is told.
    step = open_step(officer, zh("Assign a handler"))
    step.locator("#id_assign-handler").select_option(value=str(colleague.pk))
    step.locator("#id_assign-note").fill("请陈静同志牵头核实。")
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The handler was assigned and told."))
    handling = officer.locator("section[aria-labelledby=h-handling]")
    expect(handling).to_contain_text("陈静")
    assert colleague.notifications.filter(link=f"/cases/{report.pk}/").count() == 1

    # The disposal accepts the report: preliminary verification, with its reason.
    step = open_step(officer, zh("Accept and decide the disposal"))
    step.locator("#id_dispose-disposal").select_option("preliminary")
    step.locator("#id_dispose-reason").fill("反映问题具体，具有可查性，予以初步核实。")
    look(officer, "06-case-dispose-form")
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The disposal was recorded."))
    expect(handling).to_contain_text(zh("Preliminary verification (初步核实)"))
    expect(officer.locator("section[aria-labelledby=h-facts] .badge").first).to_have_text(zh("Being handled"))
    expect(officer.locator("section[aria-labelledby=h-limits] li")).not_to_have_count(0)

    # A note in the history, kept from the reporter.
    step = open_step(officer, zh("Add a note or evidence"))
    step.locator("#id_note-body").fill(NOTE)
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The note was added to the case history."))
    expect(officer.locator("section[aria-labelledby=h-history]")).to_contain_text(NOTE)

    # The acceptance notice, as a message read with the receipt code.
    step = open_step(officer, zh("Reply to the reporter"))
    expect(step.locator("input[name='reply-reply']:checked")).to_have_value("acceptance")
    step.locator("#id_reply-way").select_option("message")
    step.locator("#id_reply-body").fill(ACCEPTANCE)
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The reply was recorded."))
    staff_thread = officer.locator("section[aria-labelledby=h-thread]")
    expect(staff_thread).to_contain_text(ACCEPTANCE)
    expect(staff_thread).to_contain_text(zh("Acceptance notice"))

    # The finding: not substantiated, with its summary. Closing waits for the result reply.
    step = open_step(officer, zh("Record the conclusion"))
    step.locator("#id_conclude-finding").select_option("not_substantiated")
    step.locator("#id_conclude-summary").fill(SUMMARY)
    look(officer, "07-case-conclude-form")
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The conclusion was recorded. Tell the reporter the result."))
    conclusion = officer.locator("section[aria-labelledby=h-conclusion]")
    expect(conclusion).to_contain_text(zh("Not substantiated"))
    expect(conclusion).to_contain_text(SUMMARY)
    expect(officer.locator("summary", has_text=zh("Close the case"))).to_have_count(0)
    expect(main).to_contain_text(zh("The case can be closed once the reporter has been told the result."))

    # The result reply.
    step = open_step(officer, zh("Reply to the reporter"))
    expect(step.locator("input[name='reply-reply']")).to_have_count(1)
    expect(step.locator("input[name='reply-reply']:checked")).to_have_value("result")
    step.locator("#id_reply-body").fill(RESULT)
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The reply was recorded."))
    expect(officer.locator("summary", has_text=zh("Close the case"))).to_have_count(1)

    # 3. The reporter reads the status and the result with the code, and no handler's name.
    resident.goto("/report/follow-up/")
    look(resident, "08-follow-up-form")
    resident.locator("#id_code").fill(code.lower().replace("-", " "))
    resident.locator("main form button[type=submit]").first.click()
    status = resident.locator("section[aria-labelledby=h-status]")
    expect(status).to_contain_text(zh("Result given"))
    expect(status).to_contain_text(zh("The matter has been looked into. The result was given to you."))
    thread = resident.locator("section[aria-labelledby=h-thread]")
    expect(thread).to_contain_text(zh("Acceptance notice"))
    expect(thread).to_contain_text(ACCEPTANCE)
    expect(thread).to_contain_text(zh("Result of the handling"))
    expect(thread).to_contain_text(RESULT)
    page_text = resident.locator("body").inner_text()
    for hidden in (*staff_names, NOTE, SUMMARY, zh("Preliminary verification (初步核实)")):
        assert hidden not in page_text, hidden
    look(resident, "09-follow-up-result")

    # 4. Now the case can be closed.
    officer.reload()
    step = open_step(officer, zh("Close the case"))
    step.locator("#id_close-note").fill("已向举报人反馈结果，予以办结。")
    step.locator("button[type=submit]").click()
    expect(flash(officer)).to_contain_text(zh("The case was closed."))
    expect(officer.locator("section[aria-labelledby=h-facts] .badge").first).to_have_text(
        zh("Closed", context="report status")
    )
    expect(officer.locator("section[aria-labelledby=h-steps]")).not_to_contain_text(zh("Close the case"))
    look(officer, "10-case-closed", wide=True)
    officer.goto("/cases/")
    expect(officer.locator("#results .list-item", has_text="张伟")).to_contain_text(
        zh("Closed", context="report status")
    )
    look(officer, "11-case-list-closed", wide=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED

    # 5. The cadre reads the finding, never the report, and asks for their name to be cleared.
    cadre = new_page()
    sign_in(cadre, cadre_user)
    cadre.locator("main .list-item", has_text=zh("Findings about me")).click()
    cadre.wait_for_url(re.compile(r"/cases/mine/$"))
    expect(cadre.locator("main h1")).to_have_text(zh("Findings about me"))
    finding = cadre.locator("main .list-item")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text(zh("Not substantiated"))
    look(cadre, "12-my-findings")
    finding.click()
    cadre.wait_for_url(re.compile(rf"/cases/mine/{report.pk}/$"))
    expect(cadre.locator("main")).to_contain_text(SUMMARY)
    cadre_text = cadre.locator("body").inner_text()
    for hidden in (
        WHAT,
        "麻将",
        "棋牌室登记",
        NOTE,
        RESULT,
        ACCEPTANCE,
        "刘芳",
        "13912345678",
        *staff_names[:3],
    ):
        assert hidden not in cadre_text, hidden
    look(cadre, "13-my-finding")
    cadre.locator("#id_reason").fill(CADRE_REASON)
    cadre.locator("main form button[type=submit]").click()
    expect(flash(cadre)).to_contain_text(
        zh("Your request was sent. The county commission decides and you will be told.")
    )
    expect(cadre.locator("#clarification")).to_contain_text(
        zh("Clarification asked for, awaiting a decision")
    )
    expect(cadre.locator("#clarification")).to_contain_text(CADRE_REASON)
    expect(cadre.locator("#id_reason")).to_have_count(0)
    look(cadre, "14-my-finding-asked")

    # 6. County commission staff approve it with a scope and a date; the cadre's file records it.
    county = new_page()
    sign_in(county, county_officer, device=enrol_totp(county_officer))
    county.goto("/cases/clarifications/")
    waiting = county.locator("main .list-item", has_text="张伟")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(zh("Asked for by the cadre"))
    look(county, "15-clarifications-waiting")
    waiting.click()
    county.wait_for_url(re.compile(rf"/cases/{report.pk}/#clarification$"))
    panel = county.locator("#clarification")
    expect(panel).to_contain_text(CADRE_REASON)
    expect(panel).to_contain_text(zh("the cadre"))
    today = timezone.localdate().isoformat()
    panel.locator("#id_approve-scope").select_option("unit")
    panel.locator("#id_approve-clarified_on").fill(today)
    panel.locator("#id_approve-note").fill("在县财政局干部职工会上予以澄清。")
    look(county, "16-case-clarification-decide", wide=True)
    panel.locator("button", has_text=zh("Approve the clarification")).click()
    expect(flash(county)).to_contain_text(
        zh("The clarification was approved and written in the cadre's file.")
    )
    expect(county.locator("#clarification .badge").first).to_have_text(zh("Approved"))
    assert report.clarifications.get().status == ClarificationStatus.APPROVED

    entry = zh(
        "Name cleared (澄清正名) after the finding “%(finding)s”: %(scope)s, on %(date)s",
        finding=zh("Not substantiated"),
        scope=zh("Within the cadre's unit"),
        date=today,
    )
    county.goto(f"/people/cadres/{cadre_a.pk}/")
    expect(county.locator(".timeline")).to_contain_text(entry)
    look(county, "17-cadre-file-county")

    cadre.reload()
    expect(cadre.locator("#clarification")).to_contain_text(zh("Name cleared"))
    expect(cadre.locator("#clarification")).to_contain_text(zh("Within the cadre's unit"))
    look(cadre, "18-my-finding-cleared")
    cadre.goto("/")
    cadre.locator("main .list-item", has_text=zh("My file")).click()
    expect(cadre.locator(".timeline")).to_contain_text(entry)
    expect(cadre.locator(".timeline")).not_to_contain_text("赵刚")
    look(cadre, "19-my-file")
