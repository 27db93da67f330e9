"""The grid division table (附件二 《网格划分表》) as an Excel workbook: export, read and check.

Writing to the database is ``services.grid_table_import``; this module only turns areas into a workbook
and a workbook into checked rows. The file format is the one the plan's offices use: a title row, a header
row in Chinese, one row per grid. The team member columns are informational: an import never reads them.
"""

import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from gridwatch.core.xlsx import FileProblem, cell_text, read_upload

from .models import Area, Level, TeamRole

SHEET_TITLE = "网格划分表"
# (key, header as the offices write it, column width in characters)
COLUMNS = [
    ("township_name", "乡镇（街道）", 14),
    ("township_code", "乡镇代码", 16),
    ("community_name", "社区（村）", 14),
    ("community_code", "社区（村）代码", 16),
    ("grid_name", "网格名称", 20),
    ("grid_code", "网格编码", 19),
    ("description", "网格范围", 36),
    ("phone", "监督电话", 16),
    ("leader", "网格长", 10),
    ("deputy", "副组长", 10),
    ("supervisors", "监督员", 28),
]
HEADERS = [header for _key, header, _width in COLUMNS]
HEADER_OF = {key: header for key, header, _width in COLUMNS}
CODE_KEYS = ("township_code", "community_code", "grid_code")
# Columns an import reads; the team columns after them are for people, not for the importer.
IMPORTED_KEYS = [key for key, _h, _w in COLUMNS[:8]]
NAME_SEPARATOR = "、"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10000


# ---------------------------------------------------------------------------------------------- export


def team_names(grid):
    """Leader, deputy and supervisors' names of a grid, from its prefetched ``team_members``."""
    by_role = {TeamRole.LEADER: [], TeamRole.DEPUTY: [], TeamRole.SUPERVISOR: []}
    for member in grid.team_members.all():
        by_role.setdefault(member.role, []).append(str(member.user))
    return {
        "leader": NAME_SEPARATOR.join(by_role[TeamRole.LEADER]),
        "deputy": NAME_SEPARATOR.join(by_role[TeamRole.DEPUTY]),
        "supervisors": NAME_SEPARATOR.join(by_role[TeamRole.SUPERVISOR]),
    }


def grid_row(grid):
    """One row of the table for a grid loaded with ``parent__parent`` and prefetched team members."""
    community, township = grid.parent, grid.parent.parent
    return {
        "township_name": township.name,
        "township_code": township.code,
        "community_name": community.name,
        "community_code": community.code,
        "grid_name": grid.name,
        "grid_code": grid.code,
        "description": grid.description,
        "phone": grid.supervision_phone,
        **team_names(grid),
    }


def build_workbook(grids, *, title):
    """The table as .xlsx bytes: a merged title row, a bold header row, frozen under the header."""
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
    code_columns = [i for i, (key, _h, _w) in enumerate(COLUMNS, start=1) if key in CODE_KEYS]
    for grid in grids:
        values = grid_row(grid)
        ws.append([values[key] for key, _h, _w in COLUMNS])
        row = ws.max_row
        for col in code_columns:
            # Codes are text: Excel would otherwise show 5.22729E+11 and drop leading zeros.
            ws.cell(row=row, column=col).number_format = "@"
    for i, (_key, _header, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- import


@dataclass
class GridRow:
    """One grid row of an uploaded table; ``row`` is the row number Excel shows."""

    row: int
    township_name: str = ""
    township_code: str = ""
    community_name: str = ""
    community_code: str = ""
    grid_name: str = ""
    grid_code: str = ""
    description: str = ""
    phone: str = ""


def _normalise_header(value):
    text = re.sub(r"\s+", "", cell_text(value))
    return text.replace("(", "（").replace(")", "）")


def _header_matches(values):
    found = [_normalise_header(v) for v in values[: len(HEADERS)]]
    found += [""] * (len(HEADERS) - len(found))
    return found == HEADERS


def read_table(uploaded):
    """Read an uploaded file into ``GridRow``s, or raise ``FileProblem`` with a message for the user.

    The header row must be row 2 (under the title row, as exported) or row 1 (title row left out)."""
    return read_upload(
        uploaded,
        _rows_of,
        max_bytes=MAX_UPLOAD_BYTES,
        too_large=_("The file is larger than %(n)d MB; a grid division table is much smaller.")
        % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def _rows_of(workbook):
    if not workbook.sheetnames:
        raise FileProblem(_("The workbook has no sheet."))
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
    if not hasattr(sheet, "iter_rows"):
        raise FileProblem(_("The workbook has no sheet."))
    rows = []
    header_row = None
    leading = []
    for number, values in enumerate(sheet.iter_rows(max_col=len(COLUMNS), values_only=True), start=1):
        values = list(values or ())
        if header_row is None:
            leading.append(values)
            if _header_matches(values):
                header_row = number
            elif number >= 2:
                raise FileProblem(_header_problem(leading))
            continue
        if all(cell_text(v) == "" for v in values[: len(IMPORTED_KEYS)]):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileProblem(
                _("The table has more than %(n)d rows; split it into several files.") % {"n": MAX_ROWS}
            )
        values += [None] * (len(IMPORTED_KEYS) - len(values))
        rows.append(GridRow(row=number, **{key: cell_text(values[i]) for i, key in enumerate(IMPORTED_KEYS)}))
    if header_row is None:
        if not leading:
            raise FileProblem(_("The file is empty."))
        raise FileProblem(_header_problem(leading))
    if not rows:
        raise FileProblem(_("The table has a header row but no grid rows."))
    return rows


def _header_problem(leading):
    found = ", ".join(t for t in (cell_text(v) for v in (leading[-1] if leading else [])) if t) or "—"
    return _(
        "The header row does not match the grid division table. Row 2 (or row 1, if the title row is left out) "
        "must hold these columns in this order: %(expected)s. Found: %(found)s."
    ) % {"expected": ", ".join(HEADERS), "found": found[:300]}


# ---------------------------------------------------------------------------------------------- checks

_DIGITS = re.compile(r"\d+")
# Mobile (13800000000), landline with area code (0854-1234567, 085412345678, extension -123), a local
# number (6821234), or a service hotline (12388, 400-123-4567). Several numbers separated by 、 , / or ;
_PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8}|1\d{4}|[48]00-?\d{3}-?\d{4}")
_PHONE_SEPARATORS = re.compile(r"\s*[、,，/;；]\s*")

TEXT_LIMITS = {
    "township_name": Area._meta.get_field("name").max_length,
    "community_name": Area._meta.get_field("name").max_length,
    "grid_name": Area._meta.get_field("name").max_length,
    "description": Area._meta.get_field("description").max_length,
    "phone": Area._meta.get_field("supervision_phone").max_length,
}


def is_valid_phone(value):
    """A supervision phone: one or more numbers as people write them on a notice board."""
    parts = [p for p in _PHONE_SEPARATORS.split(value.strip()) if p]
    return bool(parts) and all(_PHONE.fullmatch(re.sub(r"[\s()（）]", "", p)) for p in parts)


_COLUMN_INDEX = {key: i for i, (key, _h, _w) in enumerate(COLUMNS)}


class _Errors(list):
    def add(self, row, key, message, **values):
        text = _('Row %(row)d, column "%(column)s": %(problem)s') % {
            "row": row.row,
            "column": HEADER_OF[key],
            "problem": message % values if values else message,
        }
        self.append((row.row, _COLUMN_INDEX[key], text))


def check_rows(rows, *, counties, existing):
    """Every problem of every row, as messages naming the row and the column. Empty means importable.

    ``counties`` maps the 6-digit county prefix to the county ``Area``; ``existing`` maps codes to the areas
    already in the database (with ``parent`` loaded)."""
    if not counties:
        return [
            _("No county exists in GridWatch yet; the county must be set up before its grids are imported.")
        ]
    errors = _Errors()
    first_seen = {}  # (level, code) -> (row number, name)
    grid_rows = {}
    for row in rows:
        _check_row(
            row, errors, counties=counties, existing=existing, first_seen=first_seen, grid_rows=grid_rows
        )
    # In the order a person reads the sheet: by row, then left to right.
    return [text for _row, _col, text in sorted(errors, key=lambda e: (e[0], e[1]))]


def _check_row(row, errors, *, counties, existing, first_seen, grid_rows):
    for key in (
        "township_name",
        "township_code",
        "community_name",
        "community_code",
        "grid_name",
        "grid_code",
    ):
        if not getattr(row, key):
            errors.add(row, key, _("this cell is empty."))
    for key, limit in TEXT_LIMITS.items():
        if len(getattr(row, key)) > limit:
            errors.add(
                row, key, ngettext("at most %(n)d character.", "at most %(n)d characters.", limit), n=limit
            )
    if row.phone and len(row.phone) <= TEXT_LIMITS["phone"] and not is_valid_phone(row.phone):
        errors.add(
            row,
            "phone",
            _("“%(value)s” is not a phone number (a mobile, a landline with its area code, or a hotline)."),
            value=row.phone[:60],
        )

    township_ok = _check_code(row, errors, "township_code", 12)
    community_ok = _check_code(row, errors, "community_code", 12)
    grid_ok = _check_code(row, errors, "grid_code", 15)

    if township_ok:
        if not row.township_code.endswith("000"):
            errors.add(row, "township_code", _("a township or street code ends in 000 (e.g. 522729101000)."))
            township_ok = False
        elif row.township_code[:6] not in counties:
            errors.add(
                row,
                "township_code",
                _(
                    "the code %(value)s does not belong to the county %(county)s (codes beginning %(prefix)s)."
                ),
                value=row.township_code,
                county=_county_names(counties),
                prefix=_county_prefixes(counties),
            )
            township_ok = False
        elif row.township_code == counties[row.township_code[:6]].code:
            errors.add(
                row,
                "township_code",
                _("%(value)s is the county's own code, not a township's."),
                value=row.township_code,
            )
            township_ok = False
    if community_ok:
        if row.community_code.endswith("000"):
            errors.add(row, "community_code", _("a community or village code does not end in 000."))
            community_ok = False
        elif township_ok and row.community_code[:9] != row.township_code[:9]:
            errors.add(
                row,
                "community_code",
                _(
                    "the code %(value)s does not belong to the township %(township)s: it must begin with %(prefix)s."
                ),
                value=row.community_code,
                township=row.township_code,
                prefix=row.township_code[:9],
            )
            community_ok = False
    if grid_ok and community_ok and row.grid_code[:12] != row.community_code:
        errors.add(
            row,
            "grid_code",
            _("a grid code is its community's code %(community)s followed by 3 digits; %(value)s is not."),
            community=row.community_code,
            value=row.grid_code,
        )
        grid_ok = False
    if grid_ok and row.grid_code.endswith("000"):
        errors.add(
            row,
            "grid_code",
            _("the last 3 digits of a grid code number the grid from 001; 000 is not a grid."),
        )
        grid_ok = False

    if grid_ok:
        if row.grid_code in grid_rows:
            errors.add(
                row,
                "grid_code",
                _("the grid code %(value)s also appears in row %(other)d."),
                value=row.grid_code,
                other=grid_rows[row.grid_code],
            )
        else:
            grid_rows[row.grid_code] = row.row
    if township_ok and row.township_name:
        _check_same_name(row, errors, "township", "township_code", "township_name", first_seen)
    if community_ok and row.community_name:
        _check_same_name(row, errors, "community", "community_code", "community_name", first_seen)

    # An area already in the database must be of the same level and under the same parent as in the file.
    expected = (
        (township_ok, "township_code", Level.TOWNSHIP, township_ok and counties[row.township_code[:6]].code),
        (community_ok, "community_code", Level.COMMUNITY, township_ok and row.township_code),
        (grid_ok, "grid_code", Level.GRID, community_ok and row.community_code),
    )
    for ok, key, level, parent_code in expected:
        area = existing.get(getattr(row, key)) if ok else None
        if area is None:
            continue
        if area.level != level:
            errors.add(
                row,
                key,
                _("the code %(value)s belongs to an existing %(level)s, %(name)s."),
                value=area.code,
                level=Level(area.level).label,
                name=area.name,
            )
        elif parent_code and (area.parent.code if area.parent else "") != parent_code:
            errors.add(
                row,
                key,
                _("%(name)s (%(value)s) already exists under %(parent)s."),
                name=area.name,
                value=area.code,
                parent=area.parent.name if area.parent else "—",
            )


def _check_code(row, errors, key, length):
    value = getattr(row, key)
    if not value:
        return False
    if not _DIGITS.fullmatch(value) or len(value) != length:
        errors.add(row, key, _("“%(value)s” is not a %(n)d-digit code."), value=value[:40], n=length)
        return False
    return True


def _check_same_name(row, errors, level, code_key, name_key, first_seen):
    code, name = getattr(row, code_key), getattr(row, name_key)
    seen = first_seen.get((level, code))
    if seen is None:
        first_seen[(level, code)] = (row.row, name)
    elif seen[1] != name:
        errors.add(
            row,
            name_key,
            _("the code %(code)s is named “%(other_name)s” in row %(other)d, not “%(name)s”."),
            code=code,
            other_name=seen[1][:100],
            other=seen[0],
            name=name[:100],
        )


def _county_names(counties):
    return "、".join(c.name for c in counties.values())


def _county_prefixes(counties):
    return "、".join(sorted(counties))
