"""Notices issued at the same moment to the same cadre each count the others (ordinals 1…n, no two alike) and
get references of their own, on a file database configured as in production: the cadre's row is locked while
the count is taken and the year's reference counter is one row that the issuing transaction updates. A
decision on an appeal takes the same lock before it withdraws a notice, so a grant and an issue to the same
cadre wait for each other."""

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from gridwatch.conftest import run_django_script
from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.models import AppealDecision, NoticeStatus, WarningNotice
from gridwatch.people.models import Cadre

from .conftest import issue

CONCURRENT_ISSUES = r"""
import sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from gridwatch.accounts.models import RoleAssignment, User
from gridwatch.accounts.roles import Role
from gridwatch.cases import services as cases
from gridwatch.cases.models import Channel, Circle, Finding, ReportStatus
from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.models import WarningNotice
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level
from gridwatch.people import services as people
from gridwatch.people.models import Gender, Rank, UnitKind

N = int(sys.argv[1])
county = geo.area_create(actor=None, code="522729000000", name="长顺县", level=Level.COUNTY, kind=Kind.COUNTY)
town = geo.area_create(actor=None, code="522729101000", name="广顺镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=county)
community = geo.area_create(actor=None, code="522729101001", name="南场社区", level=Level.COMMUNITY, kind=Kind.COMMUNITY, parent=town)
grid = geo.area_create(actor=None, code="522729101001001", name="南场社区第1网格", level=Level.GRID, kind=Kind.GRID, parent=community)
unit = people.unit_create(actor=None, name="县财政局", kind=UnitKind.GOVERNMENT, area=county)
cadre = people.cadre_create(actor=None, name="张伟", unit=unit, residence_grid=grid, gender=Gender.MALE,
                            birth_year=1975, position="副局长", rank=Rank.SECTION_DEPUTY, phone="13800000000")
issuers = []
for i in range(N):
    user = User.objects.create_user(username=f"office{i}", password="x", display_name=f"office{i}")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, area=county)
    issuers.append(user)
reports = []
for i in range(N):
    report, _code = cases.report_submit(actor=None, channel=Channel.WEB, circle=Circle.SOCIAL, what="x",
                                        grid=grid, subject_cadre=cadre, fallback_path=grid.path)
    report.status, report.finding, report.finding_summary = ReportStatus.CONCLUDED, Finding.SUBSTANTIATED, "s"
    report.warning_proposed = True
    report.save()
    reports.append(report)
connection.close()
errors = []
barrier = threading.Barrier(N)
def issue(i):
    try:
        barrier.wait()
        services.notice_issue(actor=issuers[i], report=reports[i], problem="p")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=issue, args=(i,)) for i in range(N)]
[t.start() for t in threads]
[t.join() for t in threads]
ordinals = sorted(WarningNotice.objects.values_list("ordinal", flat=True))
references = set(WarningNotice.objects.values_list("reference", flat=True))
explanations = WarningNotice.objects.filter(follow_ups__kind="explanation").count()
print(len(errors), errors[:1], ordinals == list(range(1, N + 1)), len(references) == N, explanations == N - 2)
"""


def _check(result):
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("True True True"), result.stdout
    assert result.stdout.split()[:1] == ["0"], result.stdout


def test_it_numbers_notices_issued_at_once_on_sqlite(tmp_path):
    _check(run_django_script(CONCURRENT_ISSUES, "5", sqlite_path=tmp_path / "warnings.sqlite3"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs the PostgreSQL server of the test run")
def test_it_numbers_notices_issued_at_once_on_postgresql(django_db_blocker):
    """On a scratch database of the same server (the test database's connection is kept out of it)."""
    import psycopg
    from django.conf import settings

    params = settings.DATABASES["default"]
    name = f"{params['NAME']}_warnconc"[:63]
    conninfo = {
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    conninfo = {k: v for k, v in conninfo.items() if v}
    with psycopg.connect(**conninfo, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        host = conninfo.get("host", "127.0.0.1")
        port = conninfo.get("port", 5432)
        user = conninfo.get("user", "postgres")
        password = f":{conninfo['password']}" if conninfo.get("password") else ""
        url = f"postgres://{user}{password}@{host}:{port}/{name}"
        _check(run_django_script(CONCURRENT_ISSUES, "8", database_url=url))
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_it_locks_the_cadre_before_deciding_an_appeal(monkeypatch, office, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    services.notice_appeal(actor=cadre_user, notice=notice, statement="认定事实有误")
    steps = []
    lock, save = QuerySet.select_for_update, WarningNotice.save

    def spy_lock(self, *args, **kwargs):
        steps.append(("lock", self.model, kwargs.get("no_key", False)))
        return lock(self, *args, **kwargs)

    def spy_save(self, *args, **kwargs):
        steps.append(("save", self.status))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy_lock)
    monkeypatch.setattr(WarningNotice, "save", spy_save)
    with CaptureQueriesContext(connection) as queries:
        services.appeal_decide(actor=office, notice=notice, decision=AppealDecision.GRANTED, reason="理由")
    cadre_lock = ("lock", Cadre, True)
    assert cadre_lock in steps
    assert steps.index(cadre_lock) < steps.index(("save", NoticeStatus.WITHDRAWN))
    if connection.vendor == "postgresql":
        sql = [q["sql"] for q in queries.captured_queries]
        locked = next(i for i, q in enumerate(sql) if '"people_cadre"' in q and "FOR NO KEY UPDATE" in q)
        updated = next(i for i, q in enumerate(sql) if q.startswith('UPDATE "formal_warnings_warningnotice"'))
        assert locked < updated
