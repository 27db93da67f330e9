# ruff: noqa: F811 - the fixtures imported from fixtures_sheets are the arguments of the tests
"""Notice-board sheets (公示牌, R6/R7/R8/R23): a grid's public sheet as a Chinese PDF whose QR code opens the
grid's report form, holding only published things; A4 or A3; a township's or a community's sheets in one
audited PDF for the staff of that area, in a fixed number of queries."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.people.models import Cadre, CadreStatus
from gridwatch.portal.models import Standard, StandardStatus
from gridwatch.portal.sheets import document

from .fixtures_sheets import (  # noqa: F401 - fixtures
    CODE_TITLE,
    COUNTY_PHONE,
    DRAFT_ITEM,
    DRAFT_STANDARD_TITLE,
    GRID_PHONE,
    OLD_ITEM,
    PUBLISHED_ITEM,
    STANDARD_TITLE,
    SUBMITTED_ITEM,
    add_grids,
    pdf_reader,
    pdf_text,
    qr_texts,
    sheet_grid,
    standards,
)

A4 = (595.28, 841.89)  # points
A3 = (841.89, 1190.55)


def sheet_url(grid, **query):
    url = reverse("portal:grid_sheet", args=[grid.code])
    return f"{url}?size={query['size']}" if "size" in query else url


def page_size(page):
    return (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))


# ------------------------------------------------------------------------------------------ one sheet
def test_it_prints_a_grid_sheet_anyone_can_open(client, sheet_grid):
    """An anonymous visitor gets the grid's sheet: a PDF with the grid's full name, its serving cadres'
    names, units and positions, its supervision group and its supervision phone."""
    response = client.get(sheet_url(sheet_grid))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "广顺镇 · 南场社区 · 南场社区第1网格" in text
    for name in ("张伟", "王芳", "刘洋", "县财政局", "县教育局", "副局长", "科长"):
        assert name in text
    for member in ("龙飞明", "李应忠", "石宏"):
        assert member in text
    assert GRID_PHONE in text
    assert "inline" in response["Content-Disposition"]


def test_it_prints_nothing_private_of_the_cadres(client, sheet_grid):
    """Never a cadre's phone or year of birth: only name, unit and position."""
    text = pdf_text(client.get(sheet_url(sheet_grid)))
    assert "13800000000" not in text
    assert "1975" not in text


def test_it_puts_the_grid_report_form_in_the_qr_code(client, sheet_grid, settings):
    """The QR code decodes to exactly the absolute address of the grid's report form, on the address of
    the request when no public address is configured."""
    settings.GRIDWATCH_PUBLIC_URL = ""
    reader = pdf_reader(client.get(sheet_url(sheet_grid)))
    expected = "http://testserver" + reverse("portal:report_grid", args=[sheet_grid.code])
    assert qr_texts(reader) == [expected]
    assert zh("Scan to report a problem · anonymous allowed") in reader.pages[0].extract_text()


def test_it_puts_the_configured_public_address_in_the_qr_code(client, sheet_grid, settings):
    """With GRIDWATCH_PUBLIC_URL set, the QR code opens the report form on the portal's public address,
    whatever address the sheet was printed from."""
    settings.GRIDWATCH_PUBLIC_URL = "https://jdjc.example.gov.cn"
    reader = pdf_reader(client.get(sheet_url(sheet_grid)))
    assert qr_texts(reader) == [f"https://jdjc.example.gov.cn/report/grid/{sheet_grid.code}/"]


def test_it_prints_only_published_commitments_of_the_newest_year(client, sheet_grid):
    """The newest year's published commitment items are printed; submitted and draft ones, and an older
    year's, are not."""
    text = pdf_text(client.get(sheet_url(sheet_grid))).replace("\n", "")
    assert PUBLISHED_ITEM in text
    assert zh("Commitments %(year)s (summary)", year=2026) in text
    assert SUBMITTED_ITEM not in text
    assert DRAFT_ITEM not in text
    assert OLD_ITEM not in text


def test_it_leaves_out_transferred_cadres(client, sheet_grid):
    """A cadre transferred away is not on the sheet, nor their published commitment."""
    text = pdf_text(client.get(sheet_url(sheet_grid)))
    assert "赵强" not in text
    assert "已调离干部的承诺" not in text


def test_it_prints_the_county_phone_when_the_grid_has_none(client, sheet_grid):
    """A grid without a supervision phone of its own shows the county's."""
    sheet_grid.supervision_phone = ""
    sheet_grid.save(update_fields=["supervision_phone"])
    text = pdf_text(client.get(sheet_url(sheet_grid)))
    assert COUNTY_PHONE in text
    assert GRID_PHONE not in text


def test_it_prints_the_standards_in_force_and_an_excerpt_of_the_code(client, sheet_grid, standards):
    """The titles of the standards in force for the grid, and the county code of conduct's text without its
    Markdown; not another township's standard nor a draft."""
    text = pdf_text(client.get(sheet_url(sheet_grid)))
    flat = text.replace("\n", "")
    assert CODE_TITLE in text and STANDARD_TITLE in text
    assert "为加强领导干部八小时以外监督管理" in flat
    assert "严守政治纪律" in flat and "**" not in flat and "##" not in flat
    assert "摆所镇网格监督补充规定" not in text
    assert DRAFT_STANDARD_TITLE not in text


def test_it_prints_an_excerpt_of_a_code_too_long_for_the_page(client, sheet_grid, standards):
    """A code of conduct longer than the room left is cut after a whole paragraph, marked as an excerpt
    and with "……"; its last paragraphs are not printed and the sheet does not grow a page for it."""
    code = standards[0]
    code.body = "\n\n".join(
        f"第{i}条 领导干部应当自觉遵守本规范的各项要求，接受群众监督。" for i in range(1, 80)
    )
    code.save(update_fields=["body"])
    reader = pdf_reader(client.get(sheet_url(sheet_grid)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert zh("%(title)s (excerpt)", title=CODE_TITLE) in text
    assert "第1条" in text and "……" in text
    assert "第79条" not in text
    assert len(reader.pages) == 1


def test_it_writes_chinese_text_with_an_embedded_font(client, sheet_grid):
    """The title reads back as Chinese text (not boxes), written in an embedded TrueType subset."""
    reader = pdf_reader(client.get(sheet_url(sheet_grid)))
    title = zh(
        "Notice board: supervision of %(county)s leading cadres outside working hours", county="长顺县"
    )
    assert title in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for font in fonts.values()
    ]
    assert any("/FontFile2" in d for d in descriptors)


def test_it_prints_a4_by_default_and_a3_on_request(client, sheet_grid):
    """Portrait A4 by default, portrait A3 with ?size=a3, the same content and QR code."""
    a4 = pdf_reader(client.get(sheet_url(sheet_grid)))
    a3 = pdf_reader(client.get(sheet_url(sheet_grid, size="a3")))
    assert {page_size(p) for p in a4.pages} == {A4}
    assert {page_size(p) for p in a3.pages} == {A3}
    assert len(a3.pages) == len(a4.pages)
    assert qr_texts(a3) == qr_texts(a4)
    assert "张伟" in a3.pages[0].extract_text()


def test_it_flows_many_cadres_onto_a_second_page(client, grid_a, unit_a):
    """Forty cadres do not fit on one A4 page: the table goes on, headed again, on the next page, every
    name printed, and the first page says it continues."""
    names = [f"测试干部{i:02d}" for i in range(40)]
    for name in names:
        make_cadre(name, unit_a, grid_a)
    reader = pdf_reader(client.get(sheet_url(grid_a)))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    assert zh("Continued on the next page") in pages[0]
    title = zh(
        "Notice board: supervision of %(county)s leading cadres outside working hours", county="长顺县"
    )
    running_head = zh(
        "%(grid)s · %(title)s (continued)", grid="广顺镇 · 南场社区 · 南场社区第1网格", title=title
    )
    short_head = zh("%(grid)s (continued)", grid="南场社区第1网格")  # when the long one is too wide
    assert running_head in pages[1] or short_head in pages[1].split("\n")[0]
    assert zh("No.", context="notice board") in pages[1]
    text = "\n".join(pages)
    assert all(name in text for name in names)
    assert any(name not in pages[0] for name in names)


def test_it_says_when_no_cadre_is_supervised_in_the_grid(client, grid_a):
    """A grid without cadres still gets its sheet, with its group, phone and QR code."""
    reader = pdf_reader(client.get(sheet_url(grid_a)))
    assert zh("No leading cadre is supervised in this grid at present.") in reader.pages[0].extract_text()
    assert len(qr_texts(reader)) == 1


def test_it_answers_404_for_a_code_that_is_not_a_grid(client, grid_a, township_a):
    assert client.get(reverse("portal:grid_sheet", args=["522729999999999"])).status_code == 404
    assert client.get(reverse("portal:grid_sheet", args=[township_a.code])).status_code == 404


def test_it_refuses_other_methods_on_a_sheet(client, grid_a):
    assert client.post(sheet_url(grid_a)).status_code == 405


def test_it_costs_a_fixed_number_of_queries_for_one_sheet(
    client, sheet_grid, standards, unit_a, django_assert_num_queries
):
    """A sheet costs the same queries however many cadres, items and standards the grid has."""
    with django_assert_num_queries(7):
        client.get(sheet_url(sheet_grid))
    for i in range(6):
        make_cadre(f"增加干部{i}", unit_a, sheet_grid)
    cache.clear()
    with django_assert_num_queries(7):
        client.get(sheet_url(sheet_grid))


def test_it_draws_a_sheet_again_only_when_what_it_prints_changes(
    client, sheet_grid, standards, unit_a, monkeypatch
):
    """The same sheet asked again is not drawn again (browsers may keep it too); a new cadre or a withdrawn
    standard shows on the very next request, never a stale sheet; each size is kept apart."""
    drawn = []
    real = document.sheets_pdf
    monkeypatch.setattr(document, "sheets_pdf", lambda *a, **kw: drawn.append(1) or real(*a, **kw))

    first = client.get(sheet_url(sheet_grid))
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    again = client.get(sheet_url(sheet_grid))
    assert again.content == first.content and len(drawn) == 1

    make_cadre("新来干部", unit_a, sheet_grid)
    assert "新来干部" in pdf_text(client.get(sheet_url(sheet_grid)))
    assert len(drawn) == 2

    Standard.objects.filter(title=CODE_TITLE).update(status=StandardStatus.WITHDRAWN)
    assert CODE_TITLE not in pdf_text(client.get(sheet_url(sheet_grid)))
    assert "新来干部" in pdf_text(client.get(sheet_url(sheet_grid, size="a3")))
    assert len(drawn) == 4


def test_it_says_so_when_no_chinese_font_is_installed(client, grid_a, settings):
    """Without a Chinese font the visitor reads why, instead of a PDF of empty boxes."""
    settings.GRIDWATCH_PDF_FONT = "/nonexistent/font.ttf"
    response = client.get(sheet_url(grid_a))
    assert response.status_code == 503
    assert "fonts-wqy-microhei" in response.content.decode()


# ------------------------------------------------------------------------------------------- batches
def township_url(township, **query):
    url = reverse("portal:township_sheets", args=[township.code])
    return f"{url}?size={query['size']}" if "size" in query else url


def test_it_prints_one_sheet_per_grid_of_the_township_in_order(
    as_user, county_officer, township_a, grid_a, grid_a2, grid_b, unit_a
):
    """A county officer gets every grid of the township, each on its own sheet, in the grid division
    table's order; not a grid of another township."""
    more = add_grids(township_a, 2, unit=unit_a, community=5)
    response = as_user(county_officer).get(township_url(township_a))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    reader = pdf_reader(response)
    codes = [url.rstrip("/").rsplit("/", 1)[1] for url in qr_texts(reader)]
    assert codes == [grid_a.code, grid_a2.code, more[0].code, more[1].code]
    starts = [p.extract_text() for p in reader.pages if p.images]
    assert [text.split("\n")[1] for text in starts] == [
        "广顺镇 · 南场社区 · 南场社区第1网格",
        "广顺镇 · 南场社区 · 南场社区第2网格",
        "广顺镇 · 新华5社区 · 新华5社区第1网格",
        "广顺镇 · 新华5社区 · 新华5社区第2网格",
    ]
    assert "摆所社区第1网格" not in "\n".join(p.extract_text() for p in reader.pages)


def test_it_prints_a_batch_in_a3(as_user, county_officer, township_a, grid_a, grid_a2):
    reader = pdf_reader(as_user(county_officer).get(township_url(township_a, size="a3")))
    assert {page_size(p) for p in reader.pages} == {A3}
    assert len(qr_texts(reader)) == 2


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_costs_the_same_queries_for_2_and_10_grids(
    as_user, county_officer, township_a, township_b, unit_a
):
    """A township of ten grids costs no more queries than one of two."""
    add_grids(township_a, 2, unit=unit_a, community=5)
    add_grids(township_b, 10, unit=unit_a, community=5)
    client = as_user(county_officer)
    _queries_for(client, township_url(township_a))  # warm the per-process caches (session, content types)
    assert _queries_for(client, township_url(township_a)) == _queries_for(client, township_url(township_b))


def test_it_audits_a_batch_as_an_export(as_user, township_officer_a, township_a, grid_a, grid_a2):
    """Each batch printed is an audit event: who, which township, how many grids, which size."""
    as_user(township_officer_a).get(township_url(township_a, size="a3"))
    event = AuditEvent.objects.get(action="sheet.export")
    assert event.actor_id == township_officer_a.pk
    assert event.object_id == str(township_a.pk)
    assert event.changes["grids"] == 2 and event.changes["size"] == "a3"


def test_it_does_not_audit_the_public_sheet(client, grid_a):
    client.get(sheet_url(grid_a))
    assert not AuditEvent.objects.filter(action="sheet.export").exists()


def test_it_lets_only_staff_of_the_township_print_its_batch(
    client,
    as_user,
    county_officer,
    office,
    township_officer_a,
    township_officer_b,
    grid_supervisor,
    community_org_a,
    township_a,
    grid_a,
):
    """County staff, the office and the township's own staff print it; another township's staff get 404;
    a grid supervisor and a community party organisation 403 (they print their grid or community)."""
    url = township_url(township_a)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert as_user(county_officer).get(url).status_code == 200
    assert as_user(office).get(url).status_code == 200
    assert as_user(township_officer_a).get(url).status_code == 200
    assert as_user(township_officer_b).get(url).status_code == 404
    assert as_user(grid_supervisor).get(url).status_code == 403
    assert as_user(community_org_a).get(url).status_code == 403


def test_it_refuses_other_methods_on_a_batch(as_user, county_officer, township_a, grid_a):
    assert as_user(county_officer).post(township_url(township_a)).status_code == 405


def test_it_lets_a_community_party_organisation_print_its_community(
    as_user, community_org_a, township_officer_b, community_a, community_b, grid_a, grid_a2, grid_b
):
    """The community's party organisation prints its grids (and no other community's: 404); so does the
    township's staff, not another township's."""
    url = reverse("portal:community_sheets", args=[community_a.code])
    response = as_user(community_org_a).get(url)
    assert response.status_code == 200
    codes = [u.rstrip("/").rsplit("/", 1)[1] for u in qr_texts(pdf_reader(response))]
    assert codes == [grid_a.code, grid_a2.code]
    assert AuditEvent.objects.filter(action="sheet.export", object_id=str(community_a.pk)).exists()
    other = reverse("portal:community_sheets", args=[community_b.code])
    assert as_user(community_org_a).get(other).status_code == 404
    assert as_user(township_officer_b).get(url).status_code == 404
    assert as_user(township_officer_b).get(other).status_code == 200


def test_it_says_so_when_an_area_has_no_grid(as_user, county_officer, township_a):
    """A township without grids gets a message on the sheets page, not an empty PDF."""
    response = as_user(county_officer).get(township_url(township_a), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:sheet_index")
    assert zh("%(area)s has no grid to print.", area="广顺镇") in response.content.decode()
    assert not AuditEvent.objects.filter(action="sheet.export").exists()


# ---------------------------------------------------------------------------------------------- index
def test_it_lists_the_townships_and_communities_a_county_officer_may_print(
    as_user, county_officer, grid_a, grid_b
):
    """The county officer sees every township with its batch links (A4 and A3) and every community."""
    page = as_user(county_officer).get(reverse("portal:sheet_index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "广顺镇" in html and "摆所镇" in html
    assert reverse("portal:township_sheets", args=["522729101000"]) + "?size=a3" in html
    assert reverse("portal:community_sheets", args=["522729103001"]) in html
    assert f'href="{reverse("portal:sheet_index")}"' in html  # the menu entry


def test_it_lists_only_the_users_own_areas(as_user, township_officer_a, community_org_a, grid_a, grid_b):
    """A township officer sees their township only; a community party organisation its community, without
    the township's batch."""
    html = as_user(township_officer_a).get(reverse("portal:sheet_index")).content.decode()
    assert "广顺镇" in html and "摆所镇" not in html
    assert reverse("portal:township_sheets", args=["522729101000"]) in html
    html = as_user(community_org_a).get(reverse("portal:sheet_index")).content.decode()
    assert reverse("portal:community_sheets", args=["522729101001"]) in html
    assert reverse("portal:township_sheets", args=["522729101000"]) not in html


def test_it_keeps_the_index_from_other_roles(client, as_user, grid_supervisor, unit_liaison):
    assert client.get(reverse("portal:sheet_index")).status_code == 302
    assert as_user(grid_supervisor).get(reverse("portal:sheet_index")).status_code == 403
    assert as_user(unit_liaison).get(reverse("portal:sheet_index")).status_code == 403


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.OFFICE])
def test_it_shows_the_menu_entry_to_county_wide_roles(as_user, county, role):
    user = make_user(f"u-{role}", role=role, area=county)
    html = as_user(user).get(reverse("portal:sheet_index")).content.decode()
    assert zh("Notice-board sheets") in html


def test_it_never_reads_a_transferred_cadre_in_a_batch(as_user, county_officer, township_a, sheet_grid):
    Cadre.objects.filter(name="张伟").update(status=CadreStatus.RETIRED)
    text = "\n".join(
        p.extract_text() for p in pdf_reader(as_user(county_officer).get(township_url(township_a))).pages
    )
    assert "张伟" not in text and "赵强" not in text
    assert "王芳" in text


def test_it_prints_an_ampersand_of_the_code_as_written(client, sheet_grid, standards):
    """The code of conduct's text reaches the notice board as written: "&", not "&amp;"."""
    Standard.objects.filter(title=CODE_TITLE).update(body="不得在工作日中午饮酒 & 不得接受宴请。")
    text = pdf_text(client.get(sheet_url(sheet_grid)))
    assert "饮酒 & 不得" in text.replace("\n", "") and "&amp;" not in text
