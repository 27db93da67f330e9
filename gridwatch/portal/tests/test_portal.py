"""The public portal's own pages: landing, grid search, grid page (亮身份, R6), township page (R23), the
cadre photo and the language switch. Public, cacheable, embeddable, fixed in queries, and nothing
unpublished or private in them."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.commitments.tests.conftest import published as commitment_published
from gridwatch.commitments.tests.conftest import returned, submitted, write
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.evaluations import services as evaluation_services
from gridwatch.evaluations.tests.conftest import all_choices, codes_for, create
from gridwatch.geography import services as geography
from gridwatch.geography.models import TeamRole
from gridwatch.people.models import CadreStatus
from gridwatch.portal.models import Standard, StandardKind, StandardStatus

pytestmark = pytest.mark.django_db


def grid_url(grid):
    return reverse("portal:grid", args=[grid.code])


@pytest.fixture
def reviewer(community_a):
    return make_user("party_reviewer", role=Role.COMMUNITY_ORG, area=community_a)


def cadre_with_user(name, unit, grid, username, **extra):
    cadre = make_cadre(name, unit, grid, **extra)
    cadre.user = make_user(username)
    cadre.save(update_fields=["user"])
    return cadre


# ------------------------------------------------------------------------------------------- reaching it
def test_it_sends_a_visitor_at_the_bare_address_to_the_portal(client, county):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert zh("Find my grid") in page.content.decode()


def test_it_still_shows_signed_in_staff_their_home_at_the_bare_address(as_user, county_officer):
    response = as_user(county_officer).get("/")
    assert response.status_code == 200
    assert "portal-main" not in response.content.decode()


def test_it_still_sends_a_visitor_to_sign_in_for_a_staff_page(client, county):
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", ["portal:home", "portal:grid_search"])
def test_it_answers_only_get_and_head_on_public_pages(client, county, name):
    assert client.post(reverse(name)).status_code == 405
    assert client.head(reverse(name)).status_code == 200


def test_it_answers_404_for_unknown_codes_and_other_levels(client, grid_a, community_a, township_a):
    assert client.get(reverse("portal:grid", args=["999999999999999"])).status_code == 404
    assert client.get(reverse("portal:grid", args=[community_a.code])).status_code == 404
    assert client.get(reverse("portal:township", args=[grid_a.code])).status_code == 404
    assert client.get(reverse("portal:township", args=[township_a.code])).status_code == 200


# ------------------------------------------------------------------------------------------- the grid page
def test_it_shows_the_grids_serving_cadres_by_name_unit_and_position_only(client, cadre_a, grid_a, unit_a):
    cadre_a.phone = "13912345678"
    cadre_a.birth_year = 1968
    cadre_a.save()
    gone = make_cadre("赵离任", unit_a, grid_a, position="原局长")
    gone.status = CadreStatus.TRANSFERRED
    gone.save(update_fields=["status"])

    html = client.get(grid_url(grid_a)).content.decode()

    assert "张伟" in html and "县财政局" in html and "副局长" in html
    assert "赵离任" not in html
    assert "13912345678" not in html and "1968" not in html
    assert str(cadre_a.pk) not in html  # no photo: no link with the cadre's key either


def test_it_shows_the_supervision_group_phone_and_a_report_button_for_the_grid(client, grid_a, cadre_a):
    leader = make_user("leader_a")
    leader.display_name = "周网格"
    leader.save(update_fields=["display_name"])
    geography.team_member_add(actor=None, grid=grid_a, user=leader, role=TeamRole.LEADER)
    grid_a.supervision_phone = "0854-6800001"
    grid_a.save(update_fields=["supervision_phone"])

    html = client.get(grid_url(grid_a)).content.decode()

    assert "周网格" in html and zh("Grid leader") in html
    assert "0854-6800001" in html
    assert reverse("portal:report_grid", args=[grid_a.code]) in html


def test_it_writes_the_colon_of_the_supervision_phone_in_the_language_of_the_page(client, county, grid_a):
    """The colon is part of the translated text: full-width in Chinese, "label: " in English."""
    county.supervision_phone = "0854-12388"
    county.save(update_fields=["supervision_phone"])
    grid_a.supervision_phone = "0854-6800001"
    grid_a.save(update_fields=["supervision_phone"])
    grid_link = '<a class="tel" href="tel:08546800001">0854-6800001</a>'
    county_link = '<a class="tel" href="tel:085412388">0854-12388</a>'
    html = client.get(grid_url(grid_a)).content.decode()
    assert zh("Supervision phone: %(phone)s", phone=grid_link) in html
    assert zh("Supervision phone: %(phone)s", phone=county_link) in html  # the footer
    assert "</a>: " not in html and f"{zh('Supervision phone')}: " not in html
    client.cookies["django_language"] = "en"
    html = client.get(grid_url(grid_a)).content.decode()
    assert f"Supervision phone: {grid_link}" in html
    assert f"Supervision phone: {county_link}" in client.get(reverse("portal:home")).content.decode()


def test_it_shows_published_commitments_and_never_unpublished_ones(
    client, unit_a, unit_b, grid_a, reviewer, community_a
):
    pub = cadre_with_user("刘公开", unit_a, grid_a, "c_pub")
    commitment_published(pub, reviewer, items=[{"content": "每月走访困难户", "target": "全年12次"}])
    draft = cadre_with_user("陈草稿", unit_b, grid_a, "c_draft")
    write(draft, items=[{"content": "草稿里的承诺内容", "target": "未定"}])
    waiting = cadre_with_user("王待审", unit_a, grid_a, "c_wait")
    submitted(waiting, items=[{"content": "待审核的承诺内容", "target": "未定"}])
    back = cadre_with_user("孙退回", unit_b, grid_a, "c_back")
    returned(back, reviewer, items=[{"content": "退回修改的承诺内容", "target": "未定"}])

    html = client.get(grid_url(grid_a)).content.decode()

    assert "每月走访困难户" in html
    for secret in ("草稿里的承诺内容", "待审核的承诺内容", "退回修改的承诺内容", "未定"):
        assert secret not in html
    assert reverse("commitments:public_grid", args=[grid_a.code]) in html


def test_it_shows_published_evaluation_results_and_never_unpublished_ones(
    client, community_a, community_org_a, county_officer, cadre_a, grid_a, unit_b
):
    other = make_cadre("王芳", unit_b, grid_a)
    evaluation = create(community_org_a, community_a, [cadre_a, other], year=2025)
    evaluation_services.evaluation_open(actor=community_org_a, evaluation=evaluation)
    for code in codes_for(evaluation, community_org_a, count=6):
        evaluation_services.ballot_cast(code=code, choices=all_choices(evaluation, "satisfied"))
    evaluation_services.evaluation_close(actor=community_org_a, evaluation=evaluation)
    results_url = reverse("evaluations:results", args=[community_a.code])

    closed_html = client.get(grid_url(grid_a)).content.decode()
    assert "100.0%" not in closed_html and results_url not in closed_html

    evaluation_services.evaluation_publish(actor=county_officer, evaluation=evaluation)
    html = client.get(grid_url(grid_a)).content.decode()
    assert "100.0%" in html and results_url in html


def test_it_shows_only_standards_in_force_for_the_grid(client, county, township_a, township_b, grid_a):
    def standard(title, area, status):
        return Standard.objects.create(
            title=title, body=f"{title}的正文", kind=StandardKind.CODE, area=area, status=status
        )

    standard("全县行为规范", county, StandardStatus.PUBLISHED)
    standard("本镇监督标准", township_a, StandardStatus.PUBLISHED)
    standard("别镇监督标准", township_b, StandardStatus.PUBLISHED)
    standard("尚未发布的规范", county, StandardStatus.DRAFT)
    standard("已经废止的规范", county, StandardStatus.WITHDRAWN)

    html = client.get(grid_url(grid_a)).content.decode()

    assert "全县行为规范" in html and "本镇监督标准" in html
    for hidden in ("别镇监督标准", "尚未发布的规范", "已经废止的规范"):
        assert hidden not in html


def test_it_costs_the_same_queries_for_a_small_and_a_large_grid(
    client, grid_a, unit_a, unit_b, reviewer, django_assert_max_num_queries
):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(grid_url(grid_a)).status_code == 200
        return len(ctx)

    commitment_published(cadre_with_user("一号", unit_a, grid_a, "one"), reviewer)
    small = count()
    for i in range(12):
        cadre = cadre_with_user(f"干部{i}", unit_a if i % 2 else unit_b, grid_a, f"c{i}")
        commitment_published(cadre, reviewer)
        geography.team_member_add(
            actor=None, grid=grid_a, user=make_user(f"sup{i}"), role=TeamRole.SUPERVISOR
        ) if i < 4 else None
    assert count() == small
    with django_assert_max_num_queries(12):
        client.get(grid_url(grid_a))


def test_it_serves_a_serving_cadres_photo_only_on_their_own_grid(client, cadre_a, grid_a, grid_b):
    cadre_a.photo.save("p.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"), save=True)
    url = reverse("portal:cadre_photo", args=[grid_a.code, cadre_a.pk])
    assert url in client.get(grid_url(grid_a)).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("portal:cadre_photo", args=[grid_b.code, cadre_a.pk])).status_code == 404
    cadre_a.status = CadreStatus.RETIRED
    cadre_a.save(update_fields=["status"])
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------------------------- search and township
def test_it_finds_grids_by_community_road_or_township(client, grid_a, grid_a2, grid_b):
    grid_a.description = "覆盖人民路1—50号、幸福小区"
    grid_a.save(update_fields=["description"])

    def found(**params):
        html = client.get(reverse("portal:grid_search"), params).content.decode()
        return {g.code for g in (grid_a, grid_a2, grid_b) if reverse("portal:grid", args=[g.code]) in html}

    assert found(q="幸福小区") == {grid_a.code}
    assert found(q="人民路 幸福") == {grid_a.code}
    assert found(q=grid_a.parent.name) == {grid_a.code, grid_a2.code}
    assert found(q=grid_b.parent.parent.name) == {grid_b.code}
    assert found(township=grid_b.parent.parent.code) == {grid_b.code}
    assert found(q="没有这个地方") == set()
    assert (
        zh("No grid matches. Try a shorter word, such as the community's name.")
        in client.get(reverse("portal:grid_search"), {"q": "没有这个地方"}).content.decode()
    )


def test_it_lists_a_townships_communities_and_grids_with_their_cadre_counts(
    client, township_a, grid_a, grid_a2, grid_b, cadre_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        html = client.get(reverse("portal:township", args=[township_a.code])).content.decode()
    assert grid_a.name in html and grid_a2.name in html and grid_b.name not in html
    assert reverse("portal:grid", args=[grid_a.code]) in html


# ------------------------------------------------------------------------------- caching, embedding, i18n
def test_it_lets_browsers_and_proxies_keep_anonymous_pages_and_sets_no_cookie(client, grid_a, settings):
    settings.GRIDWATCH_PUBLIC_MAX_AGE = 300
    response = client.get(grid_url(grid_a))
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_it_keeps_a_signed_in_users_page_private(as_user, county_officer, grid_a):
    response = as_user(county_officer).get(grid_url(grid_a))
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_it_refuses_framing_unless_embedded_for_a_configured_origin(client, grid_a, settings):
    settings.GRIDWATCH_EMBED_ORIGINS = ["https://www.example.gov.cn"]
    plain = client.get(grid_url(grid_a))
    assert "frame-ancestors 'none'" in plain["Content-Security-Policy"]
    assert plain["X-Frame-Options"] == "DENY"

    embedded = client.get(grid_url(grid_a), {"embed": "1"})
    assert "frame-ancestors 'self' https://www.example.gov.cn" in embedded["Content-Security-Policy"]
    assert "X-Frame-Options" not in embedded
    html = embedded.content.decode()
    assert '<base target="_top">' in html and "portal-nav" not in html

    settings.GRIDWATCH_EMBED_ORIGINS = []
    assert "frame-ancestors 'none'" in client.get(grid_url(grid_a), {"embed": "1"})["Content-Security-Policy"]


def test_it_switches_the_language_with_a_plain_link_and_stays_on_the_site(client, grid_a):
    response = client.get(reverse("portal:language"), {"lang": "en", "next": grid_url(grid_a)})
    assert response.status_code == 302 and response["Location"] == grid_url(grid_a)
    assert "Leading cadres supervised in this grid" in client.get(grid_url(grid_a)).content.decode()

    away = client.get(reverse("portal:language"), {"lang": "en", "next": "https://evil.example/"})
    assert away["Location"] == reverse("portal:home")
    ignored = client.get(reverse("portal:language"), {"lang": "xx", "next": "/portal/"})
    assert not ignored.cookies


def test_it_starts_a_province_from_its_counties_and_names_no_single_county(
    client, county, township_a, grid_a
):
    from gridwatch.geography import services as geo
    from gridwatch.geography.models import Kind, Level

    one_county = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:township", args=[township_a.code]) in one_county and "长顺县" in one_county

    other = geo.area_create(
        actor=None, code="522730000000", name="龙里县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:county", args=[county.code]) in html
    assert reverse("portal:county", args=[other.code]) in html
    assert reverse("portal:township", args=[township_a.code]) not in html
    assert zh("Counties") in html

    county_html = client.get(reverse("portal:county", args=[county.code])).content.decode()
    assert reverse("portal:township", args=[township_a.code]) in county_html
    assert client.get(reverse("portal:county", args=[township_a.code])).status_code == 404

    found = client.get(reverse("portal:grid_search"), {"area": other.code, "q": grid_a.name}).content.decode()
    assert reverse("portal:grid", args=[grid_a.code]) not in found
    found = client.get(
        reverse("portal:grid_search"), {"area": county.code, "q": grid_a.name}
    ).content.decode()
    assert reverse("portal:grid", args=[grid_a.code]) in found


def test_it_names_the_supervision_group_by_display_name_only_and_leaves_out_disabled_members(client, grid_a):
    """A member without a display name would show their login name (a phone number, say): they are left
    out, as on the notice-board sheet; so is a disabled account."""
    named = make_user("sup_named")
    named.display_name = "周监督"
    named.save(update_fields=["display_name"])
    unnamed = make_user("13912345678")
    unnamed.display_name = ""
    unnamed.save(update_fields=["display_name"])
    gone = make_user("sup_gone")
    gone.display_name = "离职监督员"
    gone.is_active = False
    gone.save(update_fields=["display_name", "is_active"])
    for user in (named, unnamed, gone):
        geography.team_member_add(actor=None, grid=grid_a, user=user, role=TeamRole.SUPERVISOR)

    html = client.get(grid_url(grid_a)).content.decode()

    assert "周监督" in html
    assert "13912345678" not in html and "离职监督员" not in html and "sup_named" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/grids/?q=%00",
        "/grids/?area=%00",
        "/grids/%00/",
        "/townships/%00/",
        "/counties/%00/",
        "/standards/?area=%00",
        "/sheets/grid/%00.pdf",
        "/report/grid/%00/",
        "/evaluations/results/%00/",
        "/commitments/grid/%00/",
    ],
)
def test_it_answers_a_nul_character_in_an_address_with_a_plain_400(client, county, path):
    """PostgreSQL refuses NUL in text: such an address gets the generic 400 page, never a 500."""
    response = client.get(path)
    assert response.status_code == 400
    assert zh("Bad request") in response.content.decode()


def test_it_answers_404_when_a_photo_file_is_gone_from_storage(client, cadre_a, grid_a):
    cadre_a.photo.save("p.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"), save=True)
    cadre_a.photo.storage.delete(cadre_a.photo.name)
    assert client.get(reverse("portal:cadre_photo", args=[grid_a.code, cadre_a.pk])).status_code == 404
