"""Fixtures of the notice-board sheet tests (imported by test_sheets.py): a grid with its group, cadres in
every state and commitments in every status, the standards in force, and helpers to read a sheet's PDF
back (its text, its QR codes, its page sizes)."""

import io

import pytest
import zxingcpp
from django.utils import timezone
from pypdf import PdfReader

from gridwatch.commitments.models import Commitment, CommitmentItem, CommitmentStatus
from gridwatch.conftest import make_cadre, make_user
from gridwatch.geography import services as geo
from gridwatch.geography.models import Area, GridTeamMember, Kind, Level
from gridwatch.people.models import Cadre, CadreStatus
from gridwatch.portal.models import Standard, StandardKind, StandardStatus

COUNTY_PHONE = "0854-6811111"
GRID_PHONE = "0854-6878860"
PUBLISHED_ITEM = "每季度参加社区志愿服务不少于2次"
SUBMITTED_ITEM = "尚在审核中的承诺事项内容"
DRAFT_ITEM = "仍是草稿的承诺事项内容"
OLD_ITEM = "上一年度已公开的承诺事项"
CODE_TITLE = "领导干部八小时以外行为规范"
CODE_TEXT = "为加强领导干部八小时以外监督管理，制定本规范。\n\n## 一、社交圈\n\n1. **严守**政治纪律和组织纪律；\n2. 不参加国家明令禁止的活动。"
STANDARD_TITLE = "社区网格监督工作标准"
DRAFT_STANDARD_TITLE = "尚未发布的监督标准草稿"


def commitment(cadre, year, status, *items):
    published = status == CommitmentStatus.PUBLISHED
    row = Commitment.objects.create(
        cadre=cadre, year=year, status=status, published_at=timezone.now() if published else None
    )
    for position, content in enumerate(items, 1):
        CommitmentItem.objects.create(commitment=row, position=position, content=content, target="按期完成")
    return row


def team_member(grid, role, name):
    user = make_user(f"{role}-{grid.code}-{name}")
    user.display_name = name
    user.save(update_fields=["display_name"])
    return GridTeamMember.objects.create(grid=grid, user=user, role=role)


@pytest.fixture
def sheet_grid(county, grid_a, unit_a, unit_b, cadre_a):
    """Grid A1 (南场社区第1网格) with a supervision phone, a group of three and four cadres: 张伟 with
    published commitments of 2026 (and of 2025), 王芳 with a submitted one, 刘洋 with a draft, and 赵强,
    transferred away, with a published one."""
    Area.objects.filter(pk=county.pk).update(supervision_phone=COUNTY_PHONE)
    Area.objects.filter(pk=grid_a.pk).update(supervision_phone=GRID_PHONE)
    commitment(cadre_a, 2026, CommitmentStatus.PUBLISHED, PUBLISHED_ITEM, "带头开展垃圾分类宣传")
    commitment(cadre_a, 2025, CommitmentStatus.PUBLISHED, OLD_ITEM)
    wang = make_cadre("王芳", unit_b, grid_a, position="科长")
    commitment(wang, 2026, CommitmentStatus.SUBMITTED, SUBMITTED_ITEM)
    liu = make_cadre("刘洋", unit_a, grid_a, position="股长")
    commitment(liu, 2026, CommitmentStatus.DRAFT, DRAFT_ITEM)
    zhao = make_cadre("赵强", unit_a, grid_a, position="主任")
    commitment(zhao, 2026, CommitmentStatus.PUBLISHED, "已调离干部的承诺")
    Cadre.objects.filter(pk=zhao.pk).update(status=CadreStatus.TRANSFERRED)
    team_member(grid_a, "leader", "龙飞明")
    team_member(grid_a, "deputy", "李应忠")
    team_member(grid_a, "supervisor", "石宏")
    grid_a.refresh_from_db()
    return grid_a


@pytest.fixture
def standards(county, township_a, township_b):
    """In force: the county's code of conduct and grid standard, township B's own standard (not for
    township A's grids); a county draft (never printed)."""
    now = timezone.now()
    published = dict(status=StandardStatus.PUBLISHED, published_at=now)
    return [
        Standard.objects.create(
            kind=StandardKind.CODE, title=CODE_TITLE, body=CODE_TEXT, area=county, **published
        ),
        Standard.objects.create(
            kind=StandardKind.STANDARD,
            title=STANDARD_TITLE,
            body="网格监督标准正文。",
            area=county,
            **published,
        ),
        Standard.objects.create(
            kind=StandardKind.STANDARD,
            title="摆所镇网格监督补充规定",
            body="正文。",
            area=township_b,
            **published,
        ),
        Standard.objects.create(
            kind=StandardKind.STANDARD, title=DRAFT_STANDARD_TITLE, body="草稿。", area=county, status="draft"
        ),
    ]


def add_grids(township, count, *, unit, community=9, cadres_per_grid=2):
    """``count`` grids in a new community (number ``community``) of ``township``, each with cadres with a
    published commitment and a group of two; returns the grids in the order of their codes."""
    parent = geo.area_create(
        actor=None,
        code=f"{township.code[:9]}{community:03d}",
        name=f"新华{community}社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township,
    )
    grids = []
    for index in range(1, count + 1):
        grid = geo.area_create(
            actor=None,
            code=f"{parent.code}{index:03d}",
            name=f"新华{community}社区第{index}网格",
            level=Level.GRID,
            kind=Kind.GRID,
            parent=parent,
        )
        for n in range(cadres_per_grid):
            cadre = make_cadre(f"干部{community}{index}{n}", unit, grid)
            commitment(cadre, 2026, CommitmentStatus.PUBLISHED, f"承诺{community}-{index}-{n}")
        team_member(grid, "leader", f"组长{community}{index}")
        team_member(grid, "supervisor", f"监督员{community}{index}")
        grids.append(grid)
    return grids


# ---------------------------------------------------------------------------------------- reading back
def pdf_reader(response):
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def pdf_text(response):
    return "\n".join(page.extract_text() for page in pdf_reader(response).pages)


def qr_texts(reader):
    """The text of every QR code drawn in the PDF, page by page, in order."""
    found = []
    for page in reader.pages:
        for image in page.images:
            found.extend(
                b.text
                for b in zxingcpp.read_barcodes(image.image)
                if b.format == zxingcpp.BarcodeFormat.QRCode
            )
    return found
