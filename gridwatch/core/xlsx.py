"""Reading an uploaded Excel workbook safely, for the import of the plan's attachments (附件一, 附件二).

``read_upload`` checks the name, the size, the ZIP signature and the unpacked size (a zip bomb stops before
openpyxl unpacks anything), opens the workbook read-only and hands it to the caller's ``rows_of``; every way
a broken file can fail becomes a ``FileProblem`` with a message for the user.
"""

import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024


class FileProblem(Exception):
    """The upload cannot be read as the expected table at all (wrong type, broken, wrong header)."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def cell_text(value):
    """A cell as text. Codes and phones typed into Excel often arrive as numbers (5.22729101001e11,
    13800000000.0)."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def read_upload(uploaded, rows_of, *, max_bytes, too_large):
    """``rows_of(workbook)`` for an uploaded .xlsx, or ``FileProblem``; ``too_large`` is the message for a
    file over ``max_bytes``."""
    name = getattr(uploaded, "name", "") or ""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise FileProblem(too_large)
    if not name.lower().endswith(".xlsx"):
        raise FileProblem(
            _(
                "Only Excel workbooks (.xlsx) can be imported. Save the table as .xlsx in Excel or WPS and try again."
            )
        )
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileProblem(too_large)
    if not data:
        raise FileProblem(_("The file is empty."))
    unreadable = _(
        "The file is not a readable Excel workbook (.xlsx). Open it in Excel or WPS, save it as .xlsx and try again."
    )
    if not data.startswith(XLSX_MAGIC):
        raise FileProblem(unreadable)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise FileProblem(unreadable)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors…) for a broken file
        raise FileProblem(unreadable) from None
    try:
        return rows_of(workbook)
    except FileProblem:
        raise
    except Exception:
        raise FileProblem(unreadable) from None
    finally:
        workbook.close()
