"""Turning a diary entry into a case: a report of the grid-supervisor channel, routed like any other,
linked from the entry, once; no receipt code is shown or kept for it."""

import re

import pytest
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.cases.models import Channel, Report, RoutedBecause
from gridwatch.conftest import zh
from gridwatch.core.errors import ValidationFailed
from gridwatch.people import services as people
from gridwatch.supervision import services
from gridwatch.supervision.models import DiaryEntry

from .conftest import team_member, write_entry

CODE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")


def convert(client, entry, **data):
    return client.post(reverse("supervision:diary_to_case", args=[entry.pk]), data)


def detail(client, entry):
    return client.get(reverse("supervision:diary_detail", args=[entry.pk])).content.decode()


def test_it_files_a_supervisor_report_about_the_cadre_and_links_it(
    as_user, grid_supervisor, entry_a, cadre_a, grid_a
):
    client = as_user(grid_supervisor)
    response = convert(client, entry_a)
    assert response.status_code == 302
    report = Report.objects.get()
    entry_a.refresh_from_db()
    assert entry_a.report == report
    assert report.channel == Channel.SUPERVISOR and report.circle == "social"
    assert report.subject_cadre == cadre_a and report.grid == grid_a
    assert report.supervising_path == cadre_a.supervising_path
    assert report.routed_because == RoutedBecause.SUBJECT_GRID
    assert (report.what, report.where, report.when) == (
        entry_a.heard,
        entry_a.place,
        entry_a.visited_on.isoformat(),
    )
    body = client.get(response["Location"]).content.decode()
    assert zh("The entry was turned into a case.") in body
    assert reverse("cases:case_detail", args=[report.pk]) in body and report.reference in body
    assert not CODE.search(body)
    assert client.get(reverse("cases:case_detail", args=[report.pk])).status_code == 200


def test_it_audits_the_conversion_without_the_text(as_user, grid_supervisor, entry_a):
    convert(as_user(grid_supervisor), entry_a)
    report = Report.objects.get()
    # One event: the intake of the report, naming the entry it came from.
    assert not AuditEvent.objects.filter(action="diary.to_case").exists()
    intake = AuditEvent.objects.get(action="report.intake")
    assert intake.object_id == str(report.pk) and intake.actor_id == grid_supervisor.pk
    assert intake.changes["channel"] == "supervisor" and intake.changes["diary_entry"] == str(entry_a.pk)
    for event in AuditEvent.objects.all():
        assert entry_a.heard not in str(event.changes) + event.object_label


def test_it_routes_the_case_to_the_grid_that_supervises_the_cadre_now(
    as_user, grid_supervisor, entry_a, cadre_a, grid_b
):
    """The cadre moved to township B after the visit: the case follows them, and the author, who no longer
    sees it, is shown no link that would answer 404."""
    people.cadre_update(actor=None, cadre=cadre_a, residence_grid=grid_b)
    client = as_user(grid_supervisor)
    assert convert(client, entry_a).status_code == 302
    report = Report.objects.get()
    assert report.supervising_path == grid_b.path
    body = detail(client, entry_a)
    assert report.reference in body
    assert reverse("cases:case_detail", args=[report.pk]) not in body
    assert (
        zh(
            "The case is handled in the case pages by the commission staff and the grid team it was routed to."
        )
        in body
    )


def test_it_refuses_a_second_conversion(as_user, grid_supervisor, grid_leader_a, entry_a):
    assert convert(as_user(grid_supervisor), entry_a).status_code == 302
    response = convert(as_user(grid_leader_a), entry_a)
    assert response.status_code == 400
    assert zh("This entry was already turned into a case.") in response.content.decode()
    assert Report.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.diary_entry_to_case(actor=grid_supervisor, entry=DiaryEntry.objects.get())
    assert Report.objects.count() == 1


def test_it_asks_for_the_person_when_the_entry_names_no_cadre(as_user, grid_supervisor, grid_a):
    entry = write_entry(grid_supervisor, grid_a, heard="听说有人用公车接送孩子")
    client = as_user(grid_supervisor)
    response = convert(client, entry, subject_name="", subject_unit_text="县林业局")
    assert response.status_code == 400 and not Report.objects.exists()
    body = response.content.decode()
    assert zh("The entry names no cadre: give the name of the person it is about.") in body
    assert "县林业局" in body
    assert convert(client, entry, subject_name="赵六", subject_unit_text="县林业局").status_code == 302
    report = Report.objects.get()
    assert (report.subject_name, report.subject_unit_text, report.circle) == ("赵六", "县林业局", "other")
    assert report.supervising_path == grid_a.path and report.routed_because == RoutedBecause.FILED_GRID


@pytest.mark.parametrize(
    "persona", ["grid_supervisor", "grid_leader_a", "township_officer_a", "county_officer"]
)
def test_it_lets_the_author_the_leader_and_commission_staff_convert(request, as_user, entry_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert reverse("supervision:diary_to_case", args=[entry_a.pk]) in detail(client, entry_a)
    assert convert(client, entry_a).status_code == 302
    assert DiaryEntry.objects.get().report is not None


def test_it_refuses_the_conversion_to_other_readers(as_user, entry_a, grid_a, community_a):
    from gridwatch.accounts.roles import Role
    from gridwatch.conftest import make_user

    deputy = team_member("deputy_a1", grid_a, role="deputy")
    other_supervisor = team_member("supervisor2_a1", grid_a)
    party = make_user("party_a", role=Role.COMMUNITY_ORG, area=community_a)
    for user in (deputy, other_supervisor, party):
        client = as_user(user)
        assert reverse("supervision:diary_to_case", args=[entry_a.pk]) not in detail(client, entry_a)
        assert convert(client, entry_a).status_code == 403
    assert not Report.objects.exists()


def test_it_freezes_the_entry_once_it_is_a_case(as_user, grid_supervisor, entry_a):
    client = as_user(grid_supervisor)
    convert(client, entry_a)
    assert reverse("supervision:diary_update", args=[entry_a.pk]) not in detail(client, entry_a)
    response = client.post(
        reverse("supervision:diary_update", args=[entry_a.pk]),
        {"visited_on": entry_a.visited_on.isoformat(), "heard": "改写"},
    )
    assert response.status_code == 403
    with pytest.raises(ValidationFailed):
        services.diary_entry_update(
            actor=grid_supervisor, entry=entry_a, visited_on=entry_a.visited_on, heard="改写"
        )
    entry_a.refresh_from_db()
    assert entry_a.heard != "改写"


def test_it_marks_converted_entries_in_the_list(as_user, grid_supervisor, entry_a, grid_a):
    plain = write_entry(grid_supervisor, grid_a, heard="普通记录")
    client = as_user(grid_supervisor)
    client.get(convert(client, entry_a)["Location"])  # the confirmation shown once
    body = client.get(reverse("supervision:diary_list")).content.decode()
    items = {
        pk: item
        for item in body.split('<a class="list-item"')[1:]
        for pk in (str(entry_a.pk), str(plain.pk))
        if pk in item.split(">", 1)[0]
    }
    badge = zh("turned into a case")
    assert badge in items[str(entry_a.pk)] and badge not in items[str(plain.pk)]
