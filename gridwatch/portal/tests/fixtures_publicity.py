"""Fixtures of the publicity tests (imported by test_publicity.py): columns, articles taken through the
services to each status, and images (a plain PNG, a phone JPEG with GPS data, a disguised file)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gridwatch.portal.models import Article
from gridwatch.portal.publicity import services

BODY = "近日，县纪委监委召开网格化干部作风监督工作推进会。\n\n## 会议要求\n\n- 压实责任\n- 提高质量"


def png_bytes(size=(320, 200), colour=(179, 38, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def phone_jpeg():
    """A JPEG as a phone takes it: camera make and a GPS position in its EXIF."""
    image = Image.new("RGB", (2400, 1800), (20, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (26.0, 1.0, 0.0), 3: "E", 4: (106.0, 24.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data=None, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if data is None else data, content_type=content_type)


def make_article(
    actor, column, *, title="推进会召开", body=BODY, status="published", pinned=False, days_ago=None
):
    article = services.article_create(
        actor=actor, category=column, title=title, body=body, summary="", source="县纪委监委", pinned=pinned
    )
    if status in ("published", "unpublished"):
        services.article_publish(actor=actor, article=article)
        if days_ago is not None:
            Article.objects.filter(pk=article.pk).update(
                published_at=timezone.now() - datetime.timedelta(days=days_ago)
            )
    if status == "unpublished":
        services.article_unpublish(actor=actor, article=article)
    article.refresh_from_db()
    return article


@pytest.fixture
def column(county_officer):
    return services.column_create(actor=county_officer, name="廉政要闻", slug="news")


@pytest.fixture
def other_column(county_officer):
    return services.column_create(actor=county_officer, name="警示教育", slug="warning-education")


@pytest.fixture
def published(county_officer, column):
    return make_article(county_officer, column, title="县纪委监委召开推进会", body="推进会正文公开内容。")


@pytest.fixture
def draft(county_officer, column):
    return make_article(
        county_officer, column, title="草稿标题未公开", body="草稿正文秘密内容。", status="draft"
    )


@pytest.fixture
def withdrawn(county_officer, column):
    return make_article(
        county_officer, column, title="已撤回标题未公开", body="撤回正文秘密内容。", status="unpublished"
    )


def add_image(actor, article, caption="宣传海报"):
    return services.article_image_add(actor=actor, article=article, upload=upload(), caption=caption)
