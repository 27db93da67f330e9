"""Fixtures of the case tests: reports filed through the services, one per situation."""

import pytest

from gridwatch.cases import services
from gridwatch.cases.models import Channel, Circle


def file_report(*, subject_cadre=None, grid=None, subject_name="", fallback_path="", **extra):
    values = dict(
        actor=None,
        channel=Channel.WEB,
        circle=Circle.SOCIAL,
        what="周末在农家乐接受宴请",
        when="上周六晚",
        where="某农家乐",
        subject_cadre=subject_cadre,
        grid=grid,
        subject_name=subject_name,
        fallback_path=fallback_path,
    )
    values.update(extra)
    return services.report_submit(**values)


@pytest.fixture
def report_a(cadre_a, grid_a):
    """A report about cadre A (supervised in grid A1 of township A), with its receipt code."""
    return file_report(subject_cadre=cadre_a, grid=grid_a)


@pytest.fixture
def report_b(cadre_b, grid_b):
    return file_report(subject_cadre=cadre_b, grid=grid_b)
