"""Every page: the right persona gets it, another township 404, a wrong role 403, a wrong method 405, the
public is sent to sign in (but for the ballot and the results page, which are public)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gridwatch.conftest import login, make_cadre, zh
from gridwatch.evaluations import services
from gridwatch.evaluations.models import BallotCount, DualEvaluation, GroupKind, Status

from .conftest import all_choices, codes_for, create

# A year the grades pages accept whenever the tests run (this year and the five before it).
LAST_YEAR = timezone.localdate().year - 1


def _get(client, user, url):
    client.logout()
    if user is not None:
        login(client, user)
    return client.get(url)


def _post(client, user, url, data=None):
    client.logout()
    if user is not None:
        login(client, user)
    return client.post(url, data or {})


def test_it_lists_campaigns_for_readers(
    client, draft, community_org_a, county_officer, township_officer_a, township_officer_b, unit_liaison
):
    url = reverse("evaluations:list")
    for user in (community_org_a, county_officer, township_officer_a):
        response = _get(client, user, url)
        assert response.status_code == 200
        assert draft.title in response.content.decode()
    assert draft.title not in _get(client, township_officer_b, url).content.decode()
    assert _get(client, unit_liaison, url).status_code == 403
    assert _post(client, county_officer, url).status_code == 405
    assert _get(client, None, url).status_code == 302


def test_it_pins_the_list_query_count(
    client, community_org_a, community_a, unit_a, grid_a, django_assert_max_num_queries
):
    login(client, community_org_a)
    url = reverse("evaluations:list")
    cadre = make_cadre("赵强", unit_a, grid_a)
    counts = []
    for year in (2025, 2026):
        create(community_org_a, community_a, [cadre], year=year)
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_it_creates_a_campaign_from_the_form(client, community_org_a, community_a, cadre_a, grid_supervisor):
    url = reverse("evaluations:new")
    assert _get(client, community_org_a, url).status_code == 200
    data = {
        "community": community_a.code,
        "year": "2026",
        "title": "2026年度民主测评",
        "scale": "satisfaction",
        "formula": "standard",
        "cadres": [str(cadre_a.pk)],
        "g-residents": "on",
        "w-residents": "1",
        "e-residents": "30",
    }
    response = _post(client, community_org_a, url, data)
    assert response.status_code == 302
    assert _get(client, grid_supervisor, url).status_code == 403
    assert client.put(url).status_code in (403, 405)
    data["community"] = "522729103001"
    assert _post(client, community_org_a, url, data).status_code == 404


def test_it_shows_a_campaign_inside_the_jurisdiction_only(
    client, opened, community_org_a, community_org_b, township_officer_b, unit_liaison
):
    url = reverse("evaluations:detail", args=[opened.pk])
    response = _get(client, community_org_a, url)
    assert response.status_code == 200
    assert zh("Close voting") in response.content.decode()
    assert _get(client, community_org_b, url).status_code == 404
    assert _get(client, township_officer_b, url).status_code == 404
    assert _get(client, unit_liaison, url).status_code == 403
    assert _post(client, community_org_a, url).status_code == 405


def test_it_prints_codes_once_with_qr_codes(
    client, opened, community_org_a, community_org_b, township_officer_a
):
    url = reverse("evaluations:codes", args=[opened.pk])
    group = opened.groups.get(kind=GroupKind.RESIDENTS)
    response = _post(client, community_org_a, url, {"group": group.pk, "count": 3})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="slip"') == 3 and "data:image/svg+xml" in body
    assert "no-store" in response["Cache-Control"]
    assert _post(client, community_org_b, url, {"group": group.pk, "count": 3}).status_code == 404
    assert _post(client, township_officer_a, url, {"group": group.pk, "count": 3}).status_code == 403
    assert _get(client, community_org_a, url).status_code == 405


def test_it_takes_the_steps_for_who_the_table_names(
    client, draft, community_org_a, community_org_b, township_officer_a, county_officer
):
    open_url = reverse("evaluations:step", args=[draft.pk, "open"])
    assert _post(client, township_officer_a, open_url).status_code == 403
    assert _post(client, community_org_b, open_url).status_code == 404
    assert _get(client, community_org_a, open_url).status_code == 405
    assert _post(client, community_org_a, open_url).status_code == 302
    assert (
        _post(client, community_org_a, reverse("evaluations:step", args=[draft.pk, "close"])).status_code
        == 302
    )
    assert (
        _post(client, community_org_a, reverse("evaluations:step", args=[draft.pk, "publish"])).status_code
        == 403
    )
    assert (
        _post(client, county_officer, reverse("evaluations:step", args=[draft.pk, "publish"])).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_it_enters_and_confirms_paper_ballots_by_two_people(
    client, opened, community_org_a, community_org_a2, community_org_b, township_officer_a, cadre_a
):
    url = reverse("evaluations:paper", args=[opened.pk])
    assert _get(client, community_org_a, url).status_code == 200
    assert _get(client, community_org_b, url).status_code == 404
    assert _get(client, township_officer_a, url).status_code == 403
    code = codes_for(opened, community_org_a, count=1)[0]
    data = {"code": code}
    for cadre_id, marks in all_choices(opened, "satisfied").items():
        for d, o in marks.items():
            data[f"c-{cadre_id}-{d}"] = o
    assert _post(client, community_org_a, url, data).status_code == 302
    paper = opened.paper_ballots.get()
    decide = reverse("evaluations:paper_decide", args=[opened.pk, paper.pk, "confirm"])
    _post(client, community_org_a, decide)
    assert opened.paper_ballots.exists()
    assert _get(client, community_org_a2, decide).status_code == 405
    assert _post(client, community_org_a2, decide).status_code == 302
    assert not opened.paper_ballots.exists()
    assert (
        BallotCount.objects.filter(evaluation=opened, cadre=cadre_a, option="satisfied", count=1).count() == 4
    )


def test_it_lets_a_code_vote_once_on_the_public_ballot(client, opened, community_org_a, cadre_a):
    code = codes_for(opened, community_org_a, count=1)[0]
    url = reverse("evaluations:ballot")
    client.logout()
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": code})
    assert response.status_code == 200 and cadre_a.name in response.content.decode()
    data = {"code": code, "action": "vote"}
    for cadre_id, marks in all_choices(opened, "satisfied").items():
        for d, o in marks.items():
            data[f"c-{cadre_id}-{d}"] = o
    response = client.post(url, data)
    assert zh("Your ballot was cast") in response.content.decode()
    response = client.post(url, data)
    assert zh("This ballot code is not valid, or it has been used already.") in response.content.decode()
    assert client.put(url).status_code == 405


def test_it_shows_the_ballot_in_the_public_portal_layout(client, opened, community_org_a):
    """Residents vote on a public page: the portal's header and footer, not the staff layout."""
    code = codes_for(opened, community_org_a, count=1)[0]
    url = reverse("evaluations:ballot")
    client.logout()
    for response in (client.get(url), client.post(url, {"code": code})):
        html = response.content.decode()
        assert response.status_code == 200
        assert '<body class="portal' in html and 'id="lang-select"' not in html
        assert f'href="{reverse("portal:report_form")}"' in html
    data = {"code": code, "action": "vote"}
    for cadre_id, marks in all_choices(opened, "satisfied").items():
        for d, o in marks.items():
            data[f"c-{cadre_id}-{d}"] = o
    html = client.post(url, data).content.decode()
    assert zh("Your ballot was cast") in html and '<body class="portal' in html


def test_it_throttles_wrong_codes_per_client(client, opened):
    url = reverse("evaluations:ballot")
    for _ in range(10):
        assert client.post(url, {"code": "AAAA-BBBB-CCCC"}).status_code == 200
    assert client.post(url, {"code": "AAAA-BBBB-CCCC"}).status_code == 429
    assert client.post(url, {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_it_shows_results_publicly_only_once_published(
    client, closed, county_officer, cadre_a, community_a, grid_a
):
    url = reverse("evaluations:results", args=[community_a.code])
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and cadre_a.name not in response.content.decode()
    services.evaluation_publish(actor=county_officer, evaluation=closed)
    response = client.get(url)
    assert cadre_a.name in response.content.decode()
    assert "100.0%" in response.content.decode()
    assert client.get(reverse("evaluations:results", args=[grid_a.code])).status_code == 404
    assert client.post(url).status_code == 405


def test_it_hides_a_conflicted_cadres_result_before_publication(
    client, closed, cadre_a, county_officer, unit_a
):
    from gridwatch.accounts.models import RoleAssignment
    from gridwatch.accounts.roles import Role
    from gridwatch.conftest import make_user

    colleague = make_user("county_colleague", role=Role.COUNTY_STAFF, area=closed.community.parent.parent)
    RoleAssignment.objects.create(user=colleague, role=Role.UNIT_LIAISON, unit=unit_a)
    body = _get(client, colleague, reverse("evaluations:detail", args=[closed.pk])).content.decode()
    assert cadre_a.name not in body
    assert (
        cadre_a.name
        in _get(client, county_officer, reverse("evaluations:detail", args=[closed.pk])).content.decode()
    )


def test_it_records_unit_grades_for_the_liaisons_own_cadres(
    client, unit_liaison, cadre_a, cadre_b, community_org_a, county_officer
):
    url = reverse("evaluations:grades")
    response = _get(client, unit_liaison, url)
    assert response.status_code == 200 and cadre_a.name in response.content.decode()
    assert cadre_b.name not in response.content.decode()
    assert _get(client, community_org_a, url).status_code == 403
    assert _post(client, community_org_a, url, {f"grade-{cadre_a.pk}": "excellent"}).status_code == 403
    assert client.put(url).status_code == 405
    assert _post(client, None, url, {f"grade-{cadre_a.pk}": "excellent"}).status_code == 302
    assert not DualEvaluation.objects.exists()
    assert (
        _post(
            client,
            unit_liaison,
            url,
            {f"grade-{cadre_a.pk}": "excellent", "year": str(LAST_YEAR), "page": "1"},
        ).status_code
        == 302
    )
    assert DualEvaluation.objects.get(cadre=cadre_a, year=LAST_YEAR).unit_grade == "excellent"
    assert (
        _post(
            client,
            unit_liaison,
            url,
            {f"grade-{cadre_b.pk}": "excellent", "year": str(LAST_YEAR), "page": "1"},
        ).status_code
        == 404
    )
    template = _get(client, unit_liaison, reverse("evaluations:grades_template") + f"?year={LAST_YEAR}")
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[2]][:4] == [cadre_a.name, cadre_a.unit.name, cadre_a.position, "优秀"]
    assert _get(client, community_org_a, reverse("evaluations:grades_template")).status_code == 403


def test_it_combines_and_exports_the_dual_evaluation(
    client, published, county_officer, township_officer_a, unit_liaison, cadre_a
):
    services.unit_grade_set(actor=unit_liaison, cadre=cadre_a, year=published.year, grade="competent")
    url = reverse("evaluations:dual") + f"?year={published.year}"
    assert _get(client, township_officer_a, url).status_code == 403
    assert _post(client, county_officer, url).status_code == 302
    record = DualEvaluation.objects.get(cadre=cadre_a, year=published.year)
    assert (record.unit_grade, record.grid_grade, record.combined_grade) == (
        "competent",
        "excellent",
        "competent",
    )
    assert cadre_a.name in _get(client, county_officer, url).content.decode()
    response = _get(client, county_officer, reverse("evaluations:dual_export") + f"?year={published.year}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    mine = next(r for r in rows[1:] if r[0] == cadre_a.name)
    assert mine[6:] == ("称职", 1.0, "优秀", "称职")
    assert _get(client, township_officer_a, reverse("evaluations:dual_export")).status_code == 403


def test_it_refuses_to_bring_up_to_date_a_year_no_longer_offered(client, published, county_officer, cadre_a):
    """ "Bring up to date" for a year the page no longer offers (an old tab, an edited address) combines
    nothing, in that year or the default one, and says why."""
    from gridwatch.audit.models import AuditEvent

    response = _post(client, county_officer, reverse("evaluations:dual") + "?year=1999")
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert (
        zh("Nothing was saved: %(year)s is not one of the years that can be changed here.", year=1999) in body
    )
    assert not DualEvaluation.objects.exists()
    assert not AuditEvent.objects.filter(action="evaluation.dual_combine").exists()


@pytest.mark.parametrize("name", ["evaluations:grades", "evaluations:dual"])
def test_it_pins_the_grade_and_dual_query_counts(
    name, client, county_officer, unit_a, grid_a, django_assert_max_num_queries
):
    login(client, county_officer)
    counts = []
    for n in (1, 6):
        for i in range(n):
            cadre = make_cadre(f"孙{n}{i}", unit_a, grid_a)
            DualEvaluation.objects.create(cadre=cadre, year=2025, unit_grade="competent")
        with django_assert_max_num_queries(25) as captured:
            assert client.get(reverse(name) + "?year=2025").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_it_keeps_what_was_typed_when_the_campaign_is_refused(client, community_org_a, community_a, cadre_a):
    data = {
        "community": community_a.code,
        "year": "2026",
        "title": "",
        "scale": "satisfaction",
        "formula": "standard",
        "cadres": [str(cadre_a.pk)],
        "g-residents": "on",
        "w-residents": "1.5",
        "e-residents": "37",
    }
    response = _post(client, community_org_a, reverse("evaluations:new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert zh("Give the campaign a title.") in body
    assert 'value="1.5"' in body and 'value="37"' in body
