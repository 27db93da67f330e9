"""Attachments in a real browser, on a phone: a resident attaches a photo on a grid's mailbox page; the
township officer finds it on the case page, downloads it (without its location data) and adds evidence; the
resident, with the receipt code, sees the name of their own file, not the handlers' evidence, and adds
another."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from gridwatch.cases.models import Report, ReportAttachment

from .helpers import enrol_totp, shoot, sign_in

pytestmark = pytest.mark.e2e


def photo(colour):
    image = Image.new("RGB", (1600, 1200), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return {"name": "IMG_20260301_2130.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_it_carries_a_residents_photo_to_the_case_page_and_keeps_the_evidence_to_the_handlers(
    new_page, grid_a, cadre_a, township_officer_a
):
    resident = new_page()
    resident.goto(f"/report/grid/{grid_a.code}/")
    resident.locator("#id_subject_cadre").select_option(value=str(cadre_a.pk))
    resident.locator("#id_circle").select_option("social")
    resident.locator("#id_what").fill("周末在小区棋牌室打麻将，输赢较大，我拍了照片。")
    resident.locator("#id_attachments").set_input_files([photo((180, 40, 40))])
    shoot(resident, "attachments-01-report-form")
    resident.locator("main form button[type=submit]").last.click()
    code_box = resident.locator(".receipt-code")
    expect(code_box).to_be_visible()
    code = code_box.inner_text().strip()
    report = Report.objects.get()
    assert ReportAttachment.objects.get().report == report

    officer = new_page()
    sign_in(officer, township_officer_a, device=enrol_totp(township_officer_a))
    officer.goto(f"/cases/{report.pk}/")
    panel = officer.locator("#attachments")
    expect(panel).to_contain_text("1.jpg")
    expect(panel).not_to_contain_text("IMG_20260301")
    shoot(officer, "attachments-02-case-page")
    with officer.expect_download() as download_info:
        panel.locator("a", has_text="1.jpg").click()
    download = download_info.value
    assert download.suggested_filename == "1.jpg"
    with open(download.path(), "rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG" and not image.getexif()

    panel.locator("#id_attachments").set_input_files([photo((40, 40, 180))])
    panel.locator("button[type=submit]").click()
    officer.wait_for_url(re.compile(rf"/cases/{report.pk}/$"))
    expect(officer.locator("#attachments")).to_contain_text("2.jpg")
    assert ReportAttachment.objects.filter(from_reporter=False).count() == 1

    resident.goto("/report/follow-up/")
    resident.locator("#id_code").fill(code)
    resident.locator("main form button[type=submit]").first.click()
    files = resident.locator("section[aria-labelledby=h-files]")
    expect(files).to_contain_text("1.jpg")
    expect(files).not_to_contain_text("2.jpg")
    resident.locator("#id_attachments").set_input_files([photo((40, 180, 40))])
    shoot(resident, "attachments-03-follow-up")
    resident.locator("main form button[type=submit]").last.click()
    expect(resident.locator("section[aria-labelledby=h-files]")).to_contain_text("3.jpg")
    assert ReportAttachment.objects.filter(from_reporter=True).count() == 2
