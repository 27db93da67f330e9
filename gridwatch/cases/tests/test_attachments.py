"""Report attachments (SECURITY.md item 7): what a resident may attach, what is refused and how, what is
kept of a file, who may download it, the virus scanner."""

import io
import socket
import struct
import threading
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image, ImageCms
from pypdf import PdfReader

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AnonymousTally, AuditEvent
from gridwatch.cases import attachments, receipts, services
from gridwatch.cases.models import Channel, Report, ReportAttachment, ReportMessage
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user, zh
from gridwatch.people.models import DeclaredRelation, RelationKind

MB = 1024 * 1024
WHAT = "周末多次在农家乐接受老板宴请"
SECRET_NAME = "张三家门口-IMG_2044.jpg"


# ------------------------------------------------------------------------------------------- files


def jpeg_with_metadata(size=(1200, 900)):
    """A photo as a phone takes it: GPS position, camera make, an XMP packet, an ICC profile, a comment."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (26.0, 1.0, 30.0)
    gps[3], gps[4] = "E", (106.0, 27.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        exif=exif,
        icc_profile=icc,
        comment=b"SECRET-COMMENT",
        xmp=b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>",
    )
    return out.getvalue()


def png(size=(300, 200), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def png_header_only(width, height):
    """A PNG that declares ``width``×``height`` pixels in a few bytes: a decompression bomb's header."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def pdf(*extra, catalog=b"", pad=0):
    """A small, valid PDF: catalog, pages, one page, then ``extra`` objects (numbered from 4) and an
    optional uncompressed stream of ``pad`` bytes, the page's contents (so that it is kept when the PDF is
    written again without its metadata)."""
    contents = b" /Contents %d 0 R" % (4 + len(extra)) if pad else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]" + contents + b" >>",
        *extra,
    ]
    if pad:
        objects.append(b"<< /Length %d >>\nstream\n" % pad + b"0" * pad + b"\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return out


def pdf_with_script_in_an_object_stream():
    """A PDF 1.5 whose catalog and JavaScript open action sit in a compressed object stream: the raw bytes
    hold neither /OpenAction nor /JavaScript."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"1 0 4 %d " % (len(catalog) + 1)
    packed = zlib.compress(header + catalog + b" " + action)
    out = b"%PDF-1.5\n"
    offsets = {}
    plain = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 2 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    for number, body in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [(0, 0, 65535), (2, 5, 0), (1, offsets[2], 0), (1, offsets[3], 0), (2, 5, 1)]
    rows += [(1, offsets[5], 0), (1, offsets[6], 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return out


def exe():
    return (
        b"MZ\x90\x00\x03\x00\x00\x00"
        + b"\x00" * 56
        + b"This program cannot be run in DOS mode.\r\n"
        + b"\x00" * 200
    )


def zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo("zeros.bin", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(entry, b"\x00" * (20 * MB), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# ------------------------------------------------------------------------------------------- helpers


def form_data(**extra):
    data = {
        "subject_name": "王五",
        "subject_unit_text": "县水务局",
        "circle": "social",
        "what": WHAT,
        "when": "三月每个周六",
        "where": "城郊农家乐",
        "named": "0",
        "website": "",
        "submission": receipts.submission_token_new(),
    }
    data.update(extra)
    return data


def post_report(client, files, url=None, **extra):
    return client.post(url or reverse("portal:report_form"), {**form_data(**extra), "attachments": files})


def stored_files(settings):
    folder = settings.MEDIA_ROOT / "cases"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_refused(response, settings, message):
    body = response.content.decode()
    assert response.status_code == 200
    assert zh(message) in body, body[-3000:]
    assert WHAT in body and "县水务局" in body  # what was typed is kept
    assert not Report.objects.exists() and not ReportAttachment.objects.exists()
    assert stored_files(settings) == []


def read_back(attachment):
    with attachment.file.open("rb") as handle:
        return handle.read()


# ------------------------------------------------------------------------------------------- the public form


def test_it_stores_a_photo_without_any_metadata_under_a_made_up_name(client, county, settings):
    response = post_report(client, [upload(SECRET_NAME, jpeg_with_metadata())])
    assert response.status_code == 200 and zh("Report received") in response.content.decode()
    attachment = ReportAttachment.objects.get()
    assert attachment.report == Report.objects.get()
    assert attachment.display_name == "1.jpg" and attachment.content_type == "image/jpeg"
    assert attachment.from_reporter and attachment.uploaded_by is None
    assert attachment.file.name.startswith("cases/") and "IMG" not in attachment.file.name
    data = read_back(attachment)
    assert attachment.size == len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (1200, 900)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    for trace in (b"PhoneMaker", b"SECRET-COMMENT", b"SECRET-XMP", b"GPS"):
        assert trace not in data


def test_it_keeps_the_uploaders_file_name_address_and_browser_nowhere(client, county, settings):
    client.post(
        reverse("portal:report_form"),
        {**form_data(), "attachments": [upload(SECRET_NAME, jpeg_with_metadata())]},
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="SentinelBrowser/9.9",
    )
    assert ReportAttachment.objects.count() == 1
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                hits += [(table, n) for n in ("IMG_2044", "203.0.113.77", "SentinelBrowser") if n in text]
    assert hits == []
    assert all("IMG" not in name for name in stored_files(settings))


def test_it_takes_a_png_and_a_pdf_from_a_grid_page(client, grid_a, cadre_a):
    url = reverse("portal:report_grid", args=[grid_a.code])
    files = [upload("a.png", png(mode="RGBA"), "image/png"), upload("b.pdf", pdf(), "application/pdf")]
    response = post_report(client, files, url=url, subject_cadre=cadre_a.pk)
    assert response.status_code == 200
    photo, document = ReportAttachment.objects.order_by("display_name")
    assert (photo.display_name, photo.content_type) == ("1.jpg", "image/jpeg")
    assert (document.display_name, document.content_type) == ("2.pdf", "application/pdf")
    stored = PdfReader(io.BytesIO(read_back(document)))
    assert len(stored.pages) == 1 and stored.metadata is None
    with Image.open(io.BytesIO(read_back(photo))) as image:
        assert image.getpixel((5, 5))[2] > 200  # the transparent blue laid on white, not on black


def test_it_takes_a_phone_photo_holding_a_second_picture(client, county):
    """Some phones write an MPO: a JPEG followed by a depth map or a preview. The first picture is kept."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (1, 2, 3)).save(
        out, format="MPO", save_all=True, append_images=[Image.new("RGB", (64, 48))]
    )
    post_report(client, [upload("p.jpg", out.getvalue())])
    with Image.open(io.BytesIO(read_back(ReportAttachment.objects.get()))) as stored:
        assert stored.format == "JPEG" and stored.size == (640, 480)
        assert getattr(stored, "n_frames", 1) == 1


def test_it_caps_the_long_edge_and_keeps_a_phone_photo_upright(client, county):
    image = Image.new("RGB", (4000, 1000), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was held upright, turned a quarter
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    post_report(client, [upload("p.jpg", out.getvalue())])
    with Image.open(io.BytesIO(read_back(ReportAttachment.objects.get()))) as stored:
        assert stored.size == (640, 2560)


@pytest.mark.parametrize(
    "name, data, content_type, message",
    [
        (
            "poster.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
            "Only photos (JPEG, PNG or WebP) and PDF files can be attached.",
        ),
        (
            "photo.jpg",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "image/jpeg",
            "Only photos (JPEG, PNG or WebP) and PDF files can be attached.",
        ),
        ("letter.pdf", exe(), "application/pdf", "This file holds a program, not a photo or a PDF."),
        (
            "run.pdf",
            b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
            "application/pdf",
            "This file holds a program, not a photo or a PDF.",
        ),
        (
            "bomb.png",
            zip_bomb(),
            "image/png",
            "Only photos (JPEG, PNG or WebP) and PDF files can be attached.",
        ),
        (
            "notes.docx",
            b"PK\x03\x04" + b"\x00" * 100,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Only photos (JPEG, PNG or WebP) and PDF files can be attached.",
        ),
        ("huge.png", png_header_only(100_000, 100_000), "image/png", "The photo has too many pixels."),
        ("big.png", png_header_only(8000, 6000), "image/png", "The photo has too many pixels."),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "image/jpeg", "The file is not a readable image."),
        ("empty.jpg", b"", "image/jpeg", "The file is empty."),
        (
            "broken.pdf",
            b"%PDF-1.4\nnothing else",
            "application/pdf",
            "The PDF file is damaged or cannot be read.",
        ),
    ],
    ids=[
        "svg-with-script",
        "html-named-jpg",
        "exe-named-pdf",
        "elf-named-pdf",
        "zip-bomb-named-png",
        "office-file",
        "decompression-bomb",
        "too-many-pixels",
        "broken-jpeg",
        "empty",
        "broken-pdf",
    ],
)
def test_it_refuses_what_is_not_a_photo_or_a_clean_pdf_and_keeps_the_form(
    client, county, settings, name, data, content_type, message
):
    response = post_report(client, [upload(name, data, content_type)])
    assert_refused(response, settings, message)
    assert name in response.content.decode()  # the message says which file


SCRIPTED_PDF = (
    "This PDF contains scripts or embedded files, which are not accepted. Save it again as a plain PDF "
    "(for example by printing it to PDF), or attach photos of its pages."
)


@pytest.mark.parametrize(
    "data",
    [
        pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>", catalog=b" /OpenAction 4 0 R"),
        pdf(b"<< /S /Launch /F (cmd.exe) >>", catalog=b" /OpenAction 4 0 R"),
        pdf(b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream"),
        pdf(b"<< /Fields [] /XFA 5 0 R >>", catalog=b" /AcroForm 4 0 R"),
        pdf(b"<< /S /J#61vaScript /JS (app.alert(1)) >>", catalog=b" /OpenAction 4 0 R"),
        pdf_with_script_in_an_object_stream(),
    ],
    ids=["javascript", "launch", "embedded-file", "xfa", "escaped-name", "object-stream"],
)
def test_it_refuses_a_pdf_with_scripts_or_embedded_files(client, county, settings, data):
    response = post_report(client, [upload("letter.pdf", data, "application/pdf")])
    assert_refused(response, settings, SCRIPTED_PDF)


def test_it_finds_a_script_hidden_in_a_compressed_object_stream_by_parsing():
    data = pdf_with_script_in_an_object_stream()
    assert b"JavaScript" not in data and b"OpenAction" not in data
    with pytest.raises(attachments.ValidationFailed) as refused:
        attachments.check_pdf(data)
    assert str(refused.value.message) == zh(SCRIPTED_PDF)
    attachments.check_pdf(pdf())  # the same structure without the script passes


def test_it_logs_nothing_the_pdf_parser_says_of_a_residents_file(client, county, caplog):
    """The parser's warnings quote the file (here a key written twice): none reaches the logs."""
    caplog.set_level("DEBUG")
    response = post_report(
        client, [upload("a.pdf", pdf(b"<< /SECRETPDFTEXT 1 /SECRETPDFTEXT 2 >>"), "application/pdf")]
    )
    assert response.status_code == 200 and ReportAttachment.objects.count() == 1
    assert "SECRETPDFTEXT" not in caplog.text


def test_it_refuses_a_pdf_locked_by_a_password():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(attachments.ValidationFailed) as refused:
        attachments.check_pdf(out.getvalue())
    assert str(refused.value.message) == zh(
        "The PDF is protected by a password. Attach a copy without a password."
    )


def test_it_refuses_a_script_the_cross_reference_table_leaves_out():
    """An object after the end of the file is not parsed, but a viewer that repairs files may find it: the
    look at the raw bytes does."""
    data = pdf() + b"9 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"
    with pytest.raises(attachments.ValidationFailed) as refused:
        attachments.check_pdf(data)
    assert str(refused.value.message) == zh(SCRIPTED_PDF)


def test_it_does_not_mistake_bytes_inside_a_stream_for_a_name():
    """Compressed data may hold "/JS" by chance: only names outside streams count."""
    stream = b"abc /JS def /JavaScript"
    attachments.check_pdf(pdf(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))


def test_it_refuses_a_file_over_5_mb(client, county, settings):
    response = post_report(client, [upload("big.pdf", pdf(pad=6 * MB), "application/pdf")])
    assert_refused(response, settings, zh("The file is larger than %(size)s MB.", size="5"))


def test_it_refuses_more_than_20_mb_in_all(client, county, settings):
    files = [upload(f"{n}.pdf", pdf(pad=4 * MB + n), "application/pdf") for n in range(5)]
    response = post_report(client, files)
    assert_refused(
        response, settings, zh("The files of a report may add up to at most %(size)s MB.", size="20")
    )


def test_it_refuses_more_than_6_files_at_a_time(client, county, settings):
    files = [upload(f"{n}.png", png(), "image/png") for n in range(7)]
    response = post_report(client, files)
    assert_refused(response, settings, zh("Attach at most %(count)s files at a time.", count=6))


def test_it_refuses_every_bad_file_and_stores_none_of_the_good_ones(client, county, settings):
    files = [upload("ok.png", png(), "image/png"), upload("bad.jpg", b"<html></html>")]
    response = post_report(client, files)
    assert_refused(response, settings, "Only photos (JPEG, PNG or WebP) and PDF files can be attached.")
    assert "bad.jpg" in response.content.decode() and "ok.png" not in response.content.decode()
    assert zh(
        "A browser cannot keep chosen files when a form is shown again: choose them again before sending."
    ) in (response.content.decode())


def test_it_stores_nothing_when_another_field_is_wrong(client, county, settings):
    response = post_report(client, [upload("ok.png", png(), "image/png")], subject_name="")
    assert response.status_code == 200
    assert zh("Pick the cadre from the list or type their name.") in response.content.decode()
    assert not ReportAttachment.objects.exists() and stored_files(settings) == []


def test_it_files_one_report_with_its_files_when_the_form_is_sent_twice(client, county):
    data = form_data()
    first = client.post(
        reverse("portal:report_form"), {**data, "attachments": [upload("a.png", png(), "image/png")]}
    )
    second = client.post(
        reverse("portal:report_form"), {**data, "attachments": [upload("a.png", png(), "image/png")]}
    )
    assert first.status_code == 200 and second.status_code == 200
    assert Report.objects.count() == 1 and ReportAttachment.objects.count() == 1


def test_it_removes_the_stored_files_when_the_transaction_fails(county, settings, monkeypatch):
    checked = attachments.check_uploads([upload("a.png", png(), "image/png")])

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "audit_count", broken)  # the report's last write, after its files
    with pytest.raises(RuntimeError), attachments.discarded_on_failure():
        file_report(subject_name="赵六", fallback_path=county.path, attachments=checked)
    assert stored_files(settings) == [] and not ReportAttachment.objects.exists()


def test_it_costs_no_query_without_files(county, django_assert_num_queries):
    report, _code = file_report(subject_name="赵六", fallback_path=county.path)
    with django_assert_num_queries(0):
        assert attachments.attach(report=report, files=(), from_reporter=True) == []


# ------------------------------------------------------------------------------------------- staff intake


def test_it_takes_files_with_a_report_taken_by_staff(as_user, township_officer_a, grid_a):
    client = as_user(township_officer_a)
    data = form_data(channel=Channel.LETTER, grid=grid_a.code)
    data["attachments"] = [upload("letter.pdf", pdf(), "application/pdf")]
    response = client.post(reverse("cases:case_intake"), data)
    assert response.status_code == 200
    attachment = ReportAttachment.objects.get()
    assert attachment.from_reporter and attachment.uploaded_by == township_officer_a


def test_it_refuses_a_bad_file_at_intake_and_keeps_the_form(as_user, township_officer_a, grid_a, settings):
    client = as_user(township_officer_a)
    data = form_data(channel=Channel.LETTER, grid=grid_a.code)
    data["attachments"] = [upload("letter.pdf", exe(), "application/pdf")]
    response = client.post(reverse("cases:case_intake"), data)
    assert_refused(response, settings, "This file holds a program, not a photo or a PDF.")


# ------------------------------------------------------------------------------------------- follow-up


def follow(client, code, **extra):
    return client.post(reverse("portal:report_follow_up"), {"code": code, **extra})


def test_it_lets_the_reporter_add_files_with_the_code_and_see_their_names(client, county, township_officer_a):
    report, code = file_report(subject_name="赵六", fallback_path=county.path)
    evidence = attachments.check_uploads([upload("staff.png", png(), "image/png")])
    attachments.attach(report=report, files=evidence, from_reporter=False, uploaded_by=township_officer_a)
    response = follow(client, code, action="reply", attachments=[upload("more.jpg", jpeg_with_metadata())])
    body = response.content.decode()
    assert response.status_code == 200
    added = ReportAttachment.objects.get(from_reporter=True)
    assert added.display_name == "2.jpg" and added.uploaded_by is None
    assert not ReportMessage.objects.exists()  # files only: no empty message
    assert "2.jpg" in body and added.added_on.strftime("%Y-%m-%d") in body
    assert "1.jpg" not in body  # the handlers' evidence is theirs
    assert zh("Your message was sent.") not in body
    # Counted for the day, never logged with its time (SECURITY.md item 1).
    assert not AuditEvent.objects.filter(action="report.reporter_attachment").exists()
    assert AnonymousTally.objects.get(action="report.reporter_attachment").count == 1


def test_it_takes_a_message_and_files_together(client, county):
    report, code = file_report(subject_name="赵六", fallback_path=county.path)
    follow(client, code, action="reply", body="补充照片", attachments=[upload("a.png", png(), "image/png")])
    assert ReportMessage.objects.get().body == "补充照片"
    assert ReportAttachment.objects.filter(report=report).count() == 1
    assert not AuditEvent.objects.filter(action__startswith="report.reporter").exists()
    counts = dict(AnonymousTally.objects.exclude(action="report.submit").values_list("action", "count"))
    assert counts == {"report.reporter_message": 1, "report.reporter_attachment": 1}


def test_it_asks_for_a_message_or_a_file(client, county):
    _report, code = file_report(subject_name="赵六", fallback_path=county.path)
    response = follow(client, code, action="reply", body="")
    assert zh("Write a message or add a file.") in response.content.decode()


def test_it_counts_the_files_already_attached_against_the_report_limit(client, county, settings):
    report, code = file_report(subject_name="赵六", fallback_path=county.path)
    ReportAttachment.objects.create(
        report=report,
        file="cases/x",
        content_type="application/pdf",
        size=19 * MB,
        display_name="1.pdf",
        from_reporter=True,
        added_on=report.received_on,
    )
    response = follow(
        client,
        code,
        action="reply",
        body="再补充",
        attachments=[upload("b.pdf", pdf(pad=2 * MB), "application/pdf")],
    )
    body = response.content.decode()
    assert zh("The files of a report may add up to at most %(size)s MB.", size="20") in body
    assert "再补充" in body  # the message typed is kept
    assert ReportAttachment.objects.count() == 1 and not ReportMessage.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_a_bad_file_with_the_code_and_keeps_the_message(client, county, settings):
    _report, code = file_report(subject_name="赵六", fallback_path=county.path)
    response = follow(
        client,
        code,
        action="reply",
        body="请看附件",
        attachments=[upload("x.svg", b"<svg/>", "image/svg+xml")],
    )
    body = response.content.decode()
    assert zh("Only photos (JPEG, PNG or WebP) and PDF files can be attached.") in body and "请看附件" in body
    assert not ReportMessage.objects.exists() and not ReportAttachment.objects.exists()


# ------------------------------------------------------------------------------------------- the case page and downloads


@pytest.fixture
def with_file(report_a):
    report, _code = report_a
    checked = attachments.check_uploads([upload("a.jpg", jpeg_with_metadata())])
    (attachment,) = attachments.attach(report=report, files=checked, from_reporter=True)
    return attachment


def download(client, attachment):
    return client.get(reverse("cases:attachment_download", args=[attachment.pk]))


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a", "grid_supervisor"])
def test_it_lists_and_serves_the_files_to_the_handlers(request, as_user, with_file, persona):
    client = as_user(request.getfixturevalue(persona))
    page = client.get(reverse("cases:case_detail", args=[with_file.report_id])).content.decode()
    assert "1.jpg" in page and reverse("cases:attachment_download", args=[with_file.pk]) in page
    response = download(client, with_file)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "1.jpg" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == read_back(with_file)


def test_it_serves_a_pdf_as_a_download_too(as_user, county_officer, report_a):
    report, _code = report_a
    (attachment,) = attachments.attach(
        report=report,
        files=attachments.check_uploads([upload("x.pdf", pdf(), "application/pdf")]),
        from_reporter=True,
    )
    response = download(as_user(county_officer), attachment)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_serves_the_files_to_the_leading_group_office(as_user, county, with_file):
    office = make_user("office", role=Role.OFFICE, area=county)
    assert download(as_user(office), with_file).status_code == 200


def test_it_audits_each_download_once_without_a_file_name(as_user, county_officer, with_file):
    client = as_user(county_officer)
    download(client, with_file)
    download(client, with_file)
    events = AuditEvent.objects.filter(action="report.attachment_view")
    assert events.count() == 2
    event = events.first()
    assert event.object_id == str(with_file.report_id) and event.actor_id == county_officer.pk
    assert event.changes == {"attachment": str(with_file.pk)}
    assert "a.jpg" not in str(event.changes) and "1.jpg" not in str(event.changes)


@pytest.mark.parametrize(
    "persona",
    ["township_officer_b", "cadre_user", "unit_liaison", "system_admin", "audit_admin"],
)
def test_it_answers_404_to_everyone_else(request, as_user, with_file, persona):
    client = as_user(request.getfixturevalue(persona))
    assert download(client, with_file).status_code == 404
    assert not AuditEvent.objects.filter(action="report.attachment_view").exists()


def test_it_answers_404_to_a_declared_relation(as_user, township_officer_a, cadre_a, with_file):
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.KIN)
    assert download(as_user(township_officer_a), with_file).status_code == 404


def test_it_answers_404_to_the_subject_and_their_unit_even_with_a_staff_role(
    as_user, county, cadre_a, unit_liaison, with_file
):
    from gridwatch.accounts.models import RoleAssignment

    subject = make_user("subject_officer", role=Role.COUNTY_STAFF, area=county)
    cadre_a.user = subject
    cadre_a.save(update_fields=["user"])
    assert download(as_user(subject), with_file).status_code == 404
    RoleAssignment.objects.create(user=unit_liaison, role=Role.COUNTY_STAFF, area=county)
    assert download(as_user(unit_liaison), with_file).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in_and_refuses_post(client, as_user, county_officer, with_file):
    response = download(client, with_file)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    url = reverse("cases:attachment_download", args=[with_file.pk])
    assert as_user(county_officer).post(url).status_code == 405


def test_it_answers_404_for_an_unknown_attachment(as_user, county_officer, report_a):
    import uuid

    url = reverse("cases:attachment_download", args=[uuid.uuid4()])
    assert as_user(county_officer).get(url).status_code == 404


# ------------------------------------------------------------------------------------------- evidence


def add_url(report):
    return reverse("cases:attachment_add", args=[report.pk])


def test_it_lets_a_handler_add_evidence(as_user, township_officer_a, report_a):
    report, _code = report_a
    client = as_user(township_officer_a)
    response = client.post(add_url(report), {"attachments": [upload("scene.jpg", jpeg_with_metadata())]})
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case_detail", args=[report.pk]
    )
    attachment = ReportAttachment.objects.get()
    assert not attachment.from_reporter and attachment.uploaded_by == township_officer_a
    event = AuditEvent.objects.get(action="report.attachment_add")
    assert event.object_id == str(report.pk) and event.changes == {"files": 1}
    page = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert "1.jpg" in page and zh("evidence") in page


def test_it_shows_a_refused_evidence_file_beside_the_field(as_user, township_officer_a, report_a, settings):
    report, _code = report_a
    response = as_user(township_officer_a).post(
        add_url(report), {"attachments": [upload("x.pdf", exe(), "application/pdf")]}
    )
    assert response.status_code == 400
    assert zh("This file holds a program, not a photo or a PDF.") in response.content.decode()
    assert not ReportAttachment.objects.exists() and stored_files(settings) == []
    assert not AuditEvent.objects.filter(action="report.attachment_add").exists()


def test_it_asks_for_files_when_none_are_chosen(as_user, township_officer_a, report_a):
    report, _code = report_a
    response = as_user(township_officer_a).post(add_url(report), {})
    assert response.status_code == 400 and zh("Choose the files to add.") in response.content.decode()


def test_it_shows_the_evidence_form_only_to_handlers(as_user, county, grid_supervisor, report_a):
    report, _code = report_a
    page = as_user(grid_supervisor).get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert add_url(report) in page
    office = make_user("office", role=Role.OFFICE, area=county)
    page = as_user(office).get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert add_url(report) not in page


def test_it_refuses_evidence_from_other_townships_and_other_roles(
    as_user, county, township_officer_b, unit_liaison, report_a
):
    report, _code = report_a
    files = lambda: {"attachments": [upload("a.png", png(), "image/png")]}  # noqa: E731
    assert as_user(township_officer_b).post(add_url(report), files()).status_code == 404
    assert as_user(unit_liaison).post(add_url(report), files()).status_code == 403
    office = make_user("office", role=Role.OFFICE, area=county)
    assert as_user(office).post(add_url(report), files()).status_code == 403
    assert as_user(township_officer_b).get(add_url(report)).status_code == 405
    assert not ReportAttachment.objects.exists()


def test_it_refuses_evidence_from_a_recused_handler(as_user, township_officer_a, cadre_a, report_a):
    report, _code = report_a
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.KIN)
    response = as_user(township_officer_a).post(
        add_url(report), {"attachments": [upload("a.png", png(), "image/png")]}
    )
    assert response.status_code == 404 and not ReportAttachment.objects.exists()


def test_it_refuses_evidence_through_the_service_outside_jurisdiction(township_officer_b, report_a):
    report, _code = report_a
    with pytest.raises(attachments.NotPermitted):
        attachments.report_attachment_add(
            actor=township_officer_b,
            report=report,
            files=attachments.check_uploads([upload("a.png", png(), "image/png")]),
        )


# ------------------------------------------------------------------------------------------- virus scanning


def read_instream(reader):
    """The command line and the file of one INSTREAM request: length-prefixed chunks up to a zero length."""
    command = reader.readline()
    data = b""
    while True:
        (length,) = struct.unpack("!L", reader.read(4))
        if length == 0:
            return command, data
        data += reader.read(length)


class FakeClamd:
    """A clamd speaking INSTREAM on a local socket, giving one fixed answer; it records what it received."""

    def __init__(self, answer):
        self.answer = answer
        self.received = []
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self.received.append(read_instream(conn.makefile("rb")))
                conn.sendall(self.answer)

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings):
    servers = []

    def start(answer):
        server = FakeClamd(answer)
        servers.append(server)
        settings.GRIDWATCH_CLAMD = server.address
        settings.GRIDWATCH_CLAMD_TIMEOUT = 5
        return server

    yield start
    for server in servers:
        server.close()


def test_it_streams_every_file_to_clamd_and_takes_a_clean_one(client, county, clamd):
    server = clamd(b"stream: OK\n")
    original = jpeg_with_metadata()
    post_report(client, [upload("a.jpg", original), upload("b.pdf", pdf(), "application/pdf")])
    assert ReportAttachment.objects.count() == 2
    assert [command for command, _ in server.received] == [b"nINSTREAM\n"] * 2
    assert {data for _, data in server.received} == {original, pdf()}


def test_it_refuses_a_file_clamd_finds_a_virus_in(client, county, settings, clamd, caplog):
    clamd(b"stream: Eicar-Test-Signature FOUND\n")
    response = post_report(client, [upload("eicar.pdf", pdf(), "application/pdf")])
    assert_refused(response, settings, "The virus check found a threat in this file.")
    assert "Eicar-Test-Signature" in caplog.text


@pytest.mark.parametrize("answer", [b"stream: Can't allocate memory ERROR\n", b"HELLO\n", b""])
def test_it_refuses_files_when_clamd_answers_something_else(client, county, settings, clamd, answer):
    clamd(answer)
    response = post_report(client, [upload("a.png", png(), "image/png")])
    assert_refused(
        response,
        settings,
        "The virus check is not available at the moment, so files cannot be accepted. Please try again later.",
    )


def test_it_fails_closed_when_clamd_cannot_be_reached(client, county, settings, caplog):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there any more
    settings.GRIDWATCH_CLAMD = f"tcp://127.0.0.1:{port}"
    settings.GRIDWATCH_CLAMD_TIMEOUT = 2
    secret = b"SECRET-PIXELS"
    response = post_report(
        client, [upload("a.jpg", jpeg_with_metadata()), upload("b.png", png() + secret, "image/png")]
    )
    assert_refused(
        response,
        settings,
        "The virus check is not available at the moment, so files cannot be accepted. Please try again later.",
    )
    body = response.content.decode()
    # Said once beside the field for the two files (and once more in the error summary at the top).
    message = zh(
        "The virus check is not available at the moment, so files cannot be accepted. Please try again later."
    )
    assert body.count(f"<li>{message}</li>") == 1 and body.count(message) == 2
    assert "virus scanner unavailable" in caplog.text and "SECRET-PIXELS" not in caplog.text


def test_it_speaks_to_clamd_on_a_unix_socket(client, county, settings, tmp_path):
    path = tmp_path / "clamd.ctl"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve():
        conn, _ = server.accept()
        with conn:
            read_instream(conn.makefile("rb"))
            conn.sendall(b"stream: OK\n")

    threading.Thread(target=serve, daemon=True).start()
    settings.GRIDWATCH_CLAMD = f"unix://{path}"
    settings.GRIDWATCH_CLAMD_TIMEOUT = 5
    try:
        post_report(client, [upload("a.png", png(), "image/png")])
    finally:
        server.close()
    assert ReportAttachment.objects.count() == 1


def test_it_removes_the_author_and_other_metadata_from_a_pdf(client, county):
    """An office program writes the author's account name into the PDF: it may be the reporter's."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "陈小明 13912345678", "/Creator": "WPS 文字"})
    out = io.BytesIO()
    writer.write(out)
    response = post_report(client, [upload("a.pdf", out.getvalue(), "application/pdf")])
    assert response.status_code == 200
    stored = read_back(ReportAttachment.objects.get())
    assert "陈小明".encode("utf-16-be") not in stored and b"13912345678" not in stored
    assert PdfReader(io.BytesIO(stored)).metadata is None


def test_a_stored_file_keeps_the_day_only_not_the_time_it_arrived(client, county, settings):
    import datetime as dt
    import os

    from django.utils import timezone

    post_report(client, [upload("a.jpg", jpeg_with_metadata())])
    path = ReportAttachment.objects.get().file.path
    stamp = dt.datetime.fromtimestamp(os.stat(path).st_mtime, tz=timezone.get_current_timezone())
    assert stamp.time() == dt.time(0, 0) and stamp.date() == timezone.localdate()
