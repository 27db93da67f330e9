"""The supervision mailbox in a real browser, on a phone: a resident reports from a grid's page and keeps
the receipt code; the township officer reads the report and answers; the resident reads the answer with the
code; the cadre reported on finds nothing of it."""

import re

import pytest
from playwright.sync_api import expect

from gridwatch.cases.models import Report
from gridwatch.conftest import zh

from .helpers import enrol_totp, shoot, sign_in

pytestmark = pytest.mark.e2e

CODE = re.compile(r"^[2-9A-Z]{4}(-[2-9A-Z]{4}){5}$")


def test_it_carries_an_anonymous_report_from_a_grid_to_the_handler_and_back(
    new_page, watch, grid_a, cadre_a, township_officer_a, cadre_user
):
    resident = new_page()
    resident.goto(f"/report/grid/{grid_a.code}/")
    shoot(resident, "cases-01-report-form")
    resident.locator("#id_subject_cadre").select_option(value=str(cadre_a.pk))
    resident.locator("#id_circle").select_option("social")
    resident.locator("#id_what").fill("周末在小区棋牌室打麻将，输赢较大，邻居都看见了。")
    resident.locator("#id_when").fill("上周六晚上")
    resident.locator("main form button[type=submit]").last.click()
    code_box = resident.locator(".receipt-code")
    expect(code_box).to_be_visible()
    code = code_box.inner_text().strip()
    assert CODE.match(code), code
    assert code.replace("-", "") not in resident.url.replace("-", "")  # never in an address
    shoot(resident, "cases-02-receipt")
    # One tap from the receipt to the report's page: the code goes in the form's body, not the address.
    resident.locator("main form button[type=submit]", has_text=zh("See this report's progress")).click()
    expect(resident.locator("#h-status")).to_be_visible()
    assert code.replace("-", "") not in resident.url.replace("-", "")
    report = Report.objects.get()
    assert report.subject_cadre == cadre_a

    officer = new_page()
    sign_in(officer, township_officer_a, device=enrol_totp(township_officer_a))
    officer.goto("/cases/")
    officer.locator(".list-item", has_text="张伟").first.click()
    officer.wait_for_url(re.compile(rf"/cases/{report.pk}/$"))
    expect(officer.locator("main")).to_contain_text("麻将")
    officer.locator("#id_body").fill("请问当晚大约几点？是否有其他人在场？")
    officer.locator("main form button[type=submit]").last.click()
    expect(officer.locator("main")).to_contain_text("是否有其他人在场")
    shoot(officer, "cases-03-case-detail")

    resident.goto("/report/follow-up/")
    resident.locator("#id_code").fill(code.lower().replace("-", " "))  # as someone might type it
    resident.locator("main form button[type=submit]").first.click()
    expect(resident.locator("main")).to_contain_text("是否有其他人在场")
    shoot(resident, "cases-04-follow-up")

    subject = new_page()
    sign_in(subject, cadre_user)
    watch.expect_status(
        rf"/cases/{report.pk}/", 403
    )  # a cadre holds no case role: any case id is refused alike
    response = subject.goto(f"/cases/{report.pk}/")
    assert response.status == 403
    subject.goto("/")
    expect(subject.locator("main")).not_to_contain_text("麻将")


def test_the_staff_intake_finds_the_cadre_without_reloading_and_keeps_the_files_chosen(
    new_page, cadre_a, township_officer_a
):
    """On the supervision phone: the officer types the call, chooses a photo, then looks the cadre up. Find
    swaps in the matches only, so what was typed and the photo stay; the report is filed with both."""
    from .test_attachments import photo

    officer = new_page()
    sign_in(officer, township_officer_a, device=enrol_totp(township_officer_a))
    officer.goto("/cases/new/")
    officer.locator("#id_what").fill("来电反映：工作日中午在饭店饮酒。")
    officer.locator("#id_circle").select_option("social")
    officer.locator("#id_attachments").set_input_files([photo((40, 120, 40))])
    officer.evaluate("window.notReloaded = true")
    officer.locator("#id_cadre_q").fill("zw")
    officer.locator("#cadre-search button").click()
    option = officer.locator("#cadre-results label", has_text="张伟")
    expect(option).to_be_visible()
    assert officer.evaluate("window.notReloaded === true")  # the same page: nothing was reloaded
    assert officer.evaluate("document.querySelector('#id_attachments').files.length") == 1
    assert officer.locator("#id_what").input_value() == "来电反映：工作日中午在饭店饮酒。"
    shoot(officer, "cases-05-intake-found", widths=("phone",))
    option.click()
    officer.locator("main form button[type=submit]").last.click()
    expect(officer.locator(".receipt-code")).to_be_visible()
    report = Report.objects.get()
    assert report.subject_cadre == cadre_a
    assert report.attachments.count() == 1
