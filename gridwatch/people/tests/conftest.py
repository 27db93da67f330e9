"""Fixtures of the people tests: more personas, a township unit, bulk cadres and workbooks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user
from gridwatch.people import services as people
from gridwatch.people.excel import HEADERS
from gridwatch.people.models import UnitKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office_user(county):
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def township_unit(township_a):
    """广顺镇's own party committee and government: its cadres are supervised in the township."""
    return people.unit_create(actor=None, name="广顺镇党委政府", kind=UnitKind.TOWNSHIP, area=township_a)


@pytest.fixture
def make_cadres():
    def _make(n, unit, grid, prefix="干部"):
        return [make_cadre(f"{prefix}{i:03d}", unit, grid, phone=f"1390000{i:04d}") for i in range(n)]

    return _make


def workbook_bytes(rows, *, header=HEADERS, title="附件一 领导干部信息表"):
    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.append([title])
    if header is not None:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content, name="附件一.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


# A complete, valid row for grid A1 of 广顺镇 and 县财政局 (unit_a).
ROW_A = ["王强", "男", 1978, "县财政局", "局长", "正科级", "522729101001001", "", "", "13912345678", "在职"]
