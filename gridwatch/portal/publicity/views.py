"""Integrity-culture publicity (廉政文化, R18).

Public: the list of published articles by column, one article with its images, and the image bytes. A draft
or withdrawn article does not exist for the public pages, whoever asks (editors preview it in the editor).

Editor (county commission staff and the leading-group office, ``services.EDITORS``): the list of every
article, the article form with a preview, images, publication and withdrawal, and the columns."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles
from gridwatch.geography.models import Area, Level

from ..markup import plain_text
from ..models import Article, ArticleImage, ArticleStatus, Category
from ..public import public_page
from . import selectors, services
from .forms import ArticleForm, ColumnForm, ImageEditForm, ImageForm, UnpublishForm
from .services import EDITORS

PAGE_SIZE = 15
SUMMARY_CHARS = 90  # of the text, for an article without a summary of its own
STATUS_BADGES = {
    ArticleStatus.DRAFT: "",
    ArticleStatus.PUBLISHED: "green",
    ArticleStatus.UNPUBLISHED: "amber",
}


def _no_cache(response):
    add_never_cache_headers(response)
    return response


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _edit_url(article):
    return reverse("portal:publicity_article_edit", args=[article.pk])


def _initial(article):
    return {
        "category": article.category_id,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "source": article.source,
        "pinned": article.pinned,
    }


# ------------------------------------------------------------------------------------------------ public


@public_page
def index(request):
    """The published articles, pinned first then newest first, ``?column=<slug>`` for one column."""
    columns = selectors.public_columns()
    column = None
    slug = request.GET.get("column")
    if slug:
        column = next((c for c in columns if c.slug == slug), None)
        if column is None:
            raise Http404
    page = paginate(request, selectors.public_articles(column), PAGE_SIZE)
    for a in page.object_list:
        a.summary_text = a.summary or Truncator(plain_text(a.body_start)).chars(SUMMARY_CHARS)
    context = {
        "columns": [c for c in columns if c.published or c == column],
        "column": column,
        "page": page,
    }
    return render(request, "portal/publicity/index.html", context)


@public_page
def article(request, pk):
    article = selectors.public_article(pk)
    older, newer = selectors.neighbours(article)
    context = {
        "article": article,
        "images": selectors.images_of(article),
        "older": older,
        "newer": newer,
    }
    return render(request, "portal/publicity/article.html", context)


@public_page
def article_image(request, pk):
    """An image of a published article; editors also get those of drafts and withdrawn articles (the
    editor's preview), never cached by anyone else."""
    image = selectors.image_for(pk, staff=services.may_edit(request.user))
    content_type = mimetypes.guess_type(image.image.name)[0] or "application/octet-stream"
    response = FileResponse(image.image.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if image.article.status != ArticleStatus.PUBLISHED:
        patch_cache_control(response, no_store=True)
    return response


# ------------------------------------------------------------------------------------------------ editor


@require_GET
@roles(*EDITORS)
def manage(request):
    """Every article, newest change first, with a status filter."""
    status = request.GET.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    page = paginate(request, selectors.editor_articles(status=status), settings.GRIDWATCH_PAGE_SIZE)
    for a in page.object_list:
        a.badge = STATUS_BADGES.get(a.status, "")
    counts = selectors.status_counts()
    context = {
        "page": page,
        "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in ArticleStatus.choices],
        "total": sum(counts.values()),
        "has_columns": Category.objects.exists(),
    }
    return _no_cache(render(request, "portal/publicity/manage.html", context))


def _preview(request):
    """What was typed, as the public page would show it (nothing is saved)."""
    data = request.POST
    return {
        "title": data.get("title", "").strip(),
        "summary": data.get("summary", "").strip(),
        "body": data.get("body", ""),
        "source": data.get("source", "").strip(),
    }


def _editor_page(request, article, *, form=None, image_form=None, preview=None, status=200):
    context = {
        "article": article,
        "form": form,
        "preview": preview,
        "max_images": services.MAX_IMAGES,
    }
    if article is not None:
        article.badge = STATUS_BADGES.get(article.status, "")
        images = list(article.images.all())
        context.update(
            {
                "images": [
                    (
                        image,
                        ImageEditForm(
                            initial={"caption": image.caption, "position": image.position},
                            prefix=str(image.pk),
                        ),
                    )
                    for image in images
                ],
                "image_form": image_form or ImageForm(),
                "unpublish_form": UnpublishForm(),
                "can_delete": article.status == ArticleStatus.DRAFT and article.published_at is None,
                "can_add_image": len(images) < services.MAX_IMAGES,
            }
        )
    return _no_cache(render(request, "portal/publicity/article_form.html", context, status=status))


def _article_form(request, article=None):
    """The article form: "Save" writes it (a new article as a draft); "Preview" shows the text as the
    public page would, keeping everything typed, and saves nothing."""
    if request.method != "POST":
        if article is not None:
            initial = _initial(article)
        else:
            county = Area.objects.filter(level=Level.COUNTY).only("name").first()
            initial = {
                "source": _("%(county)s Commission for Discipline Inspection and Supervision")
                % {"county": county.name if county else ""}
            }
        return _editor_page(request, article, form=ArticleForm(initial=initial))
    form = ArticleForm(request.POST)
    if "preview" in request.POST:
        form.is_valid()
        return _editor_page(request, article, form=form, preview=_preview(request))
    if form.is_valid():
        try:
            if article is None:
                article = services.article_create(actor=request.user, **form.values())
                messages.success(request, _("The article was saved as a draft. Publish it when it is ready."))
            else:
                services.article_update(actor=request.user, article=article, **form.values())
                if article.status == ArticleStatus.PUBLISHED:
                    messages.success(request, _("The article was saved; the site shows the change now."))
                else:
                    messages.success(request, _("The article was saved."))
            return redirect("portal:publicity_article_edit", pk=article.pk)
        except DomainError as exc:
            _show_error(form, exc)
    return _editor_page(request, article, form=form, status=400)


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def article_create(request):
    if not Category.objects.exists():
        messages.info(request, _("Create a column first: every article belongs to one."))
        return redirect("portal:publicity_columns")
    return _article_form(request)


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def article_edit(request, pk):
    article = get_object_or_404(Article.objects.select_related("category", "author"), pk=pk)
    return _article_form(request, article)


@require_POST
@roles(*EDITORS)
def article_publish(request, pk):
    article = get_object_or_404(Article, pk=pk)
    again = article.status == ArticleStatus.UNPUBLISHED
    try:
        services.article_publish(actor=request.user, article=article)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if again:
            messages.success(request, _("The article is back on the site."))
        else:
            messages.success(request, _("The article was published on the site."))
    return redirect("portal:publicity_article_edit", pk=article.pk)


@require_POST
@roles(*EDITORS)
def article_unpublish(request, pk):
    article = get_object_or_404(Article, pk=pk)
    form = UnpublishForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.article_unpublish(actor=request.user, article=article, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The article was withdrawn from the site. You can publish it again."))
    return redirect("portal:publicity_article_edit", pk=article.pk)


@require_POST
@roles(*EDITORS)
def article_delete(request, pk):
    article = get_object_or_404(Article, pk=pk)
    try:
        services.article_delete(actor=request.user, article=article)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:publicity_article_edit", pk=article.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("portal:publicity_manage")


# ------------------------------------------------------------------------------------------------ images


@require_POST
@roles(*EDITORS)
def image_add(request, pk):
    """Upload an image to an article; a refusal shows the editor page again with the message and the
    caption kept."""
    article = get_object_or_404(Article.objects.select_related("category", "author"), pk=pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.article_image_add(
                actor=request.user,
                article=article,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The image was added."))
            return redirect(f"{_edit_url(article)}#images")
    return _editor_page(
        request, article, form=ArticleForm(initial=_initial(article)), image_form=form, status=400
    )


@require_POST
@roles(*EDITORS)
def image_edit(request, pk):
    image = get_object_or_404(ArticleImage.objects.select_related("article"), pk=pk)
    form = ImageEditForm(request.POST, prefix=str(image.pk))
    if form.is_valid():
        try:
            services.article_image_update(
                actor=request.user,
                image=image,
                caption=form.cleaned_data["caption"],
                position=form.cleaned_data["position"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The caption was saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{_edit_url(image.article)}#images")


@require_POST
@roles(*EDITORS)
def image_remove(request, pk):
    image = get_object_or_404(ArticleImage.objects.select_related("article"), pk=pk)
    article = image.article
    try:
        services.article_image_remove(actor=request.user, image=image)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The image was removed."))
    return redirect(f"{_edit_url(article)}#images")


# ----------------------------------------------------------------------------------------------- columns


def _columns_page(request, *, form=None, status=200):
    context = {"columns": selectors.editor_columns(), "form": form or ColumnForm()}
    return _no_cache(render(request, "portal/publicity/columns.html", context, status=status))


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def columns(request):
    """The columns in their order, with a form to add one."""
    if request.method != "POST":
        return _columns_page(request)
    form = ColumnForm(request.POST)
    if form.is_valid():
        try:
            column = services.column_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The column “%(name)s” was created.") % {"name": column.name})
            return redirect("portal:publicity_columns")
    return _columns_page(request, form=form, status=400)


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def column_edit(request, slug):
    column = get_object_or_404(Category, slug=slug)
    status = 200
    if request.method == "POST":
        form = ColumnForm(request.POST)
        if form.is_valid():
            try:
                services.column_update(actor=request.user, column=column, **form.cleaned_data)
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("The column was saved."))
                return redirect("portal:publicity_columns")
        status = 400
    else:
        form = ColumnForm(
            initial={"name": column.name, "slug": column.slug, "description": column.description}
        )
    context = {"column": column, "form": form}
    return _no_cache(render(request, "portal/publicity/column_form.html", context, status=status))


@require_POST
@roles(*EDITORS)
def column_move(request, slug):
    column = get_object_or_404(Category, slug=slug)
    direction = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.column_move(actor=request.user, column=column, direction=direction)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("portal:publicity_columns")


@require_POST
@roles(*EDITORS)
def column_delete(request, slug):
    column = get_object_or_404(Category, slug=slug)
    try:
        services.column_delete(actor=request.user, column=column)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The column “%(name)s” was deleted.") % {"name": column.name})
    return redirect("portal:publicity_columns")
