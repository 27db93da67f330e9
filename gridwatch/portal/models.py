"""The public portal's own content: the supervision standards and codes of conduct (R8, versioned), and the
integrity-culture publicity (R18: columns, articles and notices with their images).

Grid pages, township pages, commitments and evaluation results are read from the other apps; only what the
county writes for the public lives here."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager


# ------------------------------------------------------------------------------------------ standards (R8)
class StandardKind(models.TextChoices):
    STANDARD = "standard", _("Supervision standard")
    CODE = "code", _("Code of conduct")


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Standard(PublicModel):
    """One version of a supervision standard or code of conduct.

    All versions of one document share ``series``; at most one of them is in force (``published``). An
    edit of a document in force makes a new draft version; publishing it supersedes the one before, which
    stays readable as history. ``area`` is where it applies: the county (county-wide), a township, a
    community or a single grid, and everything below it."""

    series = models.UUIDField(_("document"), default=uuid.uuid4, db_index=True, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=16, choices=StandardKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: headings, lists, bold, links."))
    area = models.ForeignKey(
        "geography.Area",
        verbose_name=_("applies in"),
        on_delete=models.PROTECT,
        related_name="standards",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    published_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("in force until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="area__path")

    class Meta:
        ordering = ["position", "title", "-version"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="standard_version_once"),
            models.UniqueConstraint(
                fields=["series"], condition=Q(status="published"), name="standard_one_in_force"
            ),
            models.UniqueConstraint(
                fields=["series"], condition=Q(status="draft"), name="standard_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["status", "area"], name="standard_status_area_idx")]

    def __str__(self):
        return f"{self.title} (v{self.version})"


# --------------------------------------------------------------------------------------- publicity (R18)
class Category(TimeStampedModel):
    """A column of the publicity section (e.g. 廉政要闻, 纪法知识, 警示教育, 通知公告)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("column")
        verbose_name_plural = _("columns")

    def __str__(self):
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Withdrawn from the site")


class Article(PublicModel):
    """An article or notice of the publicity section. ``body`` is Markdown, rendered through a sanitiser
    (``portal.markup``); its images are ``ArticleImage`` rows, never links to other hosts."""

    category = models.ForeignKey(
        Category, verbose_name=_("column"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"), help_text=_("Markdown: headings, lists, bold, links."))
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    pinned = models.BooleanField(_("pinned to the top"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=100, blank=True, help_text=_("e.g. 县纪委监委"))

    class Meta:
        ordering = ["-pinned", "-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_pub_idx")]

    def __str__(self):
        return self.title


class ArticleImage(PublicModel):
    """An image of an article, re-encoded on upload with its metadata stripped, stored under a random
    name and served only while the article is published (or to staff)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("image"), upload_to="publicity/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "created_at"]
        verbose_name = _("article image")
        verbose_name_plural = _("article images")

    def __str__(self):
        return self.caption or str(self.pk)
