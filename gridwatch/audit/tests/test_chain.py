"""The audit trail (SECURITY.md item 8): one event per write, an append-only table, a hash chain whose
verify command names the first broken, missing or cut event, and one chain under concurrent writers."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from gridwatch.accounts import services as accounts
from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent, AuditHead
from gridwatch.audit.services import audit_log, verify_chain
from gridwatch.conftest import make_user, run_django_script
from gridwatch.geography import services as geo
from gridwatch.geography.models import GridTeamMember, Kind, Level
from gridwatch.people import services as people


class one_event:
    """``with one_event("cadre.update"): ...`` fails unless the block appended exactly that one event."""

    def __init__(self, action):
        self.action = action

    def __enter__(self):
        self.before = AuditEvent.objects.count()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            new = list(AuditEvent.objects.order_by("seq")[self.before :].values_list("action", flat=True))
            assert new == [self.action], f"expected one {self.action} event, got {new}"


def verify():
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def disable_append_only():
    """Tests that play the attacker first remove the database's refusal (as someone with DDL rights could)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


@pytest.fixture
def chain(db):
    for i in range(1, 6):
        audit_log(actor=None, action="test.event", object_type="test", object_id=str(i), changes={"n": i})
    return list(AuditEvent.objects.order_by("seq"))


# --- one event per write ---------------------------------------------------------------------------


def test_it_audits_each_geography_write_once(county, township_a, grid_a, county_officer):
    with one_event("area.create"):
        geo.area_create(
            actor=county_officer,
            code="522729101002",
            name="新社区",
            level=Level.COMMUNITY,
            kind=Kind.COMMUNITY,
            parent=township_a,
        )
    with one_event("area.update"):
        geo.area_update(actor=county_officer, area=grid_a, description="南场路以东")
    supervisor = make_user("sup1")
    with one_event("grid_team.add"):
        member = geo.team_member_add(actor=county_officer, grid=grid_a, user=supervisor, role="supervisor")
    geo.team_member_add(actor=county_officer, grid=grid_a, user=make_user("sup2"), role="supervisor")
    with one_event("grid_team.remove"):
        geo.team_member_remove(actor=county_officer, member=member)
    assert not GridTeamMember.objects.filter(user=supervisor).exists()


def test_it_audits_each_people_write_once(county, unit_a, grid_a, county_officer):
    with one_event("cadre.create"):
        cadre = people.cadre_create(
            actor=county_officer,
            name="周杰",
            gender="male",
            birth_year=1980,
            unit=unit_a,
            position="科长",
            rank="section_chief",
            residence_grid=grid_a,
            phone="13700000000",
        )
    with one_event("cadre.update"):
        cadre = people.cadre_update(actor=county_officer, cadre=cadre, position="副局长", phone="13711111111")
    with one_event("unit.set_head"):
        people.unit_set_head(actor=county_officer, unit=unit_a, head=cadre)
    with one_event("collection_round.open"):
        rnd = people.round_open(
            actor=county_officer,
            title="2026 年干部信息采集",
            deadline=datetime.date.today() + datetime.timedelta(days=10),
        )
    with one_event("collection_round.submit"):
        people.unit_submit(actor=county_officer, round=rnd, unit=unit_a)
    with one_event("collection_round.close"):
        people.round_close(actor=county_officer, round=rnd)
    with one_event("cadre.phone_view"):
        assert people.cadre_phone_reveal(actor=county_officer, cadre=cadre) == "13711111111"


def test_it_never_writes_a_phone_into_the_audit_trail(county, unit_a, grid_a, county_officer, cadre_a):
    people.cadre_update(actor=county_officer, cadre=cadre_a, phone="13722223333")
    for event in AuditEvent.objects.all():
        assert "13722223333" not in str(event.changes) and "13800000000" not in str(event.changes)


def test_it_audits_each_accounts_write_once(county, system_admin):
    with one_event("user.create"):
        user = accounts.user_create(actor=system_admin, username="new_officer", password="Mountain-Tea-77")
    with one_event("role.grant"):
        accounts.role_grant(actor=system_admin, user=user, role=Role.COUNTY_STAFF, area=county)
    with one_event("role.revoke"):
        accounts.role_revoke(actor=system_admin, assignment=RoleAssignment.objects.get(user=user))
    with one_event("user.disable"):
        accounts.user_set_active(actor=system_admin, user=user, active=False)
    with one_event("user.enable"):
        accounts.user_set_active(actor=system_admin, user=user, active=True)
    with one_event("user.password_change"):
        accounts.user_password_change(actor=system_admin, user=user, password="River-Stone-82")
    with one_event("user.logout_everywhere"):
        accounts.user_logout_everywhere(actor=user, user=user)


def test_it_writes_nothing_when_a_service_refuses(county, unit_a, county_officer):
    from gridwatch.core.errors import ValidationFailed

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        people.unit_create(actor=county_officer, name=unit_a.name, kind=unit_a.kind, area=county)
    assert AuditEvent.objects.count() == before


def test_it_rolls_the_event_back_with_a_failed_change(db):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log(actor=None, action="test.event")
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


# --- append-only ---------------------------------------------------------------------------------


def test_it_refuses_to_update_an_event(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=chain[2].seq).update(action="test.changed")
    assert AuditEvent.objects.get(seq=chain[2].seq).action == "test.event"


def test_it_refuses_to_update_an_event_by_raw_sql(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_label = 'x' WHERE seq = %s", [chain[0].seq])


def test_it_refuses_to_delete_an_event(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=chain[-1].seq).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        chain[0].delete()
    assert AuditEvent.objects.count() == len(chain)


def test_it_offers_no_way_to_change_events_in_the_app():
    """No edit or delete route, and the admin does not edit events (read-only if registered at all)."""
    from django.contrib import admin
    from django.test import RequestFactory

    from gridwatch.core.tests.test_url_policies import routes

    audit_routes = [name for name, _, _ in routes() if name and name.startswith("audit:")]
    assert set(audit_routes) == {"audit:event_list", "audit:event_export"}
    model_admin = admin.site._registry.get(AuditEvent)
    if model_admin is not None:
        request = RequestFactory().get("/")
        request.user = make_user("superuser_probe")
        request.user.is_superuser = True
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


# --- verify ----------------------------------------------------------------------------------------


def test_it_verifies_a_whole_chain(chain):
    assert "5 events verified" in verify()


def test_it_names_an_altered_event(chain):
    disable_append_only()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = '99' WHERE seq = %s", [chain[2].seq])
    with pytest.raises(CommandError, match=rf"event #{chain[2].seq} was altered"):
        verify()


def test_it_names_an_event_whose_hash_was_recomputed(chain):
    """An attacker who fixes the altered row's own hash still breaks the link to the next event."""
    from gridwatch.audit.services import compute_hash

    disable_append_only()
    ev = chain[1]
    new_hash = compute_hash(
        seq=ev.seq,
        at=ev.at,
        actor_id=ev.actor_id,
        actor_label=ev.actor_label,
        action="test.forged",
        object_type=ev.object_type,
        object_id=ev.object_id,
        object_label=ev.object_label,
        changes=ev.changes,
        prev_hash=ev.prev_hash,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'test.forged', hash = %s WHERE seq = %s", [new_hash, ev.seq]
        )
    with pytest.raises(CommandError, match=rf"event #{chain[2].seq} does not link"):
        verify()


def test_it_names_a_deleted_middle_event(chain):
    disable_append_only()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [chain[2].seq])
    with pytest.raises(CommandError, match=rf"event #{chain[2].seq} is missing"):
        verify()


def test_it_notices_a_cut_tail(chain):
    disable_append_only()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [chain[-1].seq])
    with pytest.raises(CommandError, match=rf"event #{chain[-1].seq} was written: the tail was cut"):
        verify()


def test_it_notices_swapped_events(chain):
    disable_append_only()
    a, b = chain[1], chain[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", [a.seq])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a.seq, b.seq])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", [b.seq])
    with pytest.raises(CommandError, match=rf"event #{a.seq}"):
        verify()


# --- concurrency -----------------------------------------------------------------------------------


def _write_concurrently(threads=5, per_thread=10):
    AuditHead.objects.get_or_create(id=1)  # as migration 0002 leaves it (a flush may have removed it)
    errors = []
    start = threading.Barrier(threads)

    def writer(n):
        try:
            start.wait()
            for i in range(per_thread):
                audit_log(actor=None, action="test.concurrent", object_id=f"{n}-{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


def _assert_one_chain(expected):
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEvent.objects.filter(action="test.concurrent").count() == expected
    assert AuditHead.objects.get().seq == len(seqs)
    result = verify_chain()
    assert result.ok, result.problem


CONCURRENT_SQLITE = """
import threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from gridwatch.audit.models import AuditEvent
from gridwatch.audit.services import audit_log, verify_chain
errors = []
barrier = threading.Barrier(5)
def writer(n):
    try:
        barrier.wait()
        for i in range(10):
            audit_log(actor=None, action="test.concurrent", object_id=f"{n}-{i}")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=writer, args=(n,)) for n in range(5)]
[t.start() for t in threads]
[t.join() for t in threads]
seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
result = verify_chain()
print(len(errors), errors[:1], seqs == list(range(1, len(seqs) + 1)),
      AuditEvent.objects.filter(action="test.concurrent").count(), result.ok, result.problem)
"""


def test_it_makes_one_chain_from_concurrent_writers_on_sqlite(tmp_path):
    """Five threads write 50 events to a file database configured as in production (WAL, immediate
    transactions, busy timeout). It runs in a subprocess because the test database is SQLite's
    shared-cache in-memory database, whose table locks fail at once instead of waiting."""
    result = run_django_script(CONCURRENT_SQLITE, sqlite_path=tmp_path / "chain.sqlite3")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[:1] == ["0"], result.stdout
    assert result.stdout.strip().endswith("True 50 True"), result.stdout


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the in-process variant runs on PostgreSQL (CI)"
)
# serialized_rollback: Django keeps a copy of what the migrations loaded, which conftest.py puts back after the
# flush that ends this test (the tests after it in this process expect the four-circles checklist).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_makes_one_chain_from_concurrent_writers_on_postgresql():
    errors = _write_concurrently(threads=10, per_thread=5)
    assert not errors, errors
    _assert_one_chain(50)
