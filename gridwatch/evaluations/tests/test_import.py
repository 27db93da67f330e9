"""The unit grade import: a good table is imported; a bad one is refused whole with each problem named by
row, in Chinese."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from gridwatch.conftest import login, zh
from gridwatch.evaluations.models import DualEvaluation


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("grades.xlsx", buffer.getvalue())


HEADER = ["姓名", "单位", "职务", "年度考核等次"]


def test_it_imports_a_good_table(client, unit_liaison, cadre_a):
    login(client, unit_liaison)
    upload = _xlsx([HEADER, [cadre_a.name, cadre_a.unit.name, cadre_a.position, "基本称职"]])
    response = client.post(reverse("evaluations:grades"), {"year": "2025", "file": upload})
    assert response.status_code == 302
    assert DualEvaluation.objects.get(cadre=cadre_a, year=2025).unit_grade == "basically_competent"


def test_it_lists_every_bad_row_in_chinese_and_imports_nothing(client, unit_liaison, cadre_a, cadre_b):
    login(client, unit_liaison)
    upload = _xlsx(
        [
            HEADER,
            [cadre_a.name, cadre_a.unit.name, "", "良好"],
            [cadre_b.name, cadre_b.unit.name, "", "优秀"],
            [cadre_a.name, cadre_a.unit.name, "", "优秀"],
        ]
    )
    response = client.post(reverse("evaluations:grades"), {"year": "2025", "file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        zh(
            "Row %(row)d: %(problem)s",
            row=2,
            problem=zh("“%(value)s” is not 优秀, 称职, 基本称职 or 不称职.", value="良好"),
        )
        in body
    )
    other_unit = zh(
        "no cadre “%(name)s” of “%(unit)s” that you may grade.", name=cadre_b.name, unit=cadre_b.unit.name
    )
    assert zh("Row %(row)d: %(problem)s", row=3, problem=other_unit) in body
    assert (
        zh("Row %(row)d: %(problem)s", row=4, problem=zh("this cadre is already in an earlier row.")) in body
    )
    assert not DualEvaluation.objects.exists()


def test_it_refuses_a_file_that_is_not_a_workbook(client, unit_liaison):
    login(client, unit_liaison)
    upload = SimpleUploadedFile("grades.xlsx", b"not a workbook")
    response = client.post(reverse("evaluations:grades"), {"year": "2025", "file": upload})
    assert response.status_code == 400
    assert not DualEvaluation.objects.exists()
