"""Fixtures of the monthly report tests: a month's records made directly in the database (the services
that write cards, register entries and cases are tested in their own apps)."""

import datetime
import uuid

import pytest

from gridwatch.cases.models import Report
from gridwatch.conftest import make_user
from gridwatch.geography.models import GridTeamMember, Liaison
from gridwatch.supervision.models import (
    CardItem,
    ChecklistItem,
    ChecklistVersion,
    DiaryEntry,
    RegisterEntry,
    SupervisionCard,
)

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def checklist(db):
    latest = ChecklistVersion.objects.order_by("-number").first()
    version = ChecklistVersion.objects.create(number=(latest.number if latest else 0) + 1)
    items = {}
    for position, circle in enumerate(["social", "life", "family", "public_welfare"], start=1):
        items[circle] = ChecklistItem.objects.create(
            version=version,
            circle=circle,
            position=position,
            text_zh=f"{circle}条目",
            text_en=f"{circle} item",
        )
    return version, items


def make_card(checklist, cadre, grid, *, month=OCTOBER, status="submitted", concerns=(), author):
    version, items = checklist
    card = SupervisionCard.objects.create(
        cadre=cadre, grid=grid, month=month, checklist_version=version, status=status, started_by=author
    )
    for circle, item in items.items():
        CardItem.objects.create(
            card=card,
            checklist_item=item,
            rating="concern" if circle in concerns else "normal",
            note="秘密备注",
        )
    return card


def make_register(cadre, grid, *, day, aspect="life_style", author):
    return RegisterEntry.objects.create(
        cadre=cadre, grid=grid, aspect=aspect, recorded_on=day, content="登记内容", author=author
    )


def make_diary(grid, *, day, circle="", author, cadre=None):
    return DiaryEntry.objects.create(
        grid=grid, author=author, visited_on=day, heard="听到的情况", circle=circle, cadre=cadre
    )


def make_report(
    path,
    *,
    day,
    circle="social",
    channel="web",
    status="received",
    urgent=False,
    finding="",
    finding_on=None,
    cadre=None,
    grid=None,
):
    return Report.objects.create(
        received_on=day,
        channel=channel,
        circle=circle,
        subject_cadre=cadre,
        subject_name="" if cadre else "王某",
        what="举报人写的秘密内容",
        grid=grid,
        supervising_path=path,
        status=status,
        urgent=urgent,
        finding=finding,
        finding_on=finding_on,
        receipt_hash=uuid.uuid4().hex,
    )


@pytest.fixture
def author(grid_a):
    return make_user("writer_a1")


@pytest.fixture
def commission_liaison(township_a, grid_a2):
    user = make_user("commission_liaison")
    Liaison.objects.create(user=user, grid=grid_a2).townships.add(township_a)
    return user


@pytest.fixture
def grid_leader_a(grid_a):
    user = make_user("leader_a1")
    GridTeamMember.objects.create(grid=grid_a, user=user, role="leader")
    return user


@pytest.fixture
def october_data(checklist, author, cadre_a, cadre_b, grid_a, grid_a2, grid_b, township_a):
    """October in township A: 2 sent cards (3 concerns), a draft card, register and diary entries, three
    reports (one urgent, one substantiated); plus September and November records and township B's, which
    October's report of A must not count."""
    make_card(checklist, cadre_a, grid_a, concerns=("social", "life"), author=author)
    from gridwatch.conftest import make_cadre

    cadre_a2 = make_cadre("王芳", cadre_a.unit, grid_a2)
    make_card(checklist, cadre_a2, grid_a2, status="reviewed", concerns=("social",), author=author)
    cadre_a3 = make_cadre("赵磊", cadre_a.unit, grid_a2)
    make_card(checklist, cadre_a3, grid_a2, status="draft", concerns=("family",), author=author)
    make_card(
        checklist, cadre_a, grid_a, month=datetime.date(2026, 9, 1), concerns=("social",), author=author
    )
    make_card(checklist, cadre_b, grid_b, concerns=("social",), author=author)
    make_register(cadre_a, grid_a, day=datetime.date(2026, 10, 12), author=author)
    make_register(cadre_a, grid_a, day=datetime.date(2026, 10, 31), aspect="family_relations", author=author)
    make_register(cadre_a, grid_a, day=datetime.date(2026, 11, 1), author=author)
    make_diary(grid_a, day=datetime.date(2026, 10, 3), circle="social", author=author)
    make_diary(grid_a2, day=datetime.date(2026, 10, 20), author=author)
    make_diary(grid_a, day=datetime.date(2026, 9, 30), author=author)
    make_diary(grid_b, day=datetime.date(2026, 10, 3), author=author)
    make_report(grid_a.path, day=datetime.date(2026, 10, 5), urgent=True, cadre=cadre_a, grid=grid_a)
    make_report(
        grid_a2.path,
        day=datetime.date(2026, 9, 10),
        circle="life",
        channel="hotline",
        status="concluded",
        finding="substantiated",
        finding_on=datetime.date(2026, 10, 15),
        cadre=cadre_a2,
    )
    make_report(
        township_a.path, day=datetime.date(2026, 10, 25), circle="family", channel="letter", status="handling"
    )
    make_report(grid_b.path, day=datetime.date(2026, 10, 5), cadre=cadre_b)
    return {"cadre_a2": cadre_a2}


SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def on(y, m, d, hour=10):
    """Freeze time at ``hour`` o'clock in China on that day."""
    import time_machine

    return time_machine.travel(datetime.datetime(y, m, d, hour, 0, tzinfo=SHANGHAI), tick=False)
