"""Writing, correcting and listing the sentiment diary."""

import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gridwatch.audit.models import AuditEvent
from gridwatch.cases import receipts
from gridwatch.conftest import FOLD_CONTEXT, filter_fold, make_cadre, zh
from gridwatch.geography.models import GridTeamMember
from gridwatch.supervision.models import DiaryEntry

from .conftest import write_entry

HEARD = "居民反映某干部工作日晚上常在夜市喝酒到很晚"
PEOPLE = "夜市摊主李某、两位散步的老人"
PLACE = "步行街夜市"


def post_entry(client, **extra):
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "place": PLACE,
        "people_met": PEOPLE,
        "heard": HEARD,
        "circle": "life",
        "cadre": "",
        "submission": receipts.submission_token_new(),
    }
    data.update(extra)
    return client.post(reverse("supervision:diary_create"), data)


def test_it_saves_an_entry_for_the_writers_grid(as_user, grid_supervisor, grid_a, cadre_a):
    client = as_user(grid_supervisor)
    response = post_entry(client, cadre=str(cadre_a.pk))
    entry = DiaryEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:diary_detail", args=[entry.pk])
    assert (entry.grid, entry.author, entry.cadre, entry.circle) == (grid_a, grid_supervisor, cadre_a, "life")
    assert entry.visited_on == timezone.localdate()
    body = client.get(response["Location"]).content.decode()
    assert HEARD in body and PEOPLE in body and PLACE in body and cadre_a.name in body
    assert zh("The diary entry was saved.") in body


def test_it_keeps_what_was_heard_encrypted_and_out_of_the_audit_log(as_user, grid_supervisor, cadre_a):
    post_entry(as_user(grid_supervisor), cadre=str(cadre_a.pk))
    entry = DiaryEntry.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT heard, people_met FROM supervision_diaryentry")
        [(heard, people)] = cursor.fetchall()
    assert HEARD not in heard and PEOPLE not in people
    event = AuditEvent.objects.get(action="diary.create")
    assert event.object_id == str(entry.pk) and event.actor_id == grid_supervisor.pk
    recorded = str(event.changes) + event.object_label
    for secret in (HEARD, PEOPLE, PLACE, str(cadre_a.pk), cadre_a.name):
        assert secret not in recorded


def test_it_offers_today_as_the_date_and_no_later_one(as_user, grid_supervisor):
    body = as_user(grid_supervisor).get(reverse("supervision:diary_create")).content.decode()
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in body and f'max="{today}"' in body


def test_it_refuses_a_date_in_the_future_and_keeps_the_form(as_user, grid_supervisor):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_entry(as_user(grid_supervisor), visited_on=tomorrow.isoformat())
    body = response.content.decode()
    assert response.status_code == 400 and not DiaryEntry.objects.exists()
    assert zh("The date of the visit cannot be in the future.") in body
    assert HEARD in body and PEOPLE in body and PLACE in body and tomorrow.isoformat() in body


def test_it_refuses_an_entry_with_nothing_heard_and_keeps_the_form(as_user, grid_supervisor):
    response = post_entry(as_user(grid_supervisor), heard="   ")
    body = response.content.decode()
    assert response.status_code == 400 and not DiaryEntry.objects.exists()
    assert zh("Write what you heard.") in body
    assert PEOPLE in body and PLACE in body


def test_it_refuses_a_cadre_of_another_grid(as_user, grid_supervisor, cadre_b):
    response = post_entry(as_user(grid_supervisor), cadre=str(cadre_b.pk))
    assert response.status_code == 400 and not DiaryEntry.objects.exists()
    assert HEARD in response.content.decode()


def test_it_saves_one_entry_when_the_form_is_sent_twice(as_user, grid_supervisor):
    client = as_user(grid_supervisor)
    token = receipts.submission_token_new()
    assert post_entry(client, submission=token).status_code == 302
    response = post_entry(client, submission=token)
    assert response.status_code == 302 and response["Location"] == reverse("supervision:diary_list")
    assert DiaryEntry.objects.count() == 1
    assert (
        zh("This entry was already saved: the form was sent twice.")
        in client.get(response["Location"]).content.decode()
    )


def test_it_lets_a_member_of_two_grid_teams_choose_the_grid(
    as_user, grid_supervisor, grid_a2, unit_b, cadre_a
):
    GridTeamMember.objects.create(grid=grid_a2, user=grid_supervisor, role="leader")
    other = make_cadre("赵敏", unit_b, grid_a2)
    client = as_user(grid_supervisor)
    form = client.get(reverse("supervision:diary_create")).content.decode()
    assert grid_a2.code in form and str(other.pk) in form and str(cadre_a.pk) in form
    response = post_entry(client, grid=grid_a2.code, cadre=str(cadre_a.pk))
    assert response.status_code == 400 and not DiaryEntry.objects.exists()
    assert zh("Pick a cadre supervised in this grid.") in response.content.decode()
    assert post_entry(client, grid=grid_a2.code, cadre=str(other.pk)).status_code == 302
    assert DiaryEntry.objects.get().grid == grid_a2


def test_it_lets_the_author_correct_the_entry(as_user, grid_supervisor, entry_a):
    client = as_user(grid_supervisor)
    response = client.post(
        reverse("supervision:diary_update", args=[entry_a.pk]),
        {
            "visited_on": entry_a.visited_on.isoformat(),
            "place": "小区门口",
            "heard": "更正：是打牌不是打麻将",
        },
    )
    assert response.status_code == 302
    entry_a.refresh_from_db()
    assert (entry_a.place, entry_a.heard, entry_a.people_met) == ("小区门口", "更正：是打牌不是打麻将", "")
    assert entry_a.cadre is None and entry_a.circle == ""
    event = AuditEvent.objects.get(action="diary.update")
    assert event.changes == {"fields": ["place", "people_met", "heard", "circle", "cadre"]}


def test_it_keeps_the_edit_form_when_the_date_is_in_the_future(as_user, grid_supervisor, entry_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = as_user(grid_supervisor).post(
        reverse("supervision:diary_update", args=[entry_a.pk]),
        {"visited_on": tomorrow.isoformat(), "heard": "新写的内容"},
    )
    assert response.status_code == 400
    assert zh("The date of the visit cannot be in the future.") in response.content.decode()
    assert "新写的内容" in response.content.decode()
    entry_a.refresh_from_db()
    assert entry_a.visited_on < tomorrow and entry_a.heard != "新写的内容"
    assert not AuditEvent.objects.filter(action="diary.update").exists()


def test_it_lists_the_newest_visit_first(as_user, grid_supervisor, grid_a):
    old = write_entry(grid_supervisor, grid_a, days_ago=20, heard="二十天前听到的")
    new = write_entry(grid_supervisor, grid_a, days_ago=2, heard="两天前听到的")
    body = as_user(grid_supervisor).get(reverse("supervision:diary_list")).content.decode()
    assert body.index(str(new.pk)) < body.index(str(old.pk))


def test_it_filters_by_month(as_user, grid_supervisor, grid_a):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    earlier = write_entry(grid_supervisor, grid_a, days_ago=(today - last_month).days, heard="上月听到的")
    current = write_entry(grid_supervisor, grid_a, days_ago=0, heard="本月听到的")
    client = as_user(grid_supervisor)
    body = client.get(reverse("supervision:diary_list"), {"month": last_month.strftime("%Y-%m")}).content
    body = body.decode()
    assert str(earlier.pk) in body and str(current.pk) not in body
    assert f'<option value="{last_month:%Y-%m}" selected>' in body
    # A month the browser could not send (typed by hand) is ignored, not an error.
    body = client.get(reverse("supervision:diary_list"), {"month": "May"}).content.decode()
    assert str(earlier.pk) in body and str(current.pk) in body


def test_it_filters_by_cadre_and_grid(as_user, township_officer_a, grid_supervisor, grid_a, grid_a2, cadre_a):
    about = write_entry(grid_supervisor, grid_a, cadre=cadre_a)
    general = write_entry(grid_supervisor, grid_a, heard="没有具体对象")
    from .conftest import team_member

    elsewhere = write_entry(team_member("s_a2", grid_a2), grid_a2, heard="第2网格")
    client = as_user(township_officer_a)
    body = client.get(reverse("supervision:diary_list"), {"cadre": str(cadre_a.pk)}).content.decode()
    assert str(about.pk) in body and str(general.pk) not in body and str(elsewhere.pk) not in body
    body = client.get(reverse("supervision:diary_list"), {"grid": grid_a2.code}).content.decode()
    assert str(elsewhere.pk) in body and str(about.pk) not in body
    body = client.get(reverse("supervision:diary_list"), {"cadre": "not-a-uuid"}).content.decode()
    assert all(str(e.pk) in body for e in (about, general, elsewhere))


def _fill(n, author, grid, cadre):
    for i in range(n):
        write_entry(author, grid, days_ago=i % 28, cadre=cadre if i % 2 else None)


def test_it_lists_entries_in_a_fixed_number_of_queries(
    as_user, township_officer_a, grid_supervisor, grid_a, cadre_a, django_assert_max_num_queries
):
    client = as_user(township_officer_a)
    _fill(3, grid_supervisor, grid_a, cadre_a)
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("supervision:diary_list")).status_code == 200
    _fill(40, grid_supervisor, grid_a, cadre_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("supervision:diary_list"), {"cadre": str(cadre_a.pk)})
    assert response.status_code == 200
    assert zh("%(n)s entries", n="21") in response.content.decode()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("supervision:diary_list"), {"page": "2"}).status_code == 200


def test_it_folds_its_filters_on_phones_and_counts_only_those_it_offers(
    as_user, township_officer_a, grid_supervisor, grid_a, grid_a2, cadre_a
):
    """The diary's selects wait behind the "Filters" button on a phone, closed while none is set; set, the
    fold comes open with their number. A grid in the address of someone with one grid (no grid select)
    is no filter to count."""
    write_entry(grid_supervisor, grid_a, cadre=cadre_a)
    township = as_user(township_officer_a)
    is_open, label, inside = filter_fold(township.get(reverse("supervision:diary_list")).content.decode())
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)
    assert all(f'id="{select}"' in inside for select in ("f-grid", "f-month", "f-cadre"))
    params = {"grid": grid_a.code, "cadre": str(cadre_a.pk)}
    is_open, label, _inside = filter_fold(
        township.get(reverse("supervision:diary_list"), params).content.decode()
    )
    assert is_open and label == zh("Filters (%(n)s)", context=FOLD_CONTEXT, n=2)
    supervisor = as_user(grid_supervisor)
    body = supervisor.get(reverse("supervision:diary_list"), {"grid": grid_a.code}).content.decode()
    is_open, label, inside = filter_fold(body)
    assert 'id="f-grid"' not in inside
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)
