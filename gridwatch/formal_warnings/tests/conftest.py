"""Fixtures of the warning tests: findings proposed for a warning notice, with a sentinel in the report's
wording and the reporter's identity (neither may ever reach the cadre or the unit), and notices issued
through the services."""

import datetime

import pytest

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases.models import Finding, ReportStatus
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user
from gridwatch.formal_warnings import services

SENTINEL = "SENTINEL-7f3a"
SUMMARY = "经核实，该同志多次在工作日午间饮酒，影响工作。"
PROBLEM = "工作日午间饮酒，影响工作作风。"


def proposed(cadre, grid=None, *, finding=Finding.SUBSTANTIATED, summary=SUMMARY, proposed=True):
    """A report about ``cadre`` concluded with an adverse finding and proposed for a warning notice. The
    finding is recorded on the model directly (the handling services are the cases app's)."""
    report, _code = file_report(
        subject_cadre=cadre,
        grid=grid or cadre.supervising_grid,
        what=f"举报内容 {SENTINEL}",
        when=f"时间 {SENTINEL}",
        where=f"地点 {SENTINEL}",
        reporter_name=f"举报人{SENTINEL}",
        reporter_phone="13912345678",
    )
    report.status = ReportStatus.CONCLUDED
    report.finding = finding
    report.finding_summary = summary
    report.finding_on = datetime.date.today()
    report.warning_proposed = proposed
    report.save()
    return report


def issue(actor, cadre, *, problem=PROBLEM):
    return services.notice_issue(actor=actor, report=proposed(cadre), problem=problem)


def last_seq():
    event = AuditEvent.objects.order_by("-seq").first()
    return event.seq if event else 0


def actions_since(seq):
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


@pytest.fixture
def proposal_a(cadre_a):
    return proposed(cadre_a)


@pytest.fixture
def notice_a(office, cadre_a):
    return issue(office, cadre_a)


@pytest.fixture
def unit_liaison_b(unit_b):
    return make_user("liaison_unit_b", role=Role.UNIT_LIAISON, unit=unit_b)


@pytest.fixture
def liaison_a(township_a, grid_a):
    """A commission liaison linked to township A (and grid A1)."""
    from gridwatch.geography.models import Liaison

    user = make_user("liaison_a")
    liaison = Liaison.objects.create(user=user, grid=grid_a)
    liaison.townships.add(township_a)
    return user
