"""The cadre information form (附件一 《领导干部信息表》) as an Excel workbook: export, read and check.

Writing is ``services.cadre_table_import``; this module turns cadres into a workbook and a workbook into
checked rows. The format is the one units fill in for a data-collection round (R21): a title row, a header
row in Chinese, one row per cadre. Values are written as the offices write them (男/女, 正科级, 在职), so the
file reads the same whatever the language of the interface.
"""

import io
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from gridwatch.core.xlsx import FileProblem, cell_text, read_upload
from gridwatch.geography.models import Area, Level

from .models import Cadre, CadreStatus, Gender, Rank, Unit
from .selectors import editable_cadres, editor_scope, editor_units
from .services import default_supervising_grid

SHEET_TITLE = "领导干部信息表"
TITLE = "附件一 领导干部信息表"
# (key, header as the offices write it, column width in characters)
COLUMNS = [
    ("name", "姓名", 10),
    ("gender", "性别", 6),
    ("birth_year", "出生年份", 10),
    ("unit", "工作单位", 22),
    ("position", "职务", 16),
    ("rank", "职级", 10),
    ("residence_grid_code", "居住网格编码", 19),
    ("residence_grid_name", "居住网格", 30),
    ("supervising_grid_code", "监督网格编码", 19),
    ("phone", "联系电话", 15),
    ("status", "状态", 8),
]
HEADERS = [header for _key, header, _width in COLUMNS]
HEADER_OF = {key: header for key, header, _width in COLUMNS}
KEYS = [key for key, _h, _w in COLUMNS]
TEXT_KEYS = ("residence_grid_code", "supervising_grid_code", "phone")

GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
RANK_LABELS = {
    Rank.DEPARTMENT_CHIEF: "正处级",
    Rank.DEPARTMENT_DEPUTY: "副处级",
    Rank.SECTION_CHIEF: "正科级",
    Rank.SECTION_DEPUTY: "副科级",
    Rank.STAFF: "股级",
    Rank.OTHER: "其他",
}
STATUS_LABELS = {CadreStatus.SERVING: "在职", CadreStatus.TRANSFERRED: "调离", CadreStatus.RETIRED: "退休"}

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# A mobile (13800000000), or a landline with or without its area code (0854-1234567, 6821234).
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8}")


def is_valid_phone(value):
    return bool(PHONE_RE.fullmatch(value.strip()))


def plausible_birth_years():
    this_year = timezone.localdate().year
    return this_year - 80, this_year - 18


# ---------------------------------------------------------------------------------------------- export


def grid_label(grid):
    """Township · community · grid, for a grid loaded with ``parent__parent``."""
    return " ".join(a.name for a in (grid.parent.parent, grid.parent, grid) if a is not None)


def cadre_row(cadre):
    return {
        "name": cadre.name,
        "gender": GENDER_LABELS.get(cadre.gender, cadre.gender),
        "birth_year": cadre.birth_year,
        "unit": cadre.unit.name,
        "position": cadre.position,
        "rank": RANK_LABELS.get(cadre.rank, cadre.rank),
        "residence_grid_code": cadre.residence_grid.code,
        "residence_grid_name": grid_label(cadre.residence_grid),
        "supervising_grid_code": cadre.supervising_grid.code,
        "phone": cadre.phone,
        "status": STATUS_LABELS.get(cadre.status, cadre.status),
    }


def build_workbook(cadres, *, title=TITLE):
    """The form as .xlsx bytes: a merged title row, a bold header row, frozen under the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    text_columns = [i for i, key in enumerate(KEYS, start=1) if key in TEXT_KEYS]
    count = 0
    for cadre in cadres:
        values = cadre_row(cadre)
        ws.append([values[key] for key in KEYS])
        count += 1
        for col in text_columns:
            # Codes and phones are text: Excel would otherwise show 5.22729E+14 and drop leading zeros.
            ws.cell(row=ws.max_row, column=col).number_format = "@"
    for i, (_key, _header, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


# ---------------------------------------------------------------------------------------------- import


@dataclass
class CadreRow:
    """One cadre row of an uploaded form; ``row`` is the row number Excel shows."""

    row: int
    name: str = ""
    gender: str = ""
    birth_year: str = ""
    unit: str = ""
    position: str = ""
    rank: str = ""
    residence_grid_code: str = ""
    residence_grid_name: str = ""
    supervising_grid_code: str = ""
    phone: str = ""
    status: str = ""


def _header_matches(values):
    found = [re.sub(r"\s+", "", cell_text(v)) for v in values[: len(HEADERS)]]
    found += [""] * (len(HEADERS) - len(found))
    return found == HEADERS


def read_table(uploaded):
    """Read an uploaded file into ``CadreRow``s, or raise ``FileProblem`` with a message for the user.

    The header row must be row 2 (under the title row, as exported) or row 1 (title row left out)."""
    return read_upload(
        uploaded,
        _rows_of,
        max_bytes=MAX_UPLOAD_BYTES,
        too_large=_("The file is larger than %(n)d MB; a cadre information form is much smaller.")
        % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def _rows_of(workbook):
    if not workbook.sheetnames:
        raise FileProblem(_("The workbook has no sheet."))
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
    if not hasattr(sheet, "iter_rows"):
        raise FileProblem(_("The workbook has no sheet."))
    rows, leading, header_row = [], [], None
    for number, values in enumerate(sheet.iter_rows(max_col=len(COLUMNS), values_only=True), start=1):
        values = list(values or ())
        if header_row is None:
            leading.append(values)
            if _header_matches(values):
                header_row = number
            elif number >= 2:
                raise FileProblem(_header_problem(leading))
            continue
        if all(cell_text(v) == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileProblem(
                _("The table has more than %(n)d rows; split it into several files.") % {"n": MAX_ROWS}
            )
        values += [None] * (len(KEYS) - len(values))
        rows.append(CadreRow(row=number, **{key: cell_text(values[i]) for i, key in enumerate(KEYS)}))
    if header_row is None:
        if not leading:
            raise FileProblem(_("The file is empty."))
        raise FileProblem(_header_problem(leading))
    if not rows:
        raise FileProblem(_("The table has a header row but no cadre rows."))
    return rows


def _header_problem(leading):
    found = ", ".join(t for t in (cell_text(v) for v in (leading[-1] if leading else [])) if t) or "—"
    return _(
        "The header row does not match the cadre information form. Row 2 (or row 1, if the title row is left "
        "out) must hold these columns in this order: %(expected)s. Found: %(found)s."
    ) % {"expected": ", ".join(HEADERS), "found": found[:300]}


# ---------------------------------------------------------------------------------------------- checks

TEXT_LIMITS = {
    "name": Cadre._meta.get_field("name").max_length,
    "position": Cadre._meta.get_field("position").max_length,
}
_COLUMN_INDEX = {key: i for i, key in enumerate(KEYS)}


def _choice(value, labels):
    """A Chinese label (男, 正科级, 在职) or the stored value (male, section_chief, serving)."""
    by_label = {label: key for key, label in labels.items()}
    if value in by_label:
        return by_label[value]
    if value in labels:
        return value
    return None


class _Errors(list):
    def add(self, row, key, message, **values):
        text = _('Row %(row)d, column "%(column)s": %(problem)s') % {
            "row": row.row,
            "column": HEADER_OF[key],
            "problem": message % values if values else message,
        }
        self.append((row.row, _COLUMN_INDEX[key], text))


@dataclass
class CheckedRow:
    row: int
    values: dict = field(default_factory=dict)
    existing: Cadre | None = None


def check_rows(rows, *, user):
    """Check every row against the database and the importer's rights (``selectors.editor_scope``).

    Returns ``(checked, errors)``: rows with their values resolved to units and grids, and every problem
    of every row as a message naming the row and the column. Any error means nothing is imported."""
    scope = editor_scope(user)
    # County and township staff look units up among all units of their county (a township registers county
    # departments' cadres supervised there); a unit liaison among all units, to be told which are not
    # theirs. An existing cadre is looked up only among those the importer may edit.
    candidates = Unit.objects.all() if scope.units_only else editor_units(user)
    units = {
        u.name: u for u in candidates.filter(name__in={r.unit for r in rows if r.unit}).select_related("area")
    }
    codes = {r.residence_grid_code for r in rows} | {r.supervising_grid_code for r in rows}
    grids = {g.code: g for g in Area.objects.filter(level=Level.GRID, code__in=codes - {""})}
    editable = editable_cadres(user).filter(
        name__in={r.name for r in rows if r.name}, unit__in=list(units.values())
    )
    existing = {}
    for cadre in editable.select_related("unit", "residence_grid", "supervising_grid"):
        existing.setdefault((cadre.name, cadre.unit_id, cadre.birth_year), []).append(cadre)

    errors = _Errors()
    checked, seen = [], {}
    for row in rows:
        item = _check_row(row, errors, scope=scope, units=units, grids=grids, existing=existing, seen=seen)
        if item is not None:
            checked.append(item)
    # In the order a person reads the sheet: by row, then left to right.
    return checked, [text for _row, _col, text in sorted(errors, key=lambda e: (e[0], e[1]))]


def _check_row(row, errors, *, scope, units, grids, existing, seen):  # noqa: C901 - one check per column
    before = len(errors)
    values = {}
    for key in ("name", "gender", "birth_year", "unit", "position", "rank", "residence_grid_code"):
        if not getattr(row, key):
            errors.add(row, key, _("this cell is empty."))
    for key, limit in TEXT_LIMITS.items():
        if len(getattr(row, key)) > limit:
            errors.add(
                row, key, ngettext("at most %(n)d character.", "at most %(n)d characters.", limit), n=limit
            )
    values["name"], values["position"] = row.name, row.position

    if row.gender:
        values["gender"] = _choice(row.gender, GENDER_LABELS)
        if values["gender"] is None:
            errors.add(row, "gender", _("“%(value)s” is not 男 or 女."), value=row.gender[:20])
    if row.birth_year:
        low, high = plausible_birth_years()
        year = int(row.birth_year) if re.fullmatch(r"\d{4}", row.birth_year) else None
        if year is None or not low <= year <= high:
            errors.add(
                row,
                "birth_year",
                _("“%(value)s” is not a plausible year of birth (%(low)d to %(high)d)."),
                value=row.birth_year[:20],
                low=low,
                high=high,
            )
        values["birth_year"] = year
    if row.rank:
        values["rank"] = _choice(row.rank, RANK_LABELS)
        if values["rank"] is None:
            errors.add(
                row,
                "rank",
                _("“%(value)s” is not a known rank (%(ranks)s)."),
                value=row.rank[:20],
                ranks="、".join(RANK_LABELS.values()),
            )
    values["status"] = CadreStatus.SERVING
    if row.status:
        values["status"] = _choice(row.status, STATUS_LABELS)
        if values["status"] is None:
            errors.add(
                row,
                "status",
                _("“%(value)s” is not a known status (%(statuses)s)."),
                value=row.status[:20],
                statuses="、".join(STATUS_LABELS.values()),
            )
    values["phone"] = row.phone
    if row.phone and not is_valid_phone(row.phone):
        errors.add(
            row,
            "phone",
            _("“%(value)s” is not a phone number (a mobile, or a landline with its area code)."),
            value=row.phone[:40],
        )

    unit = units.get(row.unit) if row.unit else None
    if row.unit and unit is None:
        errors.add(row, "unit", _("no unit is named “%(value)s”."), value=row.unit[:100])
    elif unit is not None and scope.units_only and unit.pk not in scope.unit_ids:
        errors.add(
            row,
            "unit",
            _("you may import only the cadres of your own unit, not of %(value)s."),
            value=unit.name,
        )
        unit = None
    values["unit"] = unit

    match = None
    if unit is not None and values.get("birth_year"):
        key = (row.name, unit.pk, values["birth_year"])
        if key in seen:
            errors.add(
                row,
                "name",
                _("the same cadre (name, unit and year of birth) is also in row %(other)d."),
                other=seen[key],
            )
        else:
            seen[key] = row.row
        matches = existing.get(key, [])
        if len(matches) > 1:
            errors.add(
                row,
                "name",
                _("%(n)d registered cadres have this name, unit and year of birth; edit them one by one."),
                n=len(matches),
            )
        elif matches:
            match = matches[0]

    for key, target in (
        ("residence_grid_code", "residence_grid"),
        ("supervising_grid_code", "supervising_grid"),
    ):
        code = getattr(row, key)
        values[target] = None
        if not code:
            continue
        grid = grids.get(code)
        current = getattr(match, f"{target}_id", None) if match else None
        if grid is None or not (scope.covers_grid(grid) or grid.pk == current):
            # Unknown and out of jurisdiction read the same: the importer learns nothing about other areas.
            errors.add(
                row, key, _("no grid with the code %(value)s is in your jurisdiction."), value=code[:40]
            )
            continue
        values[target] = grid
    if unit is not None and values["residence_grid"] is not None:
        supervising = values["supervising_grid"] or default_supervising_grid(
            unit=unit, residence_grid=values["residence_grid"]
        )
        if unit.pk not in scope.unit_ids and not any(
            supervising.path.startswith(p) for p in scope.area_paths
        ):
            errors.add(
                row,
                "supervising_grid_code",
                _("the cadre would be supervised in %(grid)s, outside your jurisdiction."),
                grid=supervising.name,
            )
    if len(errors) > before:
        return None
    return CheckedRow(row=row.row, values=values, existing=match)
