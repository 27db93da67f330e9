"""Fixtures of the standards tests (imported by test_standards.py; kept out of conftest.py, which the
portal's parts share): documents taken through the services to each status."""

import pytest

from gridwatch.portal.models import StandardKind
from gridwatch.portal.standards import services

CODE_TEXT = "## 一、社交圈\n\n1. 严守政治纪律\n2. 不参加传销活动\n"
STANDARD_TEXT = "监督员每月填写监督卡。\n\n- 每月走访不少于2次\n"


def make(actor, area, *, title="行为规范", kind=StandardKind.CODE, body=CODE_TEXT, position=0):
    return services.standard_create(
        actor=actor, title=title, kind=kind, area=area, body=body, position=position
    )


def publish(actor, standard):
    return services.standard_publish(actor=actor, standard=standard)


def revise(actor, standard, *, body, change_note="第二版修订", title=None):
    return services.standard_new_version(
        actor=actor,
        standard=standard,
        title=title or standard.title,
        kind=standard.kind,
        area=standard.area,
        body=body,
        change_note=change_note,
        position=standard.position,
    )


@pytest.fixture
def draft_code(county_officer, county):
    """A county-wide code of conduct, still a draft."""
    return make(county_officer, county, title="婚丧喜庆行为规范草案", body="草案正文：事前报告")


@pytest.fixture
def county_code(county_officer, county):
    """A county-wide code of conduct in force (version 1)."""
    return publish(county_officer, make(county_officer, county, title="八小时以外行为规范"))


@pytest.fixture
def township_a_standard(township_officer_a, township_a):
    """Township A's own supervision standard, in force."""
    standard = make(
        township_officer_a,
        township_a,
        title="广顺镇网格监督标准",
        kind=StandardKind.STANDARD,
        body=STANDARD_TEXT,
    )
    return publish(township_officer_a, standard)


@pytest.fixture
def revised_code(county_officer, county_code):
    """The county code in its second version; version 1 superseded."""
    v2 = revise(
        county_officer, county_code, body="## 第二版\n\n增加公益圈要求。", change_note="增加公益圈要求"
    )
    return publish(county_officer, v2)


@pytest.fixture
def withdrawn_code(county_officer, county):
    standard = publish(
        county_officer, make(county_officer, county, title="已废止规范", body="废止的正文内容")
    )
    return services.standard_withdraw(actor=county_officer, standard=standard, reason="已被新规定取代")
