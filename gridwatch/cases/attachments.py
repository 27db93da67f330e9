"""Report attachments (SECURITY.md item 7): photos and PDFs from the reporter or the handlers.

Every file is checked by its content, never by its name or the type the browser claims: the first bytes
must be those of a JPEG, PNG, WebP or PDF. Images are re-encoded from their pixels alone (no EXIF, GPS, XMP,
ICC profile or comment survives, the long edge is capped, decompression bombs are refused); a PDF must
parse and may hold no scripts, launch actions, embedded files, rich media or XFA forms. When
``GRIDWATCH_CLAMD`` is set each file is streamed to ClamAV first, and a scanner that cannot be reached
refuses the file. The checked files are stored under random names with a name made up by GridWatch
("1.jpg"): the uploader's file name, which may identify them, is never kept.

The checks run while the form is cleaned, before any transaction, so that no database lock is held while
pixels are decoded or the scanner answers; the services only store the checked files and enforce the limits
that depend on the report (files already attached).
"""

import contextlib
import contextvars
import datetime
import io
import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urlparse

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.photos import reencode_image

from .models import Report, ReportAttachment
from .selectors import reports_for

logger = logging.getLogger(__name__)

FIELD = "attachments"
ATTACHMENT_ADD = "report.attachment_add"
ATTACHMENT_VIEW = "report.attachment_view"
REPORTER_ATTACHMENT = "report.reporter_attachment"

JPEG, PNG, WEBP, PDF = "JPEG", "PNG", "WEBP", "PDF"
# What the browser is told a stored file is, and the extension of the made-up name. Images are stored as
# the JPEG they are re-encoded to.
STORED = {
    JPEG: ("image/jpeg", "jpg"),
    PNG: ("image/jpeg", "jpg"),
    WEBP: ("image/jpeg", "jpg"),
    PDF: ("application/pdf", "pdf"),
}
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"

# PDF names that run code, start programs, carry other files or interactive content a viewer may act on.
PDF_FORBIDDEN_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "FileAttachment",
        "RichMedia",
        "RichMediaExecute",
        "GoToE",
        "XFA",
    }
)
_NAME_CHAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
# A forbidden name, not followed by more of a name.
PDF_FORBIDDEN_NAME = re.compile(
    rb"/(?:" + b"|".join(n.encode() for n in sorted(PDF_FORBIDDEN_NAMES)) + rb")(?!" + _NAME_CHAR + rb")"
)
# Where a stream's data begins. Stream data is left out of the look at the raw bytes: compressed data holds
# "/JS" by chance.
PDF_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
# The stub every Windows program carries; a PDF holding it carries a program.
PE_STUB = b"This program cannot be run in DOS mode"


def max_bytes():
    return settings.GRIDWATCH_ATTACHMENT_MAX_BYTES


def report_max_bytes():
    return settings.GRIDWATCH_ATTACHMENT_REPORT_MAX_BYTES


def max_files():
    return settings.GRIDWATCH_ATTACHMENT_MAX_FILES


def _megabytes(size):
    return f"{size / (1024 * 1024):g}"


def limits_text():
    """The limits as a resident reads them, beside the file field."""
    return _(
        "Photos (JPEG, PNG, WebP) or PDF files: at most %(files)s files, %(size)s MB each and %(total)s MB "
        "in all. Location and camera data are removed from photos."
    ) % {"files": max_files(), "size": _megabytes(max_bytes()), "total": _megabytes(report_max_bytes())}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, ready to be stored: the bytes to keep and what they are."""

    content: bytes
    content_type: str
    extension: str

    @property
    def size(self):
        return len(self.content)


# ------------------------------------------------------------------------------------------- checking


def sniff(head):
    """What the first bytes say the file is: one of the allowed kinds, ``"program"``, or ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")):
        return "program"
    return None


def _outside_streams(data):
    """The bytes of a PDF less the data of its streams. One pass: a stream without its end keeps the rest
    of the file in view."""
    parts, position = [], 0
    while True:
        start = PDF_STREAM_START.search(data, position)
        end = data.find(b"endstream", start.end()) if start else -1
        if end < 0:
            parts.append(data[position:])
            return b" ".join(parts)
        parts.append(data[position : start.end()])
        position = end + len(b"endstream")


def _pdf_names_forbidden(data):
    """Whether the file's bytes outside stream data write a forbidden name, plainly or with ``#xx``
    escapes (``/J#61vaScript``)."""
    visible = _outside_streams(data)
    if PDF_FORBIDDEN_NAME.search(visible):
        return True
    if b"#" not in visible:
        return False
    # Every #xx read as the byte it stands for, in one pass ("%" is escaped first, as a literal).
    decoded = unquote_to_bytes(visible.replace(b"%", b"%25").replace(b"#", b"%"))
    return PDF_FORBIDDEN_NAME.search(decoded) is not None


def _pdf_forbidden(value, seen):
    """Whether a parsed PDF object holds a forbidden key or names a forbidden action or type."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            if id(item) in seen:
                continue
            seen.add(id(item))
            for key, child in item.items():
                if str(key).lstrip("/") in PDF_FORBIDDEN_NAMES:
                    return True
                if isinstance(child, NameObject) and str(child).lstrip("/") in PDF_FORBIDDEN_NAMES:
                    return True
                stack.append(child)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def check_pdf(data, *, field=FIELD):
    """Refuse a PDF that does not parse or that holds scripts, actions that start programs, embedded
    files, rich media or XFA forms. The names are looked for twice: in the raw bytes, and in every object of
    the parsed file, where object streams are decompressed (a name may hide in a compressed one)."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    refused = ValidationFailed(
        _(
            "This PDF contains scripts or embedded files, which are not accepted. Save it again as a plain "
            "PDF (for example by printing it to PDF), or attach photos of its pages."
        ),
        field=field,
    )
    if PE_STUB in data:
        raise ValidationFailed(_("This file holds a program, not a photo or a PDF."), field=field)
    if _pdf_names_forbidden(data):
        raise refused
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationFailed(
                _("The PDF is protected by a password. Attach a copy without a password."), field=field
            )
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        seen = set()
        if _pdf_forbidden(reader.trailer, seen):
            raise refused
        numbers = {(idnum, gen) for gen, table in reader.xref.items() for idnum in table}
        numbers |= {(idnum, 0) for idnum in reader.xref_objStm}
        for idnum, gen in sorted(numbers):
            obj = reader.get_object(IndirectObject(idnum, gen, reader))
            if _pdf_forbidden(obj, seen):
                raise refused
    except ValidationFailed:
        raise
    except Exception as exc:  # an untrusted file: whatever the parser chokes on is a damaged PDF
        raise ValidationFailed(_("The PDF file is damaged or cannot be read."), field=field) from exc


def pdf_without_metadata(data, *, field=FIELD):
    """The pages of a checked PDF written into a new file with no document information and no XMP: an
    office program puts the author's account name there, which may be the reporter's (SECURITY.md item 3)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if key in page:
                    del page[NameObject(key)]
            writer.add_page(page)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # an untrusted file: whatever the parser chokes on is a damaged PDF
        raise ValidationFailed(_("The PDF file is damaged or cannot be read."), field=field) from exc
    return out.getvalue()


# ------------------------------------------------------------------------------------------- scanning


class ScannerUnavailable(Exception):
    """The virus scanner could not be asked or gave no answer that can be trusted."""


class ScannerDown(ValidationFailed):
    """The refusal of a file because the scanner is away: it concerns every file of the submission alike."""


def _scanner(address):
    from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket

    timeout = settings.GRIDWATCH_CLAMD_TIMEOUT
    url = urlparse(address)
    if url.scheme == "unix":
        return ClamdUnixSocket(path=url.path, timeout=timeout)
    if url.scheme == "tcp" and url.hostname:
        return ClamdNetworkSocket(host=url.hostname, port=url.port or 3310, timeout=timeout)
    raise ScannerUnavailable("GRIDWATCH_CLAMD is neither tcp://host:port nor unix:///path")


def scan(data):
    """Stream ``data`` to clamd (INSTREAM). Returns ``None`` when it is clean or no scanner is configured,
    the signature's name when clamd found something; raises ``ScannerUnavailable`` for anything else:
    no answer, an error, an answer it cannot read."""
    address = settings.GRIDWATCH_CLAMD
    if not address:
        return None
    try:
        result = _scanner(address).instream(io.BytesIO(data))
    except ScannerUnavailable:
        raise
    except Exception as exc:
        # The client's messages name the scanner's address or its reply, never the file's content.
        raise ScannerUnavailable(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    answers = list(result.values()) if isinstance(result, dict) else []
    if len(answers) != 1:
        raise ScannerUnavailable(f"unexpected answer: {str(result)[:200]}")
    status, signature = answers[0]
    if status == "OK":
        return None
    if status == "FOUND":
        return signature or "unknown"
    raise ScannerUnavailable(f"unexpected answer: {str(result)[:200]}")


# ------------------------------------------------------------------------------------------- cleaning


def _display(upload):
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:60] or _("the file")


def check_upload(upload, *, field=FIELD):
    """Check one uploaded file and return it as a ``CheckedFile``, or raise ``ValidationFailed``."""
    if upload.size > max_bytes():
        raise ValidationFailed(
            _("The file is larger than %(size)s MB.") % {"size": _megabytes(max_bytes())}, field=field
        )
    if upload.size == 0:
        raise ValidationFailed(_("The file is empty."), field=field)
    upload.seek(0)
    data = upload.read()
    kind = sniff(data[:16])
    if kind == "program":
        raise ValidationFailed(_("This file holds a program, not a photo or a PDF."), field=field)
    if kind is None:
        raise ValidationFailed(
            _("Only photos (JPEG, PNG or WebP) and PDF files can be attached."), field=field
        )
    try:
        found = scan(data)
    except ScannerUnavailable as exc:
        logger.error("virus scanner unavailable, upload refused: %s", exc)
        raise ScannerDown(
            _(
                "The virus check is not available at the moment, so files cannot be accepted. Please try "
                "again later."
            ),
            field=field,
        ) from exc
    if found is not None:
        logger.warning("virus scanner found %s in an upload; refused", found[:100])
        raise ValidationFailed(_("The virus check found a threat in this file."), field=field)
    content_type, extension = STORED[kind]
    if kind == PDF:
        check_pdf(data, field=field)
        return CheckedFile(pdf_without_metadata(data, field=field), content_type, extension)
    content = reencode_image(
        data,
        edge=settings.GRIDWATCH_ATTACHMENT_IMAGE_EDGE,
        field=field,
        max_pixels=settings.GRIDWATCH_ATTACHMENT_MAX_PIXELS,
    )
    return CheckedFile(content, content_type, extension)


def check_uploads(uploads, *, field=FIELD):
    """Check the files of one submission: their number, their total size, then each one. Returns the list
    of ``CheckedFile``; raises ``ValidationFailed`` whose message names every refused file."""
    uploads = [u for u in uploads if u is not None]
    if not uploads:
        return []
    if len(uploads) > max_files():
        raise ValidationFailed(
            _("Attach at most %(count)s files at a time.") % {"count": max_files()}, field=field
        )
    if sum(u.size for u in uploads) > report_max_bytes():
        raise ValidationFailed(_total_message(), field=field)
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, field=field))
        except ScannerDown:
            raise  # said once, not for each file
        except ValidationFailed as exc:
            problems.append(_("%(name)s: %(problem)s") % {"name": _display(upload), "problem": exc.message})
    if problems:
        raise ValidationFailed(problems, field=field)
    return checked


def _total_message():
    return _("The files of a report may add up to at most %(size)s MB.") % {
        "size": _megabytes(report_max_bytes())
    }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Several files in one input, checked by ``check_uploads``; cleans to a list of ``CheckedFile``."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Photos or documents"))
        kwargs.setdefault("help_text", lazy(limits_text, str)())
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def bound_data(self, data, initial):
        return initial  # a browser cannot be given files back

    def clean(self, value):
        files = [f for f in (value if isinstance(value, list | tuple) else [value]) if f]
        try:
            return check_uploads(files, field=FIELD)
        except ValidationFailed as exc:
            messages = exc.message if isinstance(exc.message, list) else [exc.message]
            raise forms.ValidationError(messages) from exc


# ------------------------------------------------------------------------------------------- storing

_written = contextvars.ContextVar("gridwatch_attachments_written", default=None)


@contextlib.contextmanager
def discarded_on_failure():
    """Files stored inside the block are deleted again when it raises: the transaction that would have
    recorded them was rolled back, and a resident's photo must not stay on disk without its row."""
    names = []
    token = _written.set(names)
    try:
        yield
    except BaseException:
        for name in names:
            _delete_quietly(name)
        raise
    finally:
        _written.reset(token)


def _delete_quietly(name):
    try:
        ReportAttachment._meta.get_field("file").storage.delete(name)
    except OSError:  # pragma: no cover - logged, nothing else to do
        logger.exception("could not delete a stored attachment after a failed submission")


def _blur_file_time(field_file, day):
    """Set a stored file's times to the start of ``day``: the file system must not keep the second an
    anonymous report arrived (SECURITY.md item 1), any more than the database does."""
    try:
        path = field_file.path
    except NotImplementedError:  # a storage without local paths keeps its own times
        return
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    os.utime(path, (start.timestamp(), start.timestamp()))


def attach(*, report, files, from_reporter, uploaded_by=None):
    """Store checked files on ``report`` inside the caller's transaction; refuses (before writing any
    file) when they would take the report over its limits. Costs no query when ``files`` is empty."""
    files = list(files or ())
    if not files:
        return []
    if len(files) > max_files():
        raise ValidationFailed(
            _("Attach at most %(count)s files at a time.") % {"count": max_files()}, field=FIELD
        )
    # The report's row is locked so that two uploads at once can neither pass the limit together nor take
    # the same number.
    Report.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True).first()
    before = ReportAttachment.objects.filter(report=report).aggregate(n=Count("id"), total=Sum("size"))
    if (before["total"] or 0) + sum(f.size for f in files) > report_max_bytes():
        raise ValidationFailed(_total_message(), field=FIELD)
    today = timezone.localdate()
    written = _written.get()
    stored, names = [], []
    try:
        for number, checked in enumerate(files, start=before["n"] + 1):
            attachment = ReportAttachment(
                report=report,
                content_type=checked.content_type,
                size=checked.size,
                display_name=f"{number}.{checked.extension}",
                from_reporter=from_reporter,
                uploaded_by=uploaded_by,
                added_on=today,
            )
            attachment.file.save("upload", ContentFile(checked.content), save=False)
            names.append(attachment.file.name)
            _blur_file_time(attachment.file, today)
            if written is not None:
                written.append(attachment.file.name)
            attachment.save(force_insert=True)
            stored.append(attachment)
    except BaseException:
        for name in names:
            _delete_quietly(name)
        raise
    return stored


@transaction.atomic
def report_attachment_add(*, actor, report, files):
    """A handler adds evidence files to a case (from_reporter=False). Audited, with the number of files."""
    if not reports_for(actor).filter(pk=report.pk).exists():
        raise NotPermitted
    files = list(files or ())
    if not files:
        raise ValidationFailed(_("Choose the files to add."), field=FIELD)
    stored = attach(report=report, files=files, from_reporter=False, uploaded_by=actor)
    audit_log(actor=actor, action=ATTACHMENT_ADD, obj=report, changes={"files": len(stored)})
    return stored


def report_attachment_open(*, actor, attachment):
    """Reading an attachment is a sensitive read: one audit event for each download, naming the report and
    the attachment's id, never a file name. Returns the open file."""
    handle = attachment.file.open("rb")
    audit_log(
        actor=actor,
        action=ATTACHMENT_VIEW,
        obj=attachment.report,
        changes={"attachment": str(attachment.pk)},
    )
    return handle


# ------------------------------------------------------------------------------------------- reading


def _ordered(qs):
    # "10.jpg" after "9.jpg".
    return qs.order_by("added_on", Length("display_name"), "display_name")


def attachment_list(report):
    """The attachments of a report the caller was allowed to open."""
    return list(_ordered(ReportAttachment.objects.filter(report=report)).select_related("uploaded_by"))


def reporter_files(report):
    """What the reporter sees with the receipt code: the names and dates of the files they sent, not the
    handlers' evidence."""
    return list(_ordered(ReportAttachment.objects.filter(report=report, from_reporter=True)))


def attachment_for_user(user, pk):
    """The attachment, if its report is one ``user`` may see (jurisdiction and recusal), else ``None``."""
    return (
        ReportAttachment.objects.filter(pk=pk, report__in=reports_for(user)).select_related("report").first()
    )
