"""Fixtures of the analysis pack tests: rows of each app made small and direct (the services that write
them are tested in their own apps), placed in the last full month (``PERIOD``) or before it."""

import datetime
import itertools

import pytest
from django.utils import timezone

from gridwatch.cases.models import Report
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user
from gridwatch.dashboard.periods import last_full_month
from gridwatch.formal_warnings.models import FollowUp, WarningNotice
from gridwatch.geography.models import Liaison
from gridwatch.supervision.models import DiaryEntry, Inspection

_references = itertools.count(1)


def today():
    return timezone.localdate()


def period():
    """The pack's default period: the last full month."""
    return last_full_month(today())


def in_period(day=10):
    return period().start.replace(day=day)


def before_period():
    return period().start - datetime.timedelta(days=3)


def yesterday():
    return today() - datetime.timedelta(days=1)


def report(cadre, *, received_on=None, status="received", overdue=False, **fields):
    """A report about ``cadre`` received on ``received_on`` (in the period by default), with no time limit
    pending unless ``overdue`` (then its time limit for passing it on ended yesterday)."""
    created, _code = file_report(subject_cadre=cadre, grid=cadre.supervising_grid)
    values = {
        "received_on": received_on or in_period(),
        "status": status,
        "transfer_due": yesterday() if overdue else None,
        "verify_due": None,
        "acceptance_reply_due": None,
        "result_reply_due": None,
        **fields,
    }
    Report.objects.filter(pk=created.pk).update(**values)
    created.refresh_from_db()
    return created


def notice(cadre, *, status="in_force", issued_on=None, overdue_follow_up=False, ordinal=1):
    """A warning notice to ``cadre`` (on its own concluded report), with an education follow-up open until
    tomorrow, or until yesterday when ``overdue_follow_up``."""
    basis = report(cadre, status="concluded", finding="substantiated", finding_on=before_period())
    created = WarningNotice.objects.create(
        reference=f"YJ-T-{next(_references):05d}",
        cadre=cadre,
        unit=cadre.unit,
        report=basis,
        ordinal=ordinal,
        problem="工作日午间饮酒",
        issued_on=issued_on or in_period(),
        status=status,
        appealed_at=timezone.now() if status != "in_force" else None,
        decided_at=timezone.now() if status == "withdrawn" else None,
        decision="granted" if status == "withdrawn" else "",
    )
    due = yesterday() if overdue_follow_up else today() + datetime.timedelta(days=1)
    FollowUp.objects.create(notice=created, kind="education", due_on=due)
    return created


def diary(author, grid, *, visited_on=None, cadre=None):
    return DiaryEntry.objects.create(
        grid=grid, author=author, visited_on=visited_on or in_period(), heard="听说", cadre=cadre
    )


def inspection(inspector, grid, *, inspected_on=None, kind="regular", correct_by=None, cadres=()):
    """An inspection of ``grid`` in the period (open when ``correct_by`` is given), naming ``cadres``."""
    created = Inspection.objects.create(
        grid=grid,
        kind=kind,
        inspected_on=inspected_on or in_period(),
        inspector=inspector,
        findings="公开栏未更新",
        corrections="更新公开栏" if correct_by else "",
        correct_by=correct_by,
        status="open" if correct_by else "closed",
    )
    if cadres:
        created.cadres.set(cadres)
    return created


def urgent_matter(area, cadre, reporter, *, day=None):
    """An urgent matter about ``cadre`` reported from ``area`` at ten in the morning of ``day`` (in the
    period by default)."""
    from gridwatch.monthly.models import UrgentMatter

    at = datetime.datetime.combine(day or in_period(), datetime.time(10))
    return UrgentMatter.objects.create(
        area=area,
        cadre=cadre,
        circle="social",
        title="紧急情况",
        details="细节",
        reported_by=reporter,
        reported_at=timezone.make_aware(at),
    )


@pytest.fixture
def checklist():
    """A checklist of one item per circle, for supervision cards."""
    from gridwatch.supervision.models import ChecklistItem, ChecklistVersion

    version = ChecklistVersion.objects.create(number=(ChecklistVersion.objects.count() + 1))
    items = {
        circle: ChecklistItem.objects.create(
            version=version, circle=circle, position=i, text_zh=circle, text_en=circle
        )
        for i, circle in enumerate(["social", "life", "family", "public_welfare"], start=1)
    }
    return version, items


@pytest.fixture
def liaison_a(township_a, grid_a):
    """A commission liaison linked to township A (and grid A1)."""
    user = make_user("liaison_a")
    link = Liaison.objects.create(user=user, grid=grid_a)
    link.townships.add(township_a)
    return user
