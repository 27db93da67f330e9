"""Excel files of the dual evaluation (双向考评, R17): the unit grade table a unit liaison fills in and
imports, and the county's export of the combined records for personnel decisions."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from gridwatch.core.xlsx import FileProblem, cell_text, read_upload

from .models import UnitGrade

GRADE_HEADER = ["姓名", "单位", "职务", "年度考核等次"]
GRADE_LABELS = {
    "优秀": UnitGrade.EXCELLENT,
    "称职": UnitGrade.COMPETENT,
    "基本称职": UnitGrade.BASICALLY_COMPETENT,
    "不称职": UnitGrade.INCOMPETENT,
}
GRADE_NAMES = {v: k for k, v in GRADE_LABELS.items()}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
DUAL_HEADER = [
    "姓名",
    "单位",
    "职务",
    "社区",
    "网格",
    "年度",
    "单位年度考核等次",
    "网格测评满意度",
    "网格测评等次",
    "综合等次",
]


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def grade_template(cadres, grades):
    """The table to fill in: one row per cadre, the grade column filled where it is known."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "年度考核"
    sheet.append(GRADE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cadre in cadres:
        sheet.append([cadre.name, cadre.unit.name, cadre.position, GRADE_NAMES.get(grades.get(cadre.pk), "")])
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 20
    return _save(workbook)


def _rows_of(workbook):
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise FileProblem(_("The workbook has no sheet."))
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    if not rows:
        raise FileProblem(_("The file is empty."))
    header = [cell_text(v) for v in rows[0][:4]]
    if header != GRADE_HEADER:
        raise FileProblem(
            _("The first row must be the header: %(header)s.") % {"header": " | ".join(GRADE_HEADER)}
        )
    data = [(n, [cell_text(v) for v in (row or ())[:4]]) for n, row in enumerate(rows[1:], start=2)]
    data = [(n, values + [""] * (4 - len(values))) for n, values in data if any(values)]
    if not data:
        raise FileProblem(_("The table has a header row but no cadre rows."))
    if len(data) > MAX_ROWS:
        raise FileProblem(_("Import at most %(max)s rows at a time.") % {"max": MAX_ROWS})
    return data


def read_grades(uploaded, cadres):
    """``(rows, errors)``: rows ``(row number, cadre, grade)``, and every problem as a sentence naming its
    row (in the user's language). ``cadres``: those the user may grade. Raises ``FileProblem``."""
    data = read_upload(uploaded, _rows_of, max_bytes=MAX_BYTES, too_large=_("The file is larger than 2 MB."))
    by_key = {}
    for cadre in cadres:
        by_key.setdefault((cadre.name, cadre.unit.name), []).append(cadre)
    rows, errors, seen = [], [], set()
    for n, (name, unit, _position, grade_text) in data:
        problems = []
        matches = by_key.get((name, unit), [])
        if not name or not unit:
            problems.append(_("give the name and the unit."))
        elif not matches:
            problems.append(
                _("no cadre “%(name)s” of “%(unit)s” that you may grade.")
                % {"name": name[:50], "unit": unit[:100]}
            )
        elif len(matches) > 1:
            problems.append(_("two cadres of the unit have this name: enter this one on the page."))
        grade = GRADE_LABELS.get(grade_text)
        if grade is None:
            problems.append(
                _("“%(value)s” is not 优秀, 称职, 基本称职 or 不称职.") % {"value": grade_text[:20]}
            )
        if len(matches) == 1:
            if matches[0].pk in seen:
                problems.append(_("this cadre is already in an earlier row."))
            seen.add(matches[0].pk)
        for problem in problems:
            errors.append(_("Row %(row)d: %(problem)s") % {"row": n, "problem": problem})
        if not problems:
            rows.append((n, matches[0], grade))
    return rows, errors


def dual_workbook(records):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("双向考评")
    sheet.append(DUAL_HEADER)
    for r in records:
        grid = r.cadre.supervising_grid
        sheet.append(
            [
                r.cadre.name,
                r.cadre.unit.name,
                r.cadre.position,
                grid.parent.name if grid.parent_id else "",
                grid.name,
                r.year,
                GRADE_NAMES.get(r.unit_grade, ""),
                None if r.grid_rate is None else float(r.grid_rate),
                GRADE_NAMES.get(r.grid_grade, ""),
                GRADE_NAMES.get(r.combined_grade, ""),
            ]
        )
    return _save(workbook)
