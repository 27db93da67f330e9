"""The unit grades page saves a whole page of grades in one POST: only the grades that changed are written and
audited, a cadre the grader may not grade is a 404 that writes nothing, a wrong grade is named beside its
row with every choice kept, and the page comes back to the same year and page at a cost that does not grow
with the number of rows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import login, make_cadre, zh
from gridwatch.core.errors import NotPermitted
from gridwatch.evaluations import services
from gridwatch.evaluations.models import DualEvaluation

URL = reverse("evaluations:grades")
# Years the page offers whenever the tests run (this year and the five before it).
YEAR = timezone.localdate().year - 1
EARLIER = YEAR - 1


def zh_plural(singular, plural, n):
    with translation.override("zh-hans"):
        return translation.ngettext(singular, plural, n) % {"n": n}


@pytest.fixture
def three(cadre_a, unit_a, grid_a):
    """Three serving cadres of the liaison's unit."""
    return [cadre_a, make_cadre("王磊", unit_a, grid_a), make_cadre("陈静", unit_a, grid_a)]


def grades_post(cadres, values, *, year=str(YEAR), page="1"):
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
    body = client.get(URL + f"?year={YEAR}").content.decode()
    for cadre in three:
        assert f'name="grade-{cadre.pk}"' in body
    assert body.count(zh("Save grades")) == 1
    assert 'name="cadre"' not in body


def test_it_saves_three_grades_in_one_post_and_audits_each(client, unit_liaison, three):
    login(client, unit_liaison)
    response = client.post(URL, grades_post(three, ["excellent", "competent", "incompetent"]))
    assert response.status_code == 302
    assert {
        (r.cadre_id, r.unit_grade, r.unit_graded_by_id) for r in DualEvaluation.objects.filter(year=YEAR)
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
        services.unit_grade_set(actor=unit_liaison, cadre=cadre, year=YEAR, grade=grade)
    untouched = DualEvaluation.objects.get(cadre=three[0], year=YEAR).updated_at
    before = unit_grade_events().count()
    login(client, unit_liaison)

    # The third cadre is left at "—": still not graded.
    response = client.post(URL, grades_post(three, ["competent", "excellent", ""]))
    assert response.status_code == 302
    assert unit_grade_events().count() == before + 1
    assert unit_grade_events().order_by("-seq").first().changes == {"unit_grade": ["competent", "excellent"]}
    assert DualEvaluation.objects.get(cadre=three[0], year=YEAR).updated_at == untouched
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
    services.unit_grade_set(actor=unit_liaison, cadre=three[2], year=YEAR, grade="competent")
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
    page_two = client.get(URL + f"?year={EARLIER}&page=2").content.decode()
    last = next(c for c in three if f'name="grade-{c.pk}"' in page_two)
    assert 'name="page" value="2"' in page_two and f'name="year" value="{EARLIER}"' in page_two

    response = client.post(URL, grades_post([last], ["competent"], year=str(EARLIER), page="2"))
    assert response.status_code == 302
    assert response["Location"] == URL + f"?year={EARLIER}&page=2"
    assert DualEvaluation.objects.get(cadre=last).year == EARLIER
    assert selected(client.get(response["Location"]).content.decode(), last) == "competent"

    # A refused page comes back as the same page too (posted, as the form does, to its own address), and its
    # pager keeps the year.
    action = URL + f"?year={EARLIER}&page=2"
    assert f'action="{URL}?year={EARLIER}&amp;page=2#grade-errors"' in page_two
    response = client.post(action, grades_post([last], ["outstanding"], year=str(EARLIER), page="2"))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="grade-{last.pk}"' in body and f'href="?year={EARLIER}&amp;page=1"' in body


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
        services.unit_grades_set(actor=unit_liaison, year=YEAR, grades=grades)
    assert not DualEvaluation.objects.exists()
    with pytest.raises(services.GradesRefused) as refused:
        services.unit_grades_set(actor=unit_liaison, year=YEAR, grades={three[0]: "", three[1]: "competent"})
    assert refused.value.rows == {three[0].pk: zh("Choose one of the four grades.")}
    assert not DualEvaluation.objects.exists()


def test_the_service_combines_a_new_unit_grade_with_the_grid_grade(unit_liaison, three):
    DualEvaluation.objects.create(cadre=three[0], year=YEAR, grid_grade="basically_competent")
    assert (
        services.unit_grades_set(
            actor=unit_liaison, year=YEAR, grades={three[0]: "excellent", three[1]: "excellent"}
        )
        == 2
    )
    combined = dict(DualEvaluation.objects.values_list("cadre_id", "combined_grade"))
    assert combined == {three[0].pk: "basically_competent", three[1].pk: "excellent"}


# ------------------------------------------------------------------------ two graders, and lists that move


def shown_post(cadres, values, shown):
    """The form as the page sends it: each row's choice and the grade it showed when it was drawn."""
    data = grades_post(cadres, values)
    data.update({f"was-{c.pk}": v for c, v in zip(cadres, shown, strict=True)})
    return data


def test_a_page_saved_later_keeps_a_grade_someone_else_changed_on_a_row_left_as_it_was(
    client, unit_liaison, county_officer, three
):
    """The liaison's page showed 称职 for the first cadre; county staff set 不称职 meanwhile; the liaison then
    saves the page after changing only another row. The first cadre keeps 不称职, and the log holds no change
    of it by the liaison."""
    services.unit_grade_set(actor=unit_liaison, cadre=three[0], year=YEAR, grade="competent")
    login(client, unit_liaison)
    page = client.get(URL + f"?year={YEAR}").content.decode()
    assert f'name="was-{three[0].pk}" value="competent"' in page
    services.unit_grade_set(actor=county_officer, cadre=three[0], year=YEAR, grade="incompetent")

    response = client.post(URL, shown_post(three, ["competent", "excellent", ""], ["competent", "", ""]))
    assert response.status_code == 302
    assert DualEvaluation.objects.get(cadre=three[0]).unit_grade == "incompetent"
    assert DualEvaluation.objects.get(cadre=three[1]).unit_grade == "excellent"
    by_liaison = [e.changes for e in unit_grade_events().filter(actor_id=unit_liaison.pk)]
    assert {"unit_grade": ["incompetent", "competent"]} not in by_liaison
    assert {"unit_grade": ["", "excellent"]} in by_liaison


def test_it_refuses_a_row_changed_on_the_page_that_someone_else_changed_meanwhile(
    client, unit_liaison, county_officer, three
):
    """Both changed the same cadre: nothing is saved, the row says what the grade became, the choice is kept,
    and saving again keeps the liaison's choice knowingly."""
    services.unit_grade_set(actor=unit_liaison, cadre=three[0], year=YEAR, grade="competent")
    services.unit_grade_set(actor=county_officer, cadre=three[0], year=YEAR, grade="incompetent")
    login(client, unit_liaison)

    data = shown_post(three[:2], ["excellent", "competent"], ["competent", ""])
    response = client.post(URL, data)
    assert response.status_code == 400
    body = response.content.decode()
    message = zh(
        "Someone else changed this grade to %(grade)s meanwhile. Check it, and save again to keep your choice.",
        grade="不称职",
    )
    assert f'<ul class="errorlist" id="e-{three[0].pk}"><li>{message}</li></ul>' in body
    assert selected(body, three[0]) == "excellent" and selected(body, three[1]) == "competent"
    assert f'name="was-{three[0].pk}" value="incompetent"' in body
    assert DualEvaluation.objects.get(cadre=three[0]).unit_grade == "incompetent"
    assert not DualEvaluation.objects.filter(cadre=three[1]).exists()

    again = shown_post(three[:2], ["excellent", "competent"], ["incompetent", ""])
    assert client.post(URL, again).status_code == 302
    assert dict(DualEvaluation.objects.values_list("cadre_id", "unit_grade")) == {
        three[0].pk: "excellent",
        three[1].pk: "competent",
    }


def test_a_liaison_with_an_area_role_too_is_offered_only_their_units_cadres(
    client, unit_liaison, township_a, three, unit_b, grid_a
):
    """Township staff see the township's cadres; as a unit's liaison they grade only their unit's."""
    RoleAssignment.objects.create(user=unit_liaison, role=Role.TOWNSHIP_STAFF, area=township_a)
    stranger = make_cadre("周敏", unit_b, grid_a)
    login(client, unit_liaison)
    body = client.get(URL + f"?year={YEAR}").content.decode()
    assert all(f'name="grade-{c.pk}"' in body for c in three)
    assert f'name="grade-{stranger.pk}"' not in body and "周敏" not in body

    # Sent anyway (an old page, a hand-made form): left out and said so; the rest is saved.
    data = shown_post([three[0], stranger], ["excellent", "excellent"], ["", ""])
    response = client.post(URL, data)
    assert response.status_code == 302
    assert list(DualEvaluation.objects.values_list("cadre_id", flat=True)) == [three[0].pk]
    page = client.get(response["Location"]).content.decode()
    assert (
        zh_plural(
            "%(n)s cadre was left out: they are no longer on your list to grade.",
            "%(n)s cadres were left out: they are no longer on your list to grade.",
            1,
        )
        in page
    )


def test_a_cadre_retired_since_the_page_was_drawn_is_left_out_not_a_404(client, unit_liaison, three):
    login(client, unit_liaison)
    three[2].status = "retired"
    three[2].save(update_fields=["status"])
    response = client.post(URL, shown_post(three, ["competent"] * 3, [""] * 3))
    assert response.status_code == 302
    assert DualEvaluation.objects.filter(unit_grade="competent").count() == 2
    assert not DualEvaluation.objects.filter(cadre=three[2]).exists()


def test_a_refused_row_shows_the_saved_grade_not_a_blank(client, unit_liaison, three):
    services.unit_grade_set(actor=unit_liaison, cadre=three[0], year=YEAR, grade="competent")
    login(client, unit_liaison)
    body = client.post(URL, shown_post(three[:1], ["outstanding"], ["competent"])).content.decode()
    assert selected(body, three[0]) == "competent"


def test_it_refuses_grades_for_a_year_no_longer_offered_instead_of_saving_them_to_another(
    client, unit_liaison, three
):
    """A page drawn for the oldest year offered and sent after the new year (or an edited address) names a
    year that is no longer offered: nothing is saved, least of all in the default year the grader never
    saw, and the page says so. The dual evaluation's "bring up to date" refuses such a year the same way."""
    import time_machine

    login(client, unit_liaison)
    oldest = timezone.localdate().year - 4
    message = zh("Nothing was saved: %(year)s is not one of the years that can be changed here.", year=oldest)
    assert f'<option value="{oldest}"' in client.get(URL).content.decode()
    with time_machine.travel(datetime.date(timezone.localdate().year + 1, 1, 2), tick=False):
        login(client, unit_liaison)
        action = URL + f"?year={oldest}&page=1"
        response = client.post(action, grades_post(three, ["competent"] * 3, year=str(oldest)))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not DualEvaluation.objects.exists() and not unit_grade_events().exists()
    response = client.post(URL, grades_post(three, ["competent"] * 3, year="1999"))
    assert response.status_code == 400 and not DualEvaluation.objects.exists()
