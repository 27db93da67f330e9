import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gridwatch.audit.models import AuditEvent


def _jpeg_with_gps():
    image = Image.new("RGB", (1200, 900), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x010E] = "GPS 26.0N 106.4E"  # image description standing in for location data
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_it_stores_a_reencoded_photo_without_metadata(as_user, county_officer, cadre_a):
    client = as_user(county_officer)
    upload = SimpleUploadedFile("me.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(reverse("people:cadre_photo_upload", args=[cadre_a.pk]), {"photo": upload})
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.photo.name.endswith(".jpg") and "me" not in cadre_a.photo.name
    served = client.get(reverse("people:cadre_photo", args=[cadre_a.pk]))
    assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert max(image.size) <= 600
        assert not image.getexif()
    assert AuditEvent.objects.filter(action="cadre.photo_set", object_id=str(cadre_a.pk)).count() == 1


def test_it_refuses_a_file_that_is_not_an_image_and_keeps_the_old_photo(as_user, county_officer, cadre_a):
    client = as_user(county_officer)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(
        reverse("people:cadre_photo_upload", args=[cadre_a.pk]), {"photo": fake}, follow=True
    )
    assert "not a readable image" in response.content.decode() or "不是" in response.content.decode()
    cadre_a.refresh_from_db()
    assert not cadre_a.photo


def test_it_hides_the_photo_outside_jurisdiction(as_user, township_officer_b, county_officer, cadre_a):
    upload = SimpleUploadedFile("a.png", _jpeg_with_gps(), content_type="image/jpeg")
    as_user(county_officer).post(reverse("people:cadre_photo_upload", args=[cadre_a.pk]), {"photo": upload})
    response = as_user(township_officer_b).get(reverse("people:cadre_photo", args=[cadre_a.pk]))
    assert response.status_code == 404


def test_it_refuses_upload_by_a_reader_who_may_not_edit(as_user, grid_supervisor, cadre_a):
    upload = SimpleUploadedFile("a.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = as_user(grid_supervisor).post(
        reverse("people:cadre_photo_upload", args=[cadre_a.pk]), {"photo": upload}
    )
    assert response.status_code == 403


def test_it_refuses_get_on_the_upload_route(as_user, county_officer, cadre_a):
    response = as_user(county_officer).get(reverse("people:cadre_photo_upload", args=[cadre_a.pk]))
    assert response.status_code == 405
