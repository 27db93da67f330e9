"""The supervision register (干部监督工作登记册, R10): who writes under which heading, what the cadre's file
gets, recusal, audited reads, and the list's cost."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.text import untranslated
from gridwatch.people.models import CadreFileEntry, DeclaredRelation, FileEntryKind, RelationKind
from gridwatch.supervision import register
from gridwatch.supervision.models import RegisterAspect, RegisterEntry

from .conftest import team_member


@pytest.fixture
def community_org_b(community_b):
    return make_user("party_b", role=Role.COMMUNITY_ORG, area=community_b)


@pytest.fixture
def grid_deputy_a(grid_a):
    return team_member("deputy_a1", grid_a, role="deputy")


def write(actor, cadre, aspect=RegisterAspect.LIFE_STYLE, *, days_ago=1, content="生活简朴，无大操大办。"):
    return register.register_entry_create(
        actor=actor,
        cadre=cadre,
        aspect=aspect,
        recorded_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        content=content,
    )


@pytest.fixture
def entry_a(grid_leader_a, cadre_a):
    return write(grid_leader_a, cadre_a, RegisterAspect.NEIGHBOUR_RELATIONS)


# ------------------------------------------------------------------------------------------- services


def test_it_lets_the_grid_leader_deputy_and_party_organisation_write(
    grid_leader_a, grid_deputy_a, community_org_a, cadre_a, grid_a
):
    """The three writers of the grid each write an entry; it is kept in the cadre's supervising grid,
    its text encrypted."""
    for actor in (grid_leader_a, grid_deputy_a, community_org_a):
        entry = write(actor, cadre_a, RegisterAspect.SOCIAL_MORALITY, content="遵守公德")
        assert entry.grid == grid_a and entry.author == actor
    assert RegisterEntry.objects.filter(cadre=cadre_a).count() == 3
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM supervision_registerentry")
        assert all("遵守公德" not in row[0] for row in cursor.fetchall())


def test_it_refuses_the_supervisor_and_the_leader_of_another_grid(grid_supervisor, grid_a2, cadre_a):
    """Grid supervisors fill cards, not the register; a leader writes only for their own grid."""
    with pytest.raises(NotPermitted):
        write(grid_supervisor, cadre_a)
    with pytest.raises(NotPermitted):
        write(team_member("leader_a2", grid_a2, role="leader"), cadre_a)
    assert not RegisterEntry.objects.exists()


def test_it_keeps_the_party_assessment_to_the_community_party_organisation(
    grid_leader_a, community_org_a, cadre_a
):
    """Only the party organisation writes its main assessment; the grid leader may neither write it nor
    turn an entry into it, nor correct the organisation's assessment."""
    with pytest.raises(NotPermitted):
        write(grid_leader_a, cadre_a, RegisterAspect.PARTY_ASSESSMENT)
    assessment = write(community_org_a, cadre_a, RegisterAspect.PARTY_ASSESSMENT, content="评价：好")
    assert assessment.aspect == RegisterAspect.PARTY_ASSESSMENT
    own = write(grid_leader_a, cadre_a)
    with pytest.raises(NotPermitted):
        register.register_entry_update(
            actor=grid_leader_a,
            entry=own,
            aspect=RegisterAspect.PARTY_ASSESSMENT,
            recorded_on=own.recorded_on,
            content="x",
        )
    with pytest.raises(NotPermitted):
        register.register_entry_update(
            actor=grid_leader_a,
            entry=assessment,
            aspect=RegisterAspect.PARTY_ASSESSMENT,
            recorded_on=assessment.recorded_on,
            content="改写",
        )
    assert register.aspect_choices(grid_leader_a) == [
        c for c in RegisterAspect.choices if c[0] != RegisterAspect.PARTY_ASSESSMENT
    ]


def test_it_refuses_a_community_party_organisation_of_another_community(community_org_b, cadre_a):
    with pytest.raises(NotPermitted):
        write(community_org_b, cadre_a, RegisterAspect.PARTY_ASSESSMENT)


@time_machine.travel(datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC))
def test_it_refuses_a_future_date_and_an_empty_text(grid_leader_a, cadre_a):
    with pytest.raises(ValidationFailed) as exc:
        write(grid_leader_a, cadre_a, days_ago=-1)
    assert exc.value.field == "recorded_on"
    with pytest.raises(ValidationFailed) as exc:
        write(grid_leader_a, cadre_a, content="   ")
    assert exc.value.field == "content"


def test_it_lets_a_writer_of_the_same_grid_correct_and_moves_the_file_line(
    grid_leader_a, grid_deputy_a, cadre_a, entry_a
):
    """The deputy corrects the leader's entry: the heading and date of the file line follow; the audit
    event names the changed fields, never the text."""
    day = entry_a.recorded_on - datetime.timedelta(days=3)
    register.register_entry_update(
        actor=grid_deputy_a,
        entry=entry_a,
        aspect=RegisterAspect.FAMILY_RELATIONS,
        recorded_on=day,
        content="改正后",
    )
    entry_a.refresh_from_db()
    assert entry_a.content == "改正后" and entry_a.aspect == RegisterAspect.FAMILY_RELATIONS
    line = CadreFileEntry.objects.get(cadre=cadre_a, kind=FileEntryKind.OBSERVATION)
    assert line.details["heading"] == RegisterAspect.FAMILY_RELATIONS
    assert line.details["date"] == day.isoformat()
    event = AuditEvent.objects.filter(action="register.update").get()
    assert set(event.changes["fields"]) == {"aspect", "recorded_on", "content"}
    assert "改正后" not in str(event.changes) and "改正后" not in event.object_label


def test_it_writes_the_heading_and_date_to_the_cadres_file_without_the_text(grid_leader_a, cadre_a):
    entry = write(grid_leader_a, cadre_a, RegisterAspect.COMMUNITY_WELFARE, content="参加志愿服务两次")
    line = CadreFileEntry.objects.get(cadre=cadre_a, kind=FileEntryKind.OBSERVATION)
    assert line.kind == FileEntryKind.OBSERVATION
    assert line.details["register_entry"] == str(entry.pk)
    assert "参加志愿服务" not in str(line.details) and "参加志愿服务" not in line.title
    with translation.override("zh-hans"):
        assert line.display_title == zh(
            register.FILE_TITLE,
            heading=zh("Part in community welfare activities"),
            date=entry.recorded_on.isoformat(),
        )
    event = AuditEvent.objects.get(action="register.create")
    assert "参加志愿服务" not in str(event.changes)
    assert cadre_a.name not in event.object_label


def test_it_refuses_a_writer_conflicted_with_the_cadre(grid_leader_a, cadre_a):
    DeclaredRelation.objects.create(user=grid_leader_a, cadre=cadre_a, kind=RelationKind.KIN)
    with pytest.raises(ValidationFailed) as exc:
        write(grid_leader_a, cadre_a)
    assert exc.value.field == "cadre"


# ------------------------------------------------------------------------------------------- cadre file


def test_it_shows_the_file_line_to_staff_and_not_to_the_cadre_or_their_unit(
    as_user, entry_a, cadre_a, cadre_user, township_officer_a, unit_liaison
):
    """Staff with the cadre in jurisdiction see the observation on the cadre file; the cadre's own "My
    file" page and their unit's liaison do not (a cadre sees verified facts only)."""
    heading = zh("Neighbour relations")
    body = as_user(township_officer_a).get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert heading in body
    response = as_user(cadre_user).get(reverse("people:my_file"))
    assert response.status_code == 200
    assert heading not in response.content.decode()
    response = as_user(unit_liaison).get(reverse("people:cadre_detail", args=[cadre_a.pk]))
    assert response.status_code == 200 and heading not in response.content.decode()


# ------------------------------------------------------------------------------------------- recusal


def test_it_hides_entries_about_a_declared_relation(as_user, entry_a, cadre_a, township_officer_a):
    """A township officer who declared a relation to the cadre neither lists the entries nor opens the
    cadre's register (404); other officers do."""
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.SPOUSE)
    client = as_user(township_officer_a)
    assert client.get(reverse("supervision:register_cadre", args=[cadre_a.pk])).status_code == 404
    body = client.get(reverse("supervision:register_list")).content.decode()
    assert cadre_a.name not in body
    assert client.get(reverse("supervision:register_update", args=[entry_a.pk])).status_code in (403, 404)


def test_it_hides_entries_about_a_cadre_of_ones_own_unit(as_user, grid_leader_a, unit_a, grid_a, cadre_a):
    """A grid leader who is a cadre of the same unit as the cadre does not see the entries about them."""
    colleague = make_cadre("王强", unit_a, grid_a)
    colleague.user = grid_leader_a
    colleague.save(update_fields=["user"])
    community_org = make_user("party_a2", role=Role.COMMUNITY_ORG, area=grid_a.parent)
    write(community_org, cadre_a)
    client = as_user(grid_leader_a)
    assert client.get(reverse("supervision:register_cadre", args=[cadre_a.pk])).status_code == 404
    assert not register.register_entries_for(grid_leader_a).exists()


# ------------------------------------------------------------------------------------------- pages


def test_it_groups_a_cadres_register_by_heading_and_audits_the_read(
    as_user, community_org_a, grid_leader_a, cadre_a
):
    write(grid_leader_a, cadre_a, RegisterAspect.LIFE_STYLE, content="上下班步行")
    write(community_org_a, cadre_a, RegisterAspect.PARTY_ASSESSMENT, content="评价：好")
    response = as_user(community_org_a).get(reverse("supervision:register_cadre", args=[cadre_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for _value, label in RegisterAspect.choices:
        assert escape(zh(untranslated(label))) in body
    assert body.index("上下班步行") < body.index("评价：好")
    event = AuditEvent.objects.filter(action="register.view").get()
    assert event.object_id == str(cadre_a.pk) and event.changes == {"entries": 2}
    assert "上下班步行" not in str(event.changes)


def test_it_saves_an_entry_from_the_form_once(as_user, grid_leader_a, cadre_a):
    client = as_user(grid_leader_a)
    form = client.get(reverse("supervision:register_create"), {"cadre": str(cadre_a.pk)})
    assert form.status_code == 200
    token = form.context["submission"]
    data = {
        "cadre": str(cadre_a.pk),
        "aspect": RegisterAspect.NEIGHBOUR_RELATIONS,
        "recorded_on": timezone.localdate().isoformat(),
        "content": "邻里和睦",
        "submission": token,
    }
    response = client.post(reverse("supervision:register_create"), data)
    assert response.status_code == 302
    assert response.url == reverse("supervision:register_cadre", args=[cadre_a.pk])
    client.post(reverse("supervision:register_create"), data)
    assert RegisterEntry.objects.count() == 1


def test_it_does_not_offer_the_party_assessment_to_the_grid_leader(as_user, grid_leader_a, cadre_a):
    body = as_user(grid_leader_a).get(reverse("supervision:register_create")).content.decode()
    assert 'value="party_assessment"' not in body
    response = as_user(grid_leader_a).post(
        reverse("supervision:register_create"),
        {
            "cadre": str(cadre_a.pk),
            "aspect": "party_assessment",
            "recorded_on": timezone.localdate().isoformat(),
            "content": "评价",
        },
    )
    assert response.status_code == 400 and not RegisterEntry.objects.exists()


def test_it_audits_the_read_of_the_edit_form(as_user, grid_leader_a, entry_a):
    response = as_user(grid_leader_a).get(reverse("supervision:register_update", args=[entry_a.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="register.view", object_id=str(entry_a.pk)).exists()


def _fill(n, author, cadre):
    for i in range(n):
        write(author, cadre, list(RegisterAspect)[i % 5], days_ago=i % 28)


def test_it_lists_entries_in_a_fixed_number_of_queries(
    as_user, township_officer_a, grid_leader_a, cadre_a, unit_b, grid_a, django_assert_max_num_queries
):
    """2 rows and 20 rows of several cadres cost the same; the list shows no text."""
    client = as_user(township_officer_a)
    other = make_cadre("赵敏", unit_b, grid_a)
    _fill(1, grid_leader_a, cadre_a)
    _fill(1, grid_leader_a, other)
    with django_assert_max_num_queries(16) as small:
        response = client.get(reverse("supervision:register_list"))
    assert response.status_code == 200
    assert "生活简朴" not in response.content.decode()
    _fill(9, grid_leader_a, cadre_a)
    _fill(9, grid_leader_a, other)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("supervision:register_list"))
    assert zh("%(n)s entries", n="20") in response.content.decode()
    with django_assert_max_num_queries(len(small.captured_queries) + 1):
        assert client.get(reverse("supervision:register_list"), {"grid": grid_a.code}).status_code == 200
