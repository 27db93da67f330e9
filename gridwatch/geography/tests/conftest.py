"""Fixtures of the geography tests: more personas (the office, a commission liaison) and workbooks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.geography import services as geo
from gridwatch.geography.excel import HEADERS
from gridwatch.geography.models import GridTeamMember, Liaison

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office_user(county):
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def commission_liaison(grid_a, township_a):
    """A member of the commission's leadership linked to 广顺镇 and to grid A1."""
    user = make_user("liaison_leader")
    liaison = Liaison.objects.create(user=user, grid=grid_a)
    liaison.townships.add(township_a)
    return user


@pytest.fixture
def other_liaison(grid_b, township_b):
    user = make_user(
        "liaison_other",
    )
    liaison = Liaison.objects.create(user=user, grid=grid_b)
    liaison.townships.add(township_b)
    return user


@pytest.fixture
def full_team(grid_a):
    """Grid A1 with a leader, a deputy and one supervisor."""
    leader = make_user("leader_a1")
    leader.display_name = "王芳"
    leader.save(update_fields=["display_name"])
    deputy = make_user("deputy_a1")
    supervisor = make_user("sup_a1")
    GridTeamMember.objects.create(grid=grid_a, user=leader, role="leader")
    GridTeamMember.objects.create(grid=grid_a, user=deputy, role="deputy")
    GridTeamMember.objects.create(grid=grid_a, user=supervisor, role="supervisor")
    return {"leader": leader, "deputy": deputy, "supervisor": supervisor}


def workbook_bytes(rows, *, header=HEADERS, title="长顺县网格划分表"):
    wb = Workbook()
    ws = wb.active
    ws.title = "网格划分表"
    if title is not None:
        ws.append([title])
    if header is not None:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content, name="网格划分表.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


ROW_A = [
    "广顺镇",
    "522729101000",
    "南场社区",
    "522729101001",
    "南场社区第1网格",
    "522729101001001",
    "南场街1-20号",
    "0854-6821234",
    "",
    "",
    "",
]


def new_grid(*, actor, parent, code, name, **values):
    return geo.area_create(
        actor=actor, code=code, name=name, level="grid", kind="grid", parent=parent, **values
    )
