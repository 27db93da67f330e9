"""The analysis pack and an integrity analysis meeting (廉情分析会, R15) in a real browser, on a phone: the
leading-group office opens this month's pack from the home page, follows a figure to the list behind it,
records a meeting with the pack's figures frozen, and adds a correction beneath the record; a township
officer reads the pack of their own township only. Every page is checked on a phone (no sideways
scrolling, 44 px tap targets, no inline script or style)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import zh
from gridwatch.dashboard.models import AnalysisMeeting

from .helpers import assert_page_is_sound, enrol_totp, sign_in

pytestmark = pytest.mark.e2e

ATTENDEES = "县纪委副书记、领导小组办公室主任及各乡镇纪委书记"
PROBLEMS = "广顺镇本月问题线索较多，主要集中在社交圈。"
DECISIONS = "广顺镇纪委12月15日前完成全部线索的初步核实。"
CORRECTION = "会议另要求摆所镇纪委补报11月信息月报。"


def test_the_office_reads_the_pack_and_records_a_meeting_with_its_figures(
    new_page, office, township_officer_a, grid_a, grid_b
):
    for _ in range(3):
        file_report(subject_name="张三", grid=grid_a)
    file_report(subject_name="李四", grid=grid_b)

    page = new_page()
    sign_in(page, office, device=enrol_totp(office))
    page.locator("main a", has_text=zh("This month at a glance")).click()
    page.wait_for_url(re.compile(r"/dashboard/\?period="))
    expect(page.locator("main h1")).to_have_text(zh("Integrity analysis pack"))
    received = page.locator(".stat", has_text=zh("Reports received in the period")).first
    expect(received).to_contain_text("4")
    assert_page_is_sound(page)

    page.locator("main a", has_text=zh("Record a meeting")).first.click()
    expect(page.locator("main h1")).to_have_text(zh("Record a meeting"))
    page.locator("#id_held_on").fill(timezone.localdate().isoformat())
    page.locator("#id_period").select_option(timezone.localdate().strftime("%Y-%m"))
    page.locator("#id_attendees").fill(ATTENDEES)
    page.locator("#id_problems").fill(PROBLEMS)
    page.locator("#id_decisions").fill(DECISIONS)
    assert_page_is_sound(page)
    page.locator("main form button[type=submit]", has_text=zh("Record the meeting")).click()
    # (The form answers errors at its #form-errors anchor, which the browser keeps after the redirect.)
    page.wait_for_url(re.compile(r"/dashboard/meetings/[0-9a-f-]+/(#form-errors)?$"))
    meeting = AnalysisMeeting.objects.get()
    assert f"/dashboard/meetings/{meeting.pk}/" in page.url
    expect(page.locator("main")).to_contain_text(DECISIONS)
    assert_page_is_sound(page)

    # Cases move on; the record keeps the figures the meeting saw.
    file_report(subject_name="王五", grid=grid_a)
    page.reload()
    expect(page.locator(".stat", has_text=zh("Reports received in the period")).first).to_contain_text("4")
    page.locator("#id_text").fill(CORRECTION)
    page.locator("main button", has_text=zh("Add the correction")).click()
    expect(page.locator("main")).to_contain_text(CORRECTION)
    assert_page_is_sound(page)

    # A township officer's pack counts their township only: grid A's four reports, not grid B's (the county
    # now has five).
    township = new_page()
    sign_in(township, township_officer_a, device=enrol_totp(township_officer_a), next_path="/dashboard/")
    township.locator("#f-period").select_option(timezone.localdate().strftime("%Y-%m"))
    township.locator("main form button[type=submit]").first.click()
    expect(township.locator(".stat", has_text=zh("Reports received in the period")).first).to_contain_text(
        "4"
    )
    assert_page_is_sound(township)
