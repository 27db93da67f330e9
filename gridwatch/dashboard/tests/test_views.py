"""The analysis pack's pages and exports: who reaches them, what they show (in Chinese, the default
language), what they cost, and the audit event of each export."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import zh

from .conftest import in_period, notice, period, report, today, urgent_matter

pytestmark = pytest.mark.django_db

PACK = reverse("dashboard:pack")


@pytest.mark.parametrize("persona", ["office", "county_officer", "township_officer_a", "liaison_a"])
def test_it_shows_the_pack_to_its_readers(request, as_user, persona):
    response = as_user(request.getfixturevalue(persona)).get(PACK)
    assert response.status_code == 200
    assert 'id="cases"' in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["grid_supervisor", "unit_liaison", "cadre_user", "community_org_a", "system_admin"]
)
@pytest.mark.parametrize("name", ["dashboard:pack", "dashboard:pack_xlsx", "dashboard:pack_pdf"])
def test_it_refuses_the_pack_to_other_roles(request, as_user, persona, name):
    assert as_user(request.getfixturevalue(persona)).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["dashboard:pack", "dashboard:pack_xlsx", "dashboard:pack_pdf"])
def test_it_sends_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_404_for_a_township_outside_the_jurisdiction(as_user, township_officer_b, township_a):
    client = as_user(township_officer_b)
    assert client.get(PACK, {"township": township_a.code}).status_code == 404
    assert client.get(reverse("dashboard:pack_xlsx"), {"township": township_a.code}).status_code == 404


def test_it_refuses_other_methods(as_user, office):
    assert as_user(office).post(PACK).status_code == 405


def _sections(body):
    """The pack's sections only (the menu links to the lists too)."""
    return "".join(re.findall(r'<section class="card pack-section".*?</section>', body, re.S))


def _stat(body, label):
    """The number shown above a figure's label."""
    match = re.search(r'<div class="n">(\d+)</div><div class="l">' + re.escape(label) + "</div>", body)
    assert match, f"no figure {label!r} on the page"
    return int(match.group(1))


def test_it_shows_the_figures_in_chinese_with_links_to_their_lists(as_user, office, cadre_a, cadre_b):
    report(cadre_a, circle="social", overdue=True)
    report(cadre_b, circle="social")
    body = as_user(office).get(PACK).content.decode()
    assert zh("Social circle (社交圈)") != "Social circle (社交圈)"
    assert zh("Social circle (社交圈)") in body
    assert zh("Received", context="report status") in body
    assert _stat(body, zh("Reports received in the period")) == 2
    assert _stat(body, zh("Overdue now (all periods)")) == 1
    assert f'href="{reverse("cases:case_list")}?status=open&amp;overdue=1"' in body
    assert f'href="{reverse("cases:case_list")}?circle=social"' in body
    # Charts are inline SVG with the numbers beside them; nothing runs on the page.
    assert '<svg class="bar"' in body and "<script" not in body.split("</header>", 1)[-1]


def test_it_leaves_out_the_figures_of_lists_the_reader_may_not_open(
    as_user, liaison_a, township_a, cadre_a, township_officer_a
):
    """Liaisons read the pack but not the urgent matters: that figure is not on their page at all (not
    merely unlinked), though one was reported in their township."""
    urgent_matter(township_a, cadre_a, township_officer_a)
    body = as_user(liaison_a).get(PACK).content.decode()
    assert zh("Urgent matters reported in the period") not in body
    assert reverse("monthly:urgent_list") not in body
    assert reverse("cases:case_list") in body


def test_it_offers_months_quarters_and_years_and_shows_the_one_chosen(as_user, office, cadre_a):
    report(cadre_a)
    year = period().start.year
    body = as_user(office).get(PACK, {"period": str(year)}).content.decode()
    assert f'<option value="{year}" selected>' in body
    assert f'value="{period().key}"' in body
    assert f'value="{year}-Q' in body


def test_it_falls_back_to_the_last_full_month_for_an_unknown_period(as_user, office):
    body = as_user(office).get(PACK, {"period": "2026-13"}).content.decode()
    assert f'<option value="{period().key}" selected>' in body


def test_it_costs_the_same_number_of_queries_with_few_and_many_rows(
    as_user, office, cadre_a, cadre_b, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(office)
    report(cadre_a)
    notice(cadre_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PACK).status_code == 200
    for i in range(8):
        report(cadre_b, overdue=bool(i % 2), channel=["web", "hotline", "letter"][i % 3])
        notice(cadre_b, overdue_follow_up=True)
    with django_assert_num_queries(len(few)):
        assert client.get(PACK).status_code == 200


def test_it_exports_the_same_numbers_as_the_page_in_one_audited_event(
    as_user, office, county, cadre_a, cadre_b
):
    report(cadre_a, overdue=True)
    report(cadre_b)
    report(cadre_b, received_on=in_period(3))
    for _i in range(3):  # at the ladder's first threshold: the page names the cadre, the export must not
        notice(cadre_a)
    client = as_user(office)
    body = client.get(PACK).content.decode()
    before = AuditEvent.objects.count()
    response = client.get(reverse("dashboard:pack_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["analysis_pack.export"]
    assert events[0].changes == {"period": period().key, "scope": county.code, "format": "xlsx"}
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and len(row) > 1}
    for label in ("Reports received in the period", "Overdue now (all periods)", "Open now (all periods)"):
        assert values[zh(label)] == _stat(body, zh(label))
    assert values[zh("Reports received in the period")] == 6  # the notices' own reports too
    assert values[zh("Cadres at 3 notices or more")] == 1
    assert cadre_a.name in body
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert not any(cadre_a.name in cell for cell in cells)


def test_it_exports_a_pdf_in_one_audited_event(as_user, office, cadre_a):
    from gridwatch.core import pdf

    if pdf.font_location() is None:
        pytest.skip("no Chinese font installed")
    report(cadre_a)
    for _i in range(3):  # at the ladder's first threshold: the page names the cadre, the PDF must not
        notice(cadre_a)
    client = as_user(office)
    assert cadre_a.name in client.get(PACK).content.decode()
    before = AuditEvent.objects.count()
    response = client.get(reverse("dashboard:pack_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert zh("Reports received in the period") + " 4" in text
    assert zh("Cadres at 3 notices or more") + " 1" in text
    assert cadre_a.name not in text
    assert list(AuditEvent.objects.order_by("seq")[before:].values_list("action", flat=True)) == [
        "analysis_pack.export"
    ]


def test_it_links_the_pack_from_the_navigation_for_its_readers_only(as_user, office, grid_supervisor):
    assert f'href="{PACK}"' in as_user(office).get(reverse("core:home")).content.decode()
    assert f'href="{PACK}"' not in as_user(grid_supervisor).get(reverse("core:home")).content.decode()


def test_it_shows_no_cadre_name_to_a_reader_below_the_thresholds(as_user, office, cadre_a):
    notice(cadre_a)
    assert cadre_a.name not in as_user(office).get(PACK).content.decode()


def test_it_names_the_cadres_at_three_notices_to_readers_of_notices(as_user, office, cadre_a):
    for _i in range(3):
        notice(cadre_a)
    body = as_user(office).get(PACK).content.decode()
    assert cadre_a.name in body


def test_it_does_not_count_another_users_view(as_user, township_officer_a, cadre_b):
    """A township officer's pack never counts another township's rows, nor links to them."""
    report(cadre_b, overdue=True)
    body = as_user(township_officer_a).get(PACK).content.decode()
    assert _stat(body, zh("Reports received in the period")) == 0
    assert _stat(body, zh("Overdue now (all periods)")) == 0


def test_it_links_this_month_at_a_glance_from_home_for_readers_only(
    as_user, township_officer_a, grid_supervisor
):
    link = f'href="{PACK}?period={today():%Y-%m}"'
    assert link in as_user(township_officer_a).get(reverse("core:home")).content.decode()
    assert link not in as_user(grid_supervisor).get(reverse("core:home")).content.decode()


def test_it_shows_the_default_period_for_one_the_select_does_not_offer(as_user, office):
    """``?period=`` an old year parses, but the select has no such option: the pack shows the last full
    month, and the select says so."""
    old = str(today().year - 6)
    body = as_user(office).get(PACK, {"period": old}).content.decode()
    assert f'<option value="{period().key}" selected>' in body
    assert f'value="{old}"' not in body


def test_it_drops_the_links_to_county_wide_lists_for_one_township(as_user, office, township_b, cadre_b):
    """The case, card, diary, urgent-matter and notice lists cannot filter by township: a township's figure
    is not a link to the county's list; the inspections' list filters by township and stays linked."""
    report(cadre_b)
    notice(cadre_b)
    body = _sections(as_user(office).get(PACK, {"township": township_b.code}).content.decode())
    for name in (
        "cases:case_list",
        "formal_warnings:list",
        "supervision:card_overview",
        "supervision:diary_list",
        "monthly:urgent_list",
        "monthly:index",
    ):
        assert f'href="{reverse(name)}' not in body, name
    assert f'href="{reverse("supervision:inspection_list")}?township={township_b.code}' in body
    whole = _sections(as_user(office).get(PACK).content.decode())
    assert f'href="{reverse("cases:case_list")}' in whole


def test_it_keeps_the_links_when_the_township_is_the_readers_whole_scope(
    as_user, township_officer_a, township_a
):
    body = as_user(township_officer_a).get(PACK, {"township": township_a.code}).content.decode()
    assert f'href="{reverse("cases:case_list")}' in _sections(body)
