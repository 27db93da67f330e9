"""Cadre photos: checked by content, re-encoded without metadata, stored under random names, served only
through a view that checks jurisdiction (SECURITY.md item 7)."""

import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import ValidationFailed

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# MPO: the JPEG of a phone camera that stores a second picture (depth, preview) after the first.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
PHOTO_EDGE = 600


def clean_photo(upload) -> ContentFile:
    """Return a fresh JPEG of at most 600×600 made from the upload's pixels, or refuse with a message."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("The photo is larger than 5 MB."), field="photo")
    data = reencode_image(upload.read(), edge=PHOTO_EDGE, field="photo")
    return ContentFile(data, name=f"{uuid.uuid4().hex}.jpg")


def reencode_image(data, *, edge, field, max_pixels=MAX_PIXELS) -> bytes:
    """A new JPEG of at most ``edge`` pixels on the long side made from the pixels of ``data`` alone, or a
    refusal (``ValidationFailed`` on ``field``). Shared by cadre photos and report attachments.

    Nothing of the file but its pixels survives: no EXIF (GPS, camera), XMP, ICC profile or comment. The
    EXIF orientation is applied first, so a phone photo stays upright once its EXIF is gone; transparency
    is laid on white."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationFailed(_("Only JPEG, PNG or WebP photos are accepted."), field=field)
            # The header's dimensions, before any pixel is decoded: a small file may declare a huge image.
            if probe.width * probe.height > max_pixels:
                raise ValidationFailed(_("The photo has too many pixels."), field=field)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, (255, 255, 255))
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            image = image.convert("RGB")
            image.thumbnail((edge, edge))
            # Pillow carries a JPEG comment (and more) over from ``info``: save a copy holding pixels only.
            pixels = Image.new("RGB", image.size)
            pixels.paste(image)
            out = io.BytesIO()
            pixels.save(out, format="JPEG", quality=85)
    except Image.DecompressionBombError as exc:
        raise ValidationFailed(_("The photo has too many pixels."), field=field) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(_("The file is not a readable image."), field=field) from exc
    return out.getvalue()


@transaction.atomic
def cadre_photo_set(*, actor, cadre, upload):
    content = clean_photo(upload)
    old = cadre.photo.name if cadre.photo else ""
    cadre.photo.save(content.name, content, save=False)
    cadre.save(update_fields=["photo", "updated_at"])
    audit_log(actor=actor, action="cadre.photo_set", obj=cadre)
    if old:
        transaction.on_commit(lambda: cadre.photo.storage.delete(old))
    return cadre


@transaction.atomic
def cadre_photo_remove(*, actor, cadre):
    if not cadre.photo:
        return cadre
    old = cadre.photo.name
    cadre.photo = ""
    cadre.save(update_fields=["photo", "updated_at"])
    audit_log(actor=actor, action="cadre.photo_remove", obj=cadre)
    transaction.on_commit(lambda: cadre.photo.storage.delete(old))
    return cadre
