"""The unit grades page saves a whole page of grades in one POST: only the grades that changed are written and
audited, a cadre the grader may not grade is a 404 that writes nothing, a wrong grade is named beside its
row with every choice kept, and the page comes back to the same year and page at a cost that does not grow
with the number of rows."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import login, make_cadre, zh
from gridwatch.core.errors import NotPermitted
from gridwatch.evaluations import services
from gridwatch.evaluations.models import DualEvaluation

URL = reverse("evaluations:grades")


def zh_plural(singular, plural, n):
    with translation.override("zh-hans"):
        return translation.ngettext(singular, plural, n) % {"n": n}


@pytest.fixture
def three(cadre_a, unit_a, grid_a):
    """Three serving cadres of the liaison's unit."""
    return [cadre_a, make_cadre("王磊", unit_a, grid_a), make_cadre("陈静", unit_a, grid_a)]


def grades_post(cadres, values, *, year="2025", page="1"):
    data = {"year": year, "page": page}
    data.update({f"grade-{c.pk}": v for c, v in zip(cadres, values, strict=True)})
    return data


def selected(body, cadre):
    """The value selected in ``cadre``'s select ("" for "—" or none)."""
    select = re.search(rf'<select id="g-{cadre.pk}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select for {cadre}"
    chosen = re.search(r'<option value="(\w*)" selected>', select.group(1))
    return chosen.group(1) if chosen else ""


def unit_grade_events():
    return AuditEvent.objects.filter(action="evaluation.unit_grade")


def test_it_shows_one_select_per_cadre_and_one_save_for_the_page(client, unit_liaison, three):
    login(client, unit_liaison)
    body = client.get(URL + "?year=2025").content.decode()
    for cadre in three:
        assert f'name="grade-{cadre.pk}"' in body
    assert body.count(zh("Save grades")) == 1
    assert 'name="cadre"' not in body


def test_it_saves_three_grades_in_one_post_and_audits_each(client, unit_liaison, three):
    login(client, unit_liaison)
    response = client.post(URL, grades_post(three, ["excellent", "competent", "incompetent"]))
    assert response.status_code == 302
    assert {
        (r.cadre_id, r.unit_grade, r.unit_graded_by_id) for r in DualEvaluation.objects.filter(year=2025)
    } == {
        (three[0].pk, "excellent", unit_liaison.pk),
        (three[1].pk, "competent", unit_liaison.pk),
        (three[2].pk, "incompetent", unit_liaison.pk),
    }
    events = list(unit_grade_events())
    record_of = {str(r.pk): r.cadre_id for r in DualEvaluation.objects.all()}
    assert {record_of[e.object_id]: e.changes["unit_grade"] for e in events} == {
        three[0].pk: ["", "excellent"],
        three[1].pk: ["", "competent"],
        three[2].pk: ["", "incompetent"],
    }
    assert all(e.actor_id == unit_liaison.pk for e in events)
    page = client.get(response["Location"]).content.decode()
    assert zh_plural("%(n)s grade was saved.", "%(n)s grades were saved.", 3) in page
    assert [selected(page, c) for c in three] == ["excellent", "competent", "incompetent"]


def test_it_writes_and_audits_only_the_rows_that_changed(client, unit_liaison, three):
    for cadre, grade in zip(three[:2], ["competent", "competent"], strict=True):
        services.unit_grade_set(actor=unit_liaison, cadre=cadre, year=2025, grade=grade)
    untouched = DualEvaluation.objects.get(cadre=three[0], year=2025).updated_at
    before = unit_grade_events().count()
    login(client, unit_liaison)

    # The third cadre is left at "—": still not graded.
    response = client.post(URL, grades_post(three, ["competent", "excellent", ""]))
    assert response.status_code == 302
    assert unit_grade_events().count() == before + 1
    assert unit_grade_events().order_by("-seq").first().changes == {"unit_grade": ["competent", "excellent"]}
    assert DualEvaluation.objects.get(cadre=three[0], year=2025).updated_at == untouched
    assert not DualEvaluation.objects.filter(cadre=three[2]).exists()
    assert zh_plural("%(n)s grade was saved.", "%(n)s grades were saved.", 1) in (
        client.get(response["Location"]).content.decode()
    )

    response = client.post(URL, grades_post(three, ["competent", "excellent", ""]))
    assert unit_grade_events().count() == before + 1
    assert zh("No grade was changed.") in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("key", ["other unit", "unknown", "not an id"])
def test_it_answers_404_and_writes_nothing_for_a_cadre_outside_the_graders_reach(
    client, unit_liaison, three, cadre_b, key
):
    login(client, unit_liaison)
    data = grades_post(three, ["excellent", "excellent", "excellent"])
    other = {
        "other unit": f"grade-{cadre_b.pk}",
        "unknown": "grade-00000000-0000-4000-8000-000000000000",
        "not an id": "grade-1 OR 1=1",
    }[key]
    data[other] = "excellent"
    assert client.post(URL, data).status_code == 404
    assert not DualEvaluation.objects.exists()
    assert not unit_grade_events().exists()


def test_it_refuses_a_wrong_grade_beside_its_row_and_keeps_every_choice(client, unit_liaison, three):
    services.unit_grade_set(actor=unit_liaison, cadre=three[2], year=2025, grade="competent")
    before = unit_grade_events().count()
    login(client, unit_liaison)
    response = client.post(URL, grades_post(three, ["outstanding", "basically_competent", "incompetent"]))
    assert response.status_code == 400
    body = response.content.decode()
    assert zh("Nothing was saved. Correct the grades marked below and save again.") in body
    assert (
        f'<ul class="errorlist" id="e-{three[0].pk}"><li>{zh("Choose one of the four grades.")}</li></ul>'
        in body
    )
    assert f'id="g-{three[0].pk}" name="grade-{three[0].pk}" aria-invalid="true"' in body
    assert f'href="#g-{three[0].pk}"' in body
    assert [selected(body, c) for c in three] == ["", "basically_competent", "incompetent"]
    assert unit_grade_events().count() == before
    assert not DualEvaluation.objects.filter(cadre__in=three[:2]).exists()
    assert DualEvaluation.objects.get(cadre=three[2]).unit_grade == "competent"


def test_it_comes_back_to_the_same_year_and_page(client, unit_liaison, three, settings):
    settings.GRIDWATCH_PAGE_SIZE = 2
    login(client, unit_liaison)
    page_two = client.get(URL + "?year=2024&page=2").content.decode()
    last = next(c for c in three if f'name="grade-{c.pk}"' in page_two)
    assert 'name="page" value="2"' in page_two and 'name="year" value="2024"' in page_two

    response = client.post(URL, grades_post([last], ["competent"], year="2024", page="2"))
    assert response.status_code == 302
    assert response["Location"] == URL + "?year=2024&page=2"
    assert DualEvaluation.objects.get(cadre=last).year == 2024
    assert selected(client.get(response["Location"]).content.decode(), last) == "competent"

    # A refused page comes back as the same page too (posted, as the form does, to its own address), and its
    # pager keeps the year.
    action = URL + "?year=2024&page=2"
    assert f'action="{URL}?year=2024&amp;page=2#grade-errors"' in page_two
    response = client.post(action, grades_post([last], ["outstanding"], year="2024", page="2"))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="grade-{last.pk}"' in body and 'href="?year=2024&amp;page=1"' in body


def test_it_saves_a_page_at_a_cost_that_does_not_grow_with_its_rows(
    client, county_officer, unit_a, grid_a, django_assert_max_num_queries
):
    """5 and 25 grades, new or changed, cost the same queries, but for the audit chain's, which appends one
    event per changed grade; a refused page costs the same at 5 and 25 rows."""
    login(client, county_officer)
    cadres = [make_cadre(f"孙{i:02d}", unit_a, grid_a) for i in range(30)]
    rows = {5: cadres[:5], 25: cadres[5:]}
    costs = {}
    for step, grade, status in (
        ("new", "competent", 302),
        ("changed", "excellent", 302),
        ("refused", "x", 400),
    ):
        for n, some in rows.items():
            before = unit_grade_events().count()
            with django_assert_max_num_queries(20 + 3 * n) as captured:
                assert client.post(URL, grades_post(some, [grade] * n)).status_code == status
            queries = captured.captured_queries
            audit = [q for q in queries if "audit_" in q["sql"]]
            events = unit_grade_events().count() - before
            assert events == (n if status == 302 else 0)
            costs[step, n] = (len(queries) - len(audit), len(audit) / n)
        assert costs[step, 5] == costs[step, 25], step
    assert unit_grade_events().count() == 60


def test_the_service_refuses_the_whole_batch_for_one_cadre_it_may_not_grade(unit_liaison, three, cadre_b):
    grades = {c: "excellent" for c in [*three, cadre_b]}
    with pytest.raises(NotPermitted):
        services.unit_grades_set(actor=unit_liaison, year=2025, grades=grades)
    assert not DualEvaluation.objects.exists()
    with pytest.raises(services.GradesRefused) as refused:
        services.unit_grades_set(actor=unit_liaison, year=2025, grades={three[0]: "", three[1]: "competent"})
    assert refused.value.rows == {three[0].pk: zh("Choose one of the four grades.")}
    assert not DualEvaluation.objects.exists()


def test_the_service_combines_a_new_unit_grade_with_the_grid_grade(unit_liaison, three):
    DualEvaluation.objects.create(cadre=three[0], year=2025, grid_grade="basically_competent")
    assert (
        services.unit_grades_set(
            actor=unit_liaison, year=2025, grades={three[0]: "excellent", three[1]: "excellent"}
        )
        == 2
    )
    combined = dict(DualEvaluation.objects.values_list("cadre_id", "combined_grade"))
    assert combined == {three[0].pk: "basically_competent", three[1].pk: "excellent"}
