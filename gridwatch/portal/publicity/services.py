"""Writes to the integrity-culture publicity (廉政文化, R18): columns, articles and their images.

Only county commission staff and the leading-group office write here (``EDITORS``). Every write is one
function: atomic, the actor checked, one audit event. Publication and withdrawal are security-relevant
(SECURITY.md item 8): each is its own event with the status before and after.

Audit events hold titles, statuses and counts, never the article's text: that is on the article itself."""

import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.photos import reencode_image

from ..models import Article, ArticleImage, ArticleStatus, Category

EDITORS = frozenset({Role.COUNTY_STAFF, Role.OFFICE})
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 12
IMAGE_EDGE = 1600  # pixels on the long side: sharp on a phone, small enough for a county's bandwidth
BODY_MAX_LENGTH = 50_000
REASON_MAX_LENGTH = 200


def may_edit(user):
    return bool(user is not None and user.is_authenticated and has_role(user, *EDITORS))


def _check(actor):
    if not may_edit(actor):
        raise NotPermitted


def _text(value, *, field, max_length, required=None):
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(required, field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("Keep it to %(max)s characters at most.") % {"max": max_length}, field=field)
    return value


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


# ---------------------------------------------------------------------------------------------- columns


def _column_values(name, slug, description, *, exclude=None):
    name = _text(name, field="name", max_length=50, required=_("Give the column a name."))
    slug = (slug or "").strip().lower() or slugify(name)
    if not slug:
        raise ValidationFailed(
            _("Give the column a short name in Latin letters for its address, e.g. news."), field="slug"
        )
    if slugify(slug) != slug or len(slug) > 50:
        raise ValidationFailed(
            _("The short name may hold only Latin letters, digits and hyphens, e.g. news."), field="slug"
        )
    description = _text(description, field="description", max_length=200)
    others = Category.objects.exclude(pk=exclude.pk) if exclude else Category.objects.all()
    if others.filter(name=name).exists():
        raise ValidationFailed(_("There is already a column with this name."), field="name")
    if others.filter(slug=slug).exists():
        raise ValidationFailed(_("There is already a column with this short name."), field="slug")
    return name, slug, description


@transaction.atomic
def column_create(*, actor, name, slug="", description=""):
    """A new column, placed last."""
    _check(actor)
    name, slug, description = _column_values(name, slug, description)
    last = Category.objects.aggregate(m=Max("position"))["m"]
    try:
        with transaction.atomic():
            column = Category.objects.create(
                name=name, slug=slug, description=description, position=(last or 0) + 1
            )
    except IntegrityError as exc:  # a simultaneous create of the same name
        raise ValidationFailed(_("There is already a column with this name."), field="name") from exc
    audit_log(actor=actor, action="column.create", obj=column, changes={"slug": slug})
    return column


@transaction.atomic
def column_update(*, actor, column, name, slug, description=""):
    """Rename a column (its name, short name in addresses and description)."""
    _check(actor)
    column = _lock(Category, column)
    name, slug, description = _column_values(name, slug, description, exclude=column)
    changes = {
        key: {"before": getattr(column, key), "after": value}
        for key, value in (("name", name), ("slug", slug), ("description", description))
        if getattr(column, key) != value
    }
    if not changes:
        return column
    column.name, column.slug, column.description = name, slug, description
    column.save(update_fields=["name", "slug", "description", "updated_at"])
    audit_log(actor=actor, action="column.update", obj=column, changes=changes)
    return column


@transaction.atomic
def column_move(*, actor, column, direction):
    """Move a column one place up (``direction=-1``) or down (``+1``); the order is renumbered 1, 2, 3…"""
    _check(actor)
    columns = list(Category.objects.select_for_update().order_by("position", "name"))
    index = next((i for i, c in enumerate(columns) if c.pk == column.pk), None)
    if index is None:
        raise ValidationFailed(_("This column no longer exists."))
    target = index + (1 if direction > 0 else -1)
    if not 0 <= target < len(columns):
        return column
    columns[index], columns[target] = columns[target], columns[index]
    for position, c in enumerate(columns, 1):
        if c.position != position:
            Category.objects.filter(pk=c.pk).update(position=position)
    audit_log(
        actor=actor,
        action="column.move",
        obj=column,
        changes={"position": {"before": index + 1, "after": target + 1}},
    )
    column.position = target + 1
    return column


@transaction.atomic
def column_delete(*, actor, column):
    """Delete a column that holds no article (published or not); one with articles is refused."""
    _check(actor)
    column = _lock(Category, column)
    count = Article.objects.filter(category=column).count()
    if count:
        raise ValidationFailed(
            _(
                "The column “%(name)s” still holds %(count)s articles (drafts and withdrawn ones included). "
                "Move them to another column or delete them first."
            )
            % {"name": column.name, "count": count}
        )
    audit_log(actor=actor, action="column.delete", obj=column, changes={"slug": column.slug})
    column.delete()


# --------------------------------------------------------------------------------------------- articles


def _article_values(*, category, title, summary, body, source, pinned):
    if category is None:
        raise ValidationFailed(_("Choose the column of the article."), field="category")
    return {
        "category": category,
        "title": _text(title, field="title", max_length=200, required=_("Give the article a title.")),
        "summary": _text(summary, field="summary", max_length=300),
        "body": _text(
            body, field="body", max_length=BODY_MAX_LENGTH, required=_("Write the text of the article.")
        ),
        "source": _text(source, field="source", max_length=100),
        "pinned": bool(pinned),
    }


@transaction.atomic
def article_create(*, actor, category, title, body, summary="", source="", pinned=False):
    """A new article, as a draft: nobody outside the editors sees it until it is published."""
    _check(actor)
    values = _article_values(
        category=category, title=title, summary=summary, body=body, source=source, pinned=pinned
    )
    article = Article.objects.create(author=actor, status=ArticleStatus.DRAFT, **values)
    audit_log(
        actor=actor,
        action="article.create",
        obj=article,
        changes={"column": category.slug, "pinned": article.pinned},
    )
    return article


@transaction.atomic
def article_update(*, actor, article, category, title, body, summary="", source="", pinned=False):
    """Change an article; a published one changes on the site at once."""
    _check(actor)
    article = _lock(Article, article)
    values = _article_values(
        category=category, title=title, summary=summary, body=body, source=source, pinned=pinned
    )
    changed = [key for key, value in values.items() if getattr(article, key) != value]
    if not changed:
        return article
    changes = {"fields": sorted(changed), "status": article.status}
    if "title" in changed:
        changes["title"] = {"before": article.title, "after": values["title"]}
    if "category" in changed:
        changes["column"] = {"before": article.category.slug, "after": category.slug}
    if "pinned" in changed:
        changes["pinned"] = values["pinned"]
    for key, value in values.items():
        setattr(article, key, value)
    article.save(update_fields=[*changed, "updated_at"])
    audit_log(actor=actor, action="article.update", obj=article, changes=changes)
    return article


@transaction.atomic
def article_publish(*, actor, article):
    """Publish a draft, or put a withdrawn article back on the site (its first publication date stays)."""
    _check(actor)
    article = _lock(Article, article)
    before = article.status
    if before == ArticleStatus.PUBLISHED:
        raise ValidationFailed(_("This article is already on the site."))
    article.status = ArticleStatus.PUBLISHED
    if article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    audit_log(
        actor=actor,
        action="article.publish" if before == ArticleStatus.DRAFT else "article.republish",
        obj=article,
        changes={"status": {"before": before, "after": article.status}},
    )
    return article


@transaction.atomic
def article_unpublish(*, actor, article, reason=""):
    """Withdraw a published article from the site: its page and images answer “not found” at once; the
    editors keep it and may publish it again."""
    _check(actor)
    article = _lock(Article, article)
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationFailed(_("Only an article on the site can be withdrawn."))
    reason = _text(reason, field="reason", max_length=REASON_MAX_LENGTH)
    before = article.status
    article.status = ArticleStatus.UNPUBLISHED
    article.save(update_fields=["status", "updated_at"])
    changes = {"status": {"before": before, "after": article.status}}
    if reason:
        changes["reason"] = reason
    audit_log(actor=actor, action="article.unpublish", obj=article, changes=changes)
    return article


@transaction.atomic
def article_delete(*, actor, article):
    """Delete a draft that was never published, with its images. A published or withdrawn article stays on
    record: withdraw it instead."""
    _check(actor)
    article = _lock(Article, article)
    if article.status != ArticleStatus.DRAFT or article.published_at is not None:
        raise ValidationFailed(
            _("Only a draft that was never published can be deleted; withdraw it instead.")
        )
    files = [image.image.name for image in article.images.all() if image.image]
    storage = ArticleImage._meta.get_field("image").storage
    audit_log(actor=actor, action="article.delete", obj=article, changes={"images": len(files)})
    article.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


# ----------------------------------------------------------------------------------------------- images


def clean_image(upload):
    """A fresh JPEG made from the upload's pixels only (no EXIF, GPS, XMP, comment), under a random name;
    or a refusal with a message on ``image``."""
    if upload is None:
        raise ValidationFailed(_("Choose an image to upload."), field="image")
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationFailed(
            _("The image is larger than %(mb)s MB. Make it smaller and upload it again.")
            % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)},
            field="image",
        )
    data = reencode_image(upload.read(), edge=IMAGE_EDGE, field="image")
    return ContentFile(data, name=f"{uuid.uuid4().hex}.jpg")


@transaction.atomic
def article_image_add(*, actor, article, upload, caption=""):
    """Add an image to the end of an article: checked by content, size-capped, re-encoded."""
    _check(actor)
    article = _lock(Article, article)
    caption = _text(caption, field="caption", max_length=200)
    if article.images.count() >= MAX_IMAGES:
        raise ValidationFailed(
            _("An article holds %(max)s images at most.") % {"max": MAX_IMAGES}, field="image"
        )
    content = clean_image(upload)
    last = article.images.aggregate(m=Max("position"))["m"]
    image = ArticleImage(article=article, caption=caption, position=(last or 0) + 1)
    # The file is written before its row; were the transaction to roll back, the file is left under a random
    # name no row points to, so no view can serve it.
    image.image.save(content.name, content, save=False)
    image.save()
    audit_log(
        actor=actor,
        action="article.image_add",
        obj=article,
        changes={"image": str(image.pk), "status": article.status},
    )
    return image


@transaction.atomic
def article_image_update(*, actor, image, caption, position=None):
    """Change an image's caption and, optionally, its place among the article's images."""
    _check(actor)
    image = _lock(ArticleImage, image)
    caption = _text(caption, field="caption", max_length=200)
    fields = []
    if caption != image.caption:
        image.caption = caption
        fields.append("caption")
    if position is not None and position != image.position:
        image.position = max(0, min(int(position), 999))
        fields.append("position")
    if not fields:
        return image
    image.save(update_fields=[*fields, "updated_at"])
    audit_log(
        actor=actor,
        action="article.image_update",
        obj=image.article,
        changes={"image": str(image.pk), "fields": fields},
    )
    return image


@transaction.atomic
def article_image_remove(*, actor, image):
    """Remove an image from its article; the file goes once the removal is committed."""
    _check(actor)
    image = _lock(ArticleImage, image)
    article = image.article
    name = image.image.name
    storage = image.image.storage
    audit_log(actor=actor, action="article.image_remove", obj=article, changes={"image": str(image.pk)})
    image.delete()
    ArticleImage.objects.filter(article=article, position__gt=image.position).update(
        position=F("position") - 1
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))
