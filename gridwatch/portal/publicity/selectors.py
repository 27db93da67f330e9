"""What the publicity pages read. The public ones read only published articles, their columns and images,
each in a fixed number of queries whatever the number of articles."""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404

from ..models import Article, ArticleImage, ArticleStatus, Category

# Enough of the text to make a two-line summary of an article that has none of its own.
SUMMARY_SOURCE_CHARS = 400
PUBLIC_FIELDS = ("id", "title", "summary", "published_at", "pinned", "category__name", "category__slug")


def public_columns():
    """Every column with its number of published articles (one query)."""
    return list(
        Category.objects.annotate(
            published=Count("articles", filter=Q(articles__status=ArticleStatus.PUBLISHED))
        ).order_by("position", "name")
    )


def public_articles(column=None):
    """The published articles, pinned first then newest first, with the column and the start of the text
    (for a summary) but not the whole text."""
    qs = (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .select_related("category")
        .only(*PUBLIC_FIELDS)
        .annotate(body_start=Substr("body", 1, SUMMARY_SOURCE_CHARS))
        .order_by("-pinned", "-published_at", "-id")
    )
    if column is not None:
        qs = qs.filter(category=column)
    return qs


def public_article(pk):
    """A published article with its column, or 404: drafts and withdrawn articles do not exist here."""
    article = Article.objects.filter(pk=pk, status=ArticleStatus.PUBLISHED).select_related("category").first()
    if article is None:
        raise Http404
    return article


def neighbours(article):
    """The published article just before and just after ``article`` in time (two queries)."""
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).only("id", "title", "published_at")
    older = (
        published.filter(
            Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, id__lt=article.id)
        )
        .order_by("-published_at", "-id")
        .first()
    )
    newer = (
        published.filter(
            Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, id__gt=article.id)
        )
        .order_by("published_at", "id")
        .first()
    )
    return older, newer


def images_of(article):
    return list(ArticleImage.objects.filter(article=article).only("id", "caption", "position", "article_id"))


def image_for(pk, *, staff):
    """An image and its article's status: any image for staff who may edit, otherwise only one whose article
    is published; 404 for the rest."""
    qs = ArticleImage.objects.select_related("article").only("id", "image", "article__status")
    if not staff:
        qs = qs.filter(article__status=ArticleStatus.PUBLISHED)
    image = qs.filter(pk=pk).first()
    if image is None or not image.image:
        raise Http404
    return image


def editor_articles(*, status=""):
    """Every article for the editors' list, with its column, author and number of images."""
    qs = (
        Article.objects.select_related("category", "author")
        .defer("body")
        .annotate(image_count=Count("images"))
        .order_by("-updated_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def status_counts():
    rows = Article.objects.values_list("status").annotate(n=Count("id")).order_by()
    return dict(rows)


def editor_columns():
    """The columns with their number of articles of any status (one query)."""
    return list(Category.objects.annotate(article_count=Count("articles")).order_by("position", "name"))
