"""Cadre photos: checked by content, re-encoded without metadata, stored under random names, served only
through a view that checks jurisdiction (SECURITY.md item 7)."""

import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import ValidationFailed

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_EDGE = 600


def clean_photo(upload) -> ContentFile:
    """Return a fresh JPEG of at most 600×600 made from the upload's pixels, or refuse with a message."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("The photo is larger than 5 MB."), field="photo")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationFailed(_("Only JPEG, PNG or WebP photos are accepted."), field="photo")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(_("The photo has too many pixels."), field="photo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGB")
            image.thumbnail((PHOTO_EDGE, PHOTO_EDGE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)  # a new file: no EXIF, no GPS
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed(_("The file is not a readable image."), field="photo") from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


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
