"""The case list: its filters (status, circle, channel, urgent, mine, overdue, search) and their fold on
phones, its order (urgent first, then the newest), its columns, and a fixed number of queries whatever the
number of reports."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from gridwatch.cases import selectors
from gridwatch.cases.models import Report, ReportStatus
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import FOLD_CONTEXT, zh
from gridwatch.conftest import filter_fold as fold

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
NO_DUES = dict(
    transfer_due=None,
    verify_due=None,
    acceptance_reply_due=None,
    result_reply_due=None,
    acceptance_replied_on=None,
    result_replied_on=None,
)


def make(name, grid, **fields):
    """A report about ``name`` with the given fields set as a handler's steps would have left them, and no
    time limit unless one is given."""
    report, _code = file_report(subject_name=name, grid=grid)
    Report.objects.filter(pk=report.pk).update(**{**NO_DUES, **fields})
    report.refresh_from_db()
    return report


def listed(client, **params):
    response = client.get(reverse("cases:case_list"), params)
    assert response.status_code == 200
    return [r.subject_label for r in response.context["rows"]]


@pytest.fixture
def officer(as_user, township_officer_a):
    return as_user(township_officer_a)


def test_it_filters_open_cases_and_one_status(officer, grid_a):
    for status in ReportStatus.values:
        make(f"某{status}", grid_a, status=status, result_replied_on=TODAY() if status == "closed" else None)
    open_names = listed(officer, status="open")
    assert sorted(open_names) == sorted(f"某{s}" for s in ("received", "handling", "concluded"))
    assert listed(officer, status="transferred") == ["某transferred"]
    assert len(listed(officer)) == len(ReportStatus.values)
    # An unknown status is no filter at all, not an error.
    assert len(listed(officer, status="nonsense")) == len(ReportStatus.values)


def test_it_filters_by_circle_channel_and_urgency(officer, grid_a):
    make("甲", grid_a, circle="family", channel="hotline")
    make("乙", grid_a, circle="social", channel="hotline", urgent=True)
    make("丙", grid_a, circle="family", channel="letter", urgent=True)
    assert sorted(listed(officer, circle="family")) == ["丙", "甲"]
    assert sorted(listed(officer, channel="hotline")) == ["乙", "甲"]
    assert sorted(listed(officer, urgent="1")) == ["丙", "乙"]
    assert listed(officer, circle="family", channel="letter", urgent="1") == ["丙"]


def test_it_shows_my_cases_when_asked(officer, township_officer_a, county_officer, grid_a):
    make("我办的", grid_a, handler=township_officer_a)
    make("别人办的", grid_a, handler=county_officer)
    make("无人办", grid_a)
    assert listed(officer, mine="1") == ["我办的"]


@pytest.mark.parametrize(
    ("fields", "overdue"),
    [
        ({"verify_due": -1, "status": "handling"}, True),
        ({"verify_due": -1}, False),  # not accepted yet: verification has not begun
        ({"verify_due": 0, "status": "handling"}, False),  # due today is not late yet
        ({"verify_due": -1, "status": "concluded", "finding_on": 0}, False),  # verified: the finding is in
        ({"transfer_due": -1}, True),
        ({"transfer_due": -1, "status": "handling"}, False),  # already taken up
        ({"acceptance_reply_due": -1}, True),
        ({"acceptance_reply_due": -1, "acceptance_replied_on": -2}, False),
        ({"result_reply_due": -1, "status": "concluded"}, True),
        ({"result_reply_due": -1, "status": "concluded", "result_replied_on": 0}, False),
        ({"verify_due": -1, "status": "transferred"}, False),  # no longer open
        ({"verify_due": 3, "acceptance_reply_due": 1}, False),
    ],
)
def test_it_filters_overdue_cases_as_the_next_due_date_says(officer, grid_a, fields, overdue):
    values = {k: (TODAY() + v * DAY if isinstance(v, int) else v) for k, v in fields.items()}
    report = make("某人", grid_a, **values)
    assert listed(officer, overdue="1") == (["某人"] if overdue else [])
    # The page's "next due" column follows the same rules as the filter.
    next_due = selectors.report_next_due(report)
    assert (next_due is not None and next_due < TODAY()) is overdue


def test_it_shows_the_next_due_date_and_marks_an_overdue_one_in_red(officer, grid_a):
    late = make(
        "迟办", grid_a, status="handling", verify_due=TODAY() - 2 * DAY, acceptance_reply_due=TODAY() + DAY
    )
    make(
        "按期",
        grid_a,
        status="handling",
        verify_due=TODAY() + 4 * DAY,
        acceptance_reply_due=TODAY() + 2 * DAY,
    )
    body = officer.get(reverse("cases:case_list")).content.decode()
    late_day = (TODAY() - 2 * DAY).strftime("%Y-%m-%d")
    assert escape(zh("Overdue since %(day)s") % {"day": late_day}) in body
    assert 'class="badge red"' in body
    assert (TODAY() + 2 * DAY).strftime("%Y-%m-%d") in body
    assert (TODAY() + 4 * DAY).strftime("%Y-%m-%d") not in body  # only the earliest running limit
    assert late.reference in body


@pytest.mark.parametrize("how", ["reference", "lower", "prefix", "name", "cadre"])
def test_it_finds_a_case_by_reference_or_by_name(officer, grid_a, cadre_a, how):
    report = make("王五", grid_a)
    about_cadre, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    make("赵六", grid_a)
    query, expected = {
        "reference": (report.reference, ["王五"]),
        "lower": (report.reference.lower(), ["王五"]),
        "prefix": (report.reference[:5], ["王五"]),
        "name": ("王", ["王五"]),
        "cadre": ("张伟", ["张伟"]),
    }[how]
    assert listed(officer, q=query) == expected


def test_it_lists_urgent_cases_first_then_the_newest(officer, grid_a):
    make("旧的", grid_a, received_on=TODAY() - 5 * DAY)
    make("新的", grid_a, received_on=TODAY() - DAY)
    make("紧急旧的", grid_a, received_on=TODAY() - 9 * DAY, urgent=True)
    make("今天的", grid_a)
    assert listed(officer) == ["紧急旧的", "今天的", "新的", "旧的"]


def test_it_shows_the_columns_a_handler_needs(officer, township_officer_a, grid_a, cadre_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a, circle="family")
    Report.objects.filter(pk=report.pk).update(status="handling", urgent=True, handler=township_officer_a)
    body = officer.get(reverse("cases:case_list")).content.decode()
    for text in (
        report.reference,
        "张伟",
        "县财政局",
        zh("Family circle (家庭圈)"),
        zh("Being handled"),
        zh("Urgent"),
        str(township_officer_a),
    ):
        assert escape(text) in body, text


def test_it_says_when_no_report_matches_the_filters(officer, grid_a):
    make("甲", grid_a)
    body = officer.get(reverse("cases:case_list"), {"status": "closed"}).content.decode()
    assert zh("No report matches.") in body


def test_it_answers_htmx_with_the_results_only(officer, grid_a):
    make("甲", grid_a)
    response = officer.get(reverse("cases:case_list"), {"q": "甲"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "甲" in body and "<form" not in body and "<html" not in body


def _fill(n, grid, cadre, handler):
    for i in range(n):
        report, _code = file_report(subject_cadre=cadre if i % 2 else None, subject_name=f"某{i}", grid=grid)
        Report.objects.filter(pk=report.pk).update(
            handler=handler if i % 3 else None,
            urgent=bool(i % 4 == 0),
            status="handling",
            verify_due=TODAY() - DAY,
        )


@pytest.mark.parametrize(
    ("params", "matches"), [({}, 43), ({"status": "open", "overdue": "1", "q": "某"}, 22)]
)
def test_it_lists_in_a_fixed_number_of_queries(
    officer,
    grid_a,
    cadre_a,
    county_officer,
    django_assert_max_num_queries,
    django_assert_num_queries,
    params,
    matches,
):
    _fill(3, grid_a, cadre_a, county_officer)
    officer.get(reverse("cases:case_list"))  # the session and scope are warm, as on any later request
    with django_assert_max_num_queries(20) as small:
        assert officer.get(reverse("cases:case_list"), params).status_code == 200
    _fill(40, grid_a, cadre_a, county_officer)
    with django_assert_num_queries(len(small.captured_queries)):
        response = officer.get(reverse("cases:case_list"), params)
    assert len(response.context["rows"]) == min(25, matches)
    assert response.context["page"].paginator.count == matches


# ------------------------------------------------------------------------- the filters folded on phones


def test_it_folds_every_filter_but_the_search_and_keeps_the_fold_closed_when_none_is_set(officer, grid_a):
    """On a phone the search stays in view and the other filters wait behind a "Filters" button, closed
    and with no number while none is set, so the first case shows on the first screen."""
    make("甲", grid_a)
    body = officer.get(reverse("cases:case_list")).content.decode()
    is_open, label, inside = fold(body)
    assert not is_open
    assert label == zh("Filters", context=FOLD_CONTEXT)
    for control in ('id="f-status"', 'id="circle"', 'id="channel"', 'name="urgent"', 'name="overdue"'):
        assert control in inside, control
    assert 'id="q"' in body and 'id="q"' not in inside


def test_it_opens_the_fold_and_counts_the_filters_set_but_not_the_search(officer, grid_a):
    make("甲", grid_a, urgent=True)
    body = officer.get(
        reverse("cases:case_list"), {"status": "open", "urgent": "1", "q": "甲"}
    ).content.decode()
    is_open, label, _inside = fold(body)
    assert is_open
    assert label == zh("Filters (%(n)s)", context=FOLD_CONTEXT, n=2)


def test_it_counts_only_the_filters_the_list_applies(officer, grid_a):
    """A value the list ignores (an unknown status, a flag that is not "1") is no filter: the fold stays
    closed and shows no number."""
    body = officer.get(reverse("cases:case_list"), {"status": "nonsense", "urgent": "0"}).content.decode()
    is_open, label, _inside = fold(body)
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)


def test_it_updates_the_count_with_the_results_htmx_swaps_in(officer, grid_a):
    """Changing a filter inside the fold filters in place (htmx): the answer carries the button's new text
    out of band, so the number follows without reloading the page."""
    params = {"circle": "family", "overdue": "1", "mine": "1"}
    body = officer.get(reverse("cases:case_list"), params, headers={"HX-Request": "true"}).content.decode()
    label = re.search(r'<span id="filter-toggle-label" hx-swap-oob="true">(.*?)</span>', body, re.S)
    assert label and label.group(1) == zh("Filters (%(n)s)", context=FOLD_CONTEXT, n=3)
    assert "<details" not in body
    # The full page has the label once, in its button, not a second copy to swap.
    page = officer.get(reverse("cases:case_list"), params).content.decode()
    assert page.count('id="filter-toggle-label"') == 1 and "hx-swap-oob" not in page


def test_it_ignores_handled_by_me_for_a_reader_who_has_no_such_box(as_user, office, grid_a):
    """The leading-group office reads cases but handles none, so its list has no "Handled by me" box: an
    address that carries ``mine=1`` (a link from a handler) neither empties its list nor counts as a
    filter it could not clear."""
    report = make("甲", grid_a)
    body = as_user(office).get(reverse("cases:case_list"), {"mine": "1"}).content.decode()
    is_open, label, inside = fold(body)
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)
    assert 'name="mine"' not in body
    assert report.reference in body
