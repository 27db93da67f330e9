# ruff: noqa: F811 - the fixtures imported from fixtures_publicity are the arguments of the tests
"""Integrity-culture publicity (R18): the public list, article and image pages show published articles only;
the editor (county commission staff and the leading-group office) writes, previews, publishes, withdraws and
illustrates articles and manages the columns; every write is audited; Markdown is sanitised; uploads are
checked by content and stripped of their metadata."""

import io
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime
from PIL import Image

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.portal.models import Article, ArticleImage, Category
from gridwatch.portal.publicity import demo, services

from .fixtures_publicity import (  # noqa: F401 - fixtures
    add_image,
    column,
    draft,
    make_article,
    other_column,
    phone_jpeg,
    published,
    upload,
    withdrawn,
)

INDEX = reverse("portal:publicity")


def url(name, *args):
    return reverse(f"portal:{name}", args=args)


def html(response):
    return response.content.decode()


def listed_titles(response):
    return re.findall(
        r'<span class="title">(?:<span class="badge red">[^<]*</span> )?([^<]+)</span>', html(response)
    )


# -------------------------------------------------------------------------------------------- public pages


def test_it_lists_published_articles_to_anyone_with_their_column_and_date(client, published, other_column):
    """No sign-in needed; the column, the date and the start of the text are shown; the page is cacheable."""
    response = client.get(INDEX)
    page = html(response)
    assert response.status_code == 200
    assert published.title in page and "推进会正文公开内容" in page
    assert localtime(published.published_at).strftime("%Y-%m-%d") in page
    assert f"?column={published.category.slug}" in page
    assert "public" in response["Cache-Control"]
    # An empty column gets no chip.
    assert "?column=warning-education" not in page


def test_it_filters_by_column(client, county_officer, column, other_column):
    make_article(county_officer, column, title="要闻一则")
    make_article(county_officer, other_column, title="警示案例一则")
    response = client.get(INDEX, {"column": "warning-education"})
    assert listed_titles(response) == ["警示案例一则"]
    assert client.get(INDEX, {"column": "no-such-column"}).status_code == 404


def test_it_puts_pinned_articles_first_then_the_newest(client, county_officer, column):
    make_article(county_officer, column, title="较早文章", days_ago=10)
    make_article(county_officer, column, title="置顶公告", days_ago=30, pinned=True)
    make_article(county_officer, column, title="最新文章", days_ago=1)
    assert listed_titles(client.get(INDEX)) == ["置顶公告", "最新文章", "较早文章"]


def test_it_pages_the_list(client, county_officer, column):
    for i in range(30):
        make_article(county_officer, column, title=f"文章{i:02d}", days_ago=i)
    first, second = client.get(INDEX), client.get(INDEX, {"page": 2})
    assert listed_titles(first) == [f"文章{i:02d}" for i in range(15)]
    assert listed_titles(second) == [f"文章{i:02d}" for i in range(15, 30)]
    assert 'rel="next"' in html(first) and 'rel="prev"' in html(second) and 'rel="next"' not in html(second)
    # Out of range: the last page, not an error.
    assert listed_titles(client.get(INDEX, {"page": 99})) == listed_titles(second)


def test_it_lists_in_a_fixed_number_of_queries(client, county_officer, column, other_column):
    """One article or thirty, with or without a column filter: the same queries."""
    make_article(county_officer, column, title="一")
    client.get(INDEX)
    with CaptureQueriesContext(connection) as one:
        assert client.get(INDEX).status_code == 200
    assert len(one.captured_queries) <= 4
    for i in range(29):
        make_article(county_officer, other_column if i % 2 else column, title=f"文章{i}")
    with CaptureQueriesContext(connection) as thirty:
        assert client.get(INDEX).status_code == 200
    assert len(thirty.captured_queries) == len(one.captured_queries)
    with CaptureQueriesContext(connection) as filtered:
        assert client.get(INDEX, {"column": "news"}).status_code == 200
    assert len(filtered.captured_queries) == len(one.captured_queries)


def test_it_shows_an_article_with_its_images_and_captions(client, county_officer, published):
    image = add_image(county_officer, published, caption="推进会现场")
    response = client.get(url("article", published.pk))
    page = html(response)
    assert response.status_code == 200
    assert published.title in page and "推进会正文公开内容" in page
    assert zh("Source: %(source)s", source="县纪委监委") in page  # the colon is the translation's
    assert f'src="{url("article_image", image.pk)}"' in page and "<figcaption>推进会现场</figcaption>" in page
    assert "public" in response["Cache-Control"]


def test_it_links_to_the_older_and_newer_article(client, county_officer, column):
    old = make_article(county_officer, column, title="旧文", days_ago=5)
    middle = make_article(county_officer, column, title="中间", days_ago=3)
    new = make_article(county_officer, column, title="新文", days_ago=1)
    page = html(client.get(url("article", middle.pk)))
    assert url("article", old.pk) in page and url("article", new.pk) in page


def test_it_keeps_drafts_and_withdrawn_articles_out_of_every_public_page(
    client, as_user, county_officer, published, draft, withdrawn
):
    """Not listed, not on the landing page, and 404 at their own address, for the public and for editors
    alike (editors preview in the editor)."""
    secrets = [draft.title, draft.body, withdrawn.title, withdrawn.body]
    for response in (
        client.get(INDEX),
        client.get(INDEX, {"column": "news"}),
        client.get(url("article", published.pk)),
        client.get(url("home")),
    ):
        assert response.status_code == 200
        assert not any(secret in html(response) for secret in secrets)
    for article in (draft, withdrawn):
        assert client.get(url("article", article.pk)).status_code == 404
    editor = as_user(county_officer)
    for article in (draft, withdrawn):
        assert editor.get(url("article", article.pk)).status_code == 404


def test_it_serves_images_of_published_articles_only(
    client, as_user, county_officer, township_officer_a, published, draft
):
    shown, hidden = add_image(county_officer, published), add_image(county_officer, draft)
    response = client.get(url("article_image", shown.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert "public" in response["Cache-Control"]
    assert client.get(url("article_image", hidden.pk)).status_code == 404
    assert as_user(township_officer_a).get(url("article_image", hidden.pk)).status_code == 404
    preview = as_user(county_officer).get(url("article_image", hidden.pk))
    assert preview.status_code == 200
    assert "public" not in preview["Cache-Control"] and "no-store" in preview["Cache-Control"]


def test_it_takes_the_images_off_the_site_with_the_article(client, county_officer, published):
    image = add_image(county_officer, published)
    assert client.get(url("article_image", image.pk)).status_code == 200
    services.article_unpublish(actor=county_officer, article=published)
    assert client.get(url("article", published.pk)).status_code == 404
    assert client.get(url("article_image", image.pk)).status_code == 404
    services.article_publish(actor=county_officer, article=published)
    assert client.get(url("article_image", image.pk)).status_code == 200


def test_it_answers_405_to_a_post_on_public_pages(client, published):
    assert client.post(INDEX).status_code == 405
    assert client.post(url("article", published.pk)).status_code == 405


# ---------------------------------------------------------------------------------------------- sanitising

HOSTILE = """正文开始

<script>alert('xss')</script>

<img src="http://other-host.example/track.png" onerror="alert(1)">

<p onclick="alert(2)">点击</p>

[恶意链接](javascript:alert(3)) [外部链接](https://www.ccdi.gov.cn/) <a href="JaVaScRiPt:alert(4)">又一个</a>

<iframe src="https://other-host.example/"></iframe><style>body{display:none}</style>"""


def _assert_clean(page):
    lowered = page.lower()
    assert "<script>alert" not in lowered and "alert('xss')" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "other-host.example" not in lowered
    assert "<iframe" not in lowered and "display:none" not in lowered
    assert re.search(r'<a href="https://www\.ccdi\.gov\.cn/" rel="[^"]*noopener[^"]*">外部链接</a>', page)


def test_it_sanitises_the_text_on_the_public_page(client, county_officer, column):
    article = make_article(county_officer, column, title="含危险标记的文章", body=HOSTILE)
    page = html(client.get(url("article", article.pk)))
    assert "正文开始" in page
    _assert_clean(page)


def test_it_sanitises_the_text_in_the_preview_and_the_list(client, as_user, county_officer, column):
    make_article(county_officer, column, title="含危险标记的文章", body=HOSTILE)
    listing = html(client.get(INDEX)).lower()
    assert "<script>alert" not in listing and "other-host.example" not in listing and "onerror" not in listing
    data = {"category": column.pk, "title": "预览", "body": HOSTILE, "preview": "1"}
    page = html(as_user(county_officer).post(url("publicity_article_create"), data))
    preview = page.split('id="h-preview"')[1].split("<form")[0]
    _assert_clean(preview)


# ------------------------------------------------------------------------------------- editor permissions

EDITOR_PAGES = ["publicity_manage", "publicity_article_create", "publicity_columns"]


@pytest.mark.parametrize("persona", ["county_officer", "office"])
def test_it_lets_county_staff_and_the_office_use_the_editor(request, as_user, persona, published, column):
    client = as_user(request.getfixturevalue(persona))
    for name in EDITOR_PAGES:
        assert client.get(url(name)).status_code == 200, name
    assert client.get(url("publicity_article_edit", published.pk)).status_code == 200
    assert client.get(url("publicity_column_edit", column.slug)).status_code == 200


@pytest.mark.parametrize("persona", ["township_officer_a", "grid_supervisor", "unit_liaison"])
def test_it_refuses_the_editor_to_other_roles(request, as_user, persona, published, column):
    client = as_user(request.getfixturevalue(persona))
    image = add_image(request.getfixturevalue("county_officer"), published)
    gets = [url(name) for name in EDITOR_PAGES] + [
        url("publicity_article_edit", published.pk),
        url("publicity_column_edit", column.slug),
    ]
    posts = [
        url("publicity_article_publish", published.pk),
        url("publicity_article_unpublish", published.pk),
        url("publicity_article_delete", published.pk),
        url("publicity_image_add", published.pk),
        url("publicity_image_edit", image.pk),
        url("publicity_image_remove", image.pk),
        url("publicity_column_move", column.slug),
        url("publicity_column_delete", column.slug),
        url("publicity_columns"),
    ]
    for target in gets:
        assert client.get(target).status_code == 403, target
    for target in posts:
        assert client.post(target).status_code == 403, target
    published.refresh_from_db()
    assert published.status == "published" and ArticleImage.objects.filter(pk=image.pk).exists()


def test_it_sends_anonymous_visitors_of_the_editor_to_sign_in(client, published, column):
    for target in (
        url("publicity_manage"),
        url("publicity_article_edit", published.pk),
        url("publicity_columns"),
    ):
        response = client.get(target)
        assert response.status_code == 302 and reverse(settings.LOGIN_URL) in response["Location"]
    response = client.post(url("publicity_article_unpublish", published.pk))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "published"


def test_it_answers_405_to_a_get_on_the_editor_actions(as_user, county_officer, published, column):
    client = as_user(county_officer)
    for target in (
        url("publicity_article_publish", published.pk),
        url("publicity_article_unpublish", published.pk),
        url("publicity_article_delete", published.pk),
        url("publicity_column_move", column.slug),
        url("publicity_column_delete", column.slug),
    ):
        assert client.get(target).status_code == 405, target


def test_it_refuses_writes_to_others_in_the_services(township_officer_a, column, published):
    with pytest.raises(NotPermitted):
        services.article_create(actor=township_officer_a, category=column, title="t", body="b")
    with pytest.raises(NotPermitted):
        services.article_unpublish(actor=township_officer_a, article=published)
    with pytest.raises(NotPermitted):
        services.column_create(actor=township_officer_a, name="新栏目", slug="new")


def test_it_shows_the_editor_in_the_menu_of_editors_only(as_user, county_officer, township_officer_a):
    assert url("publicity_manage") in html(as_user(county_officer).get(reverse("core:home")))
    assert url("publicity_manage") not in html(as_user(township_officer_a).get(reverse("core:home")))


# ----------------------------------------------------------------------------------------- editor: writing


def test_it_writes_a_draft_and_publishes_it(client, as_user, county_officer, column):
    editor = as_user(county_officer)
    data = {
        "category": column.pk,
        "title": "关于开展节前廉政提醒的通知",
        "summary": "摘要",
        "body": "正文第一段。",
        "source": "县纪委监委",
    }
    response = editor.post(url("publicity_article_create"), data)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == url("publicity_article_edit", article.pk)
    assert article.status == "draft" and article.author == county_officer and article.published_at is None
    client.logout()
    assert client.get(url("article", article.pk)).status_code == 404
    editor = as_user(county_officer)
    assert editor.post(url("publicity_article_publish", article.pk)).status_code == 302
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
    client.logout()
    assert "正文第一段" in html(client.get(url("article", article.pk)))


def test_it_previews_without_saving_and_keeps_what_was_typed(as_user, county_officer, column, published):
    editor = as_user(county_officer)
    data = {"category": column.pk, "title": "新标题", "body": "## 小标题\n\n**加粗**的正文", "preview": "1"}
    response = editor.post(url("publicity_article_create"), data)
    page = html(response)
    assert response.status_code == 200
    assert "<h2>小标题</h2>" in page and "<strong>加粗</strong>" in page
    assert "**加粗**的正文</textarea>" in page and 'value="新标题"' in page
    assert Article.objects.count() == 1  # only the fixture's
    data = {"category": column.pk, "title": "改过的标题", "body": "改过的正文", "preview": "1"}
    page = html(editor.post(url("publicity_article_edit", published.pk), data))
    assert "改过的正文" in page
    published.refresh_from_db()
    assert published.title == "县纪委监委召开推进会"


def test_it_keeps_the_form_when_the_title_is_missing(as_user, county_officer, column):
    data = {"category": column.pk, "title": "", "body": "保留的正文"}
    response = as_user(county_officer).post(url("publicity_article_create"), data)
    assert response.status_code == 400
    assert zh("Give the article a title.") in html(response) and "保留的正文</textarea>" in html(response)
    assert not Article.objects.exists()


def test_it_edits_a_published_article_in_place(client, as_user, county_officer, published, other_column):
    data = {"category": other_column.pk, "title": "更正后的标题", "body": "更正后的正文", "pinned": "on"}
    assert as_user(county_officer).post(url("publicity_article_edit", published.pk), data).status_code == 302
    published.refresh_from_db()
    assert (published.title, published.category, published.pinned) == ("更正后的标题", other_column, True)
    client.logout()
    assert "更正后的正文" in html(client.get(url("article", published.pk)))
    event = AuditEvent.objects.filter(action="article.update").get()
    assert event.changes["title"] == {"before": "县纪委监委召开推进会", "after": "更正后的标题"}


def test_it_withdraws_and_republishes_keeping_the_first_date(as_user, county_officer, published):
    editor = as_user(county_officer)
    first = published.published_at
    response = editor.post(
        url("publicity_article_unpublish", published.pk), {"reason": "信息有误"}, follow=True
    )
    assert zh("The article was withdrawn from the site. You can publish it again.") in html(response)
    published.refresh_from_db()
    assert published.status == "unpublished"
    editor.post(url("publicity_article_publish", published.pk))
    published.refresh_from_db()
    assert published.status == "published" and published.published_at == first
    actions = list(
        AuditEvent.objects.filter(object_id=str(published.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["article.create", "article.publish", "article.unpublish", "article.republish"]
    withdrawal = AuditEvent.objects.get(action="article.unpublish")
    assert withdrawal.changes == {
        "status": {"before": "published", "after": "unpublished"},
        "reason": "信息有误",
    }
    assert withdrawal.actor_id == county_officer.pk


def test_it_deletes_a_draft_but_not_a_published_or_withdrawn_article(
    as_user, county_officer, draft, published, withdrawn
):
    editor = as_user(county_officer)
    add_image(county_officer, draft)
    response = editor.post(url("publicity_article_delete", draft.pk))
    assert response.status_code == 302 and response["Location"] == url("publicity_manage")
    assert not Article.objects.filter(pk=draft.pk).exists() and not ArticleImage.objects.exists()
    assert AuditEvent.objects.filter(action="article.delete", object_id=str(draft.pk)).count() == 1
    for article in (published, withdrawn):
        response = editor.post(url("publicity_article_delete", article.pk), follow=True)
        assert zh("Only a draft that was never published can be deleted; withdraw it instead.") in html(
            response
        )
        assert Article.objects.filter(pk=article.pk).exists()


def test_it_deletes_the_image_files_of_a_deleted_draft(
    county_officer, draft, django_capture_on_commit_callbacks
):
    image = add_image(county_officer, draft)
    storage, name = image.image.storage, image.image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_delete(actor=county_officer, article=draft)
    assert not storage.exists(name)


def test_it_lists_every_article_for_editors_with_a_status_filter(
    as_user, county_officer, published, draft, withdrawn
):
    editor = as_user(county_officer)
    assert set(listed_titles(editor.get(url("publicity_manage")))) >= {
        published.title,
        draft.title,
        withdrawn.title,
    }
    assert listed_titles(editor.get(url("publicity_manage"), {"status": "draft"})) == [draft.title]
    assert listed_titles(editor.get(url("publicity_manage"), {"status": "unpublished"})) == [withdrawn.title]


# ------------------------------------------------------------------------------------------ editor: images


def test_it_strips_exif_and_gps_from_an_uploaded_image(client, as_user, county_officer, published):
    editor = as_user(county_officer)
    data = {
        "image": upload(phone_jpeg(), name="IMG_0001.jpg", content_type="image/jpeg"),
        "caption": "现场照片",
    }
    response = editor.post(url("publicity_image_add", published.pk), data)
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert image.caption == "现场照片" and "IMG_0001" not in image.image.name
    client.logout()
    served = b"".join(client.get(url("article_image", image.pk)).streaming_content)
    assert b"PhoneMaker" not in served
    with Image.open(io.BytesIO(served)) as stored:
        assert not stored.getexif() and not stored.getexif().get_ifd(0x8825)
        assert max(stored.size) <= services.IMAGE_EDGE
    event = AuditEvent.objects.get(action="article.image_add")
    assert event.object_id == str(published.pk) and event.changes["image"] == str(image.pk)


def test_it_refuses_a_disguised_file_and_keeps_the_caption(as_user, county_officer, published):
    disguised = upload(
        b"<html><script>alert(1)</script></html>", name="poster.jpg", content_type="image/jpeg"
    )
    response = as_user(county_officer).post(
        url("publicity_image_add", published.pk), {"image": disguised, "caption": "保留的说明"}
    )
    page = html(response)
    assert response.status_code == 400
    assert zh("The file is not a readable image.") in page
    assert 'value="保留的说明"' in page and published.title in page
    assert not ArticleImage.objects.exists()


def test_it_refuses_an_oversized_image_with_a_clear_message(as_user, county_officer, published):
    big = upload(b"\x89PNG\r\n\x1a\n" + b"\0" * services.MAX_IMAGE_BYTES, name="big.png")
    response = as_user(county_officer).post(
        url("publicity_image_add", published.pk), {"image": big, "caption": "大图"}
    )
    page = html(response)
    assert response.status_code == 400
    assert zh("The image is larger than %(mb)s MB. Make it smaller and upload it again.", mb=5) in page
    assert 'value="大图"' in page
    assert not ArticleImage.objects.exists()


def test_it_asks_for_a_file_when_none_was_chosen(as_user, county_officer, published):
    response = as_user(county_officer).post(url("publicity_image_add", published.pk), {"caption": "只有说明"})
    assert response.status_code == 400 and zh("Choose an image to upload.") in html(response)


def test_it_changes_a_caption_and_removes_an_image(
    client, as_user, county_officer, published, django_capture_on_commit_callbacks
):
    image = add_image(county_officer, published)
    editor = as_user(county_officer)
    prefix = str(image.pk)
    editor.post(
        url("publicity_image_edit", image.pk), {f"{prefix}-caption": "新的说明", f"{prefix}-position": "1"}
    )
    image.refresh_from_db()
    assert image.caption == "新的说明"
    storage, name = image.image.storage, image.image.name
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url("publicity_image_remove", image.pk))
    assert not ArticleImage.objects.exists() and not storage.exists(name)
    client.logout()
    assert client.get(url("article_image", image.pk)).status_code == 404
    actions = set(
        AuditEvent.objects.filter(object_id=str(published.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert {"article.image_add", "article.image_update", "article.image_remove"} <= actions


def test_it_limits_the_number_of_images(county_officer, published, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMAGES", 1)
    add_image(county_officer, published)
    with pytest.raises(ValidationFailed):
        add_image(county_officer, published)


# ----------------------------------------------------------------------------------------- editor: columns


def test_it_creates_renames_and_reorders_columns(as_user, county_officer, column, other_column):
    editor = as_user(county_officer)
    response = editor.post(
        url("publicity_columns"), {"name": "通知公告", "slug": "notices", "description": ""}
    )
    assert response.status_code == 302
    assert list(Category.objects.values_list("slug", flat=True)) == ["news", "warning-education", "notices"]
    editor.post(url("publicity_column_move", "notices"), {"direction": "up"})
    assert list(Category.objects.values_list("slug", flat=True)) == ["news", "notices", "warning-education"]
    editor.post(url("publicity_column_edit", "news"), {"name": "廉政动态", "slug": "news"})
    assert Category.objects.get(slug="news").name == "廉政动态"
    actions = list(
        AuditEvent.objects.filter(action__startswith="column.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["column.create", "column.create", "column.create", "column.move", "column.update"]


def test_it_explains_a_missing_or_taken_short_name(as_user, county_officer, column):
    editor = as_user(county_officer)
    response = editor.post(url("publicity_columns"), {"name": "纪法知识", "slug": ""})
    assert response.status_code == 400
    assert zh("Give the column a short name in Latin letters for its address, e.g. news.") in html(response)
    assert 'value="纪法知识"' in html(response)
    response = editor.post(url("publicity_columns"), {"name": "纪法知识", "slug": "news"})
    assert zh("There is already a column with this short name.") in html(response)
    assert Category.objects.count() == 1


def test_it_refuses_to_delete_a_column_with_articles(
    as_user, county_officer, column, other_column, withdrawn
):
    editor = as_user(county_officer)
    response = editor.post(url("publicity_column_delete", column.slug), follow=True)
    message = zh(
        "The column “%(name)s” still holds %(count)s articles (drafts and withdrawn ones included). "
        "Move them to another column or delete them first."
    ) % {"name": column.name, "count": 1}
    assert message in html(response)
    assert Category.objects.filter(pk=column.pk).exists()
    editor.post(url("publicity_column_delete", other_column.slug))
    assert not Category.objects.filter(pk=other_column.pk).exists()
    assert AuditEvent.objects.filter(action="column.delete").count() == 1


# ------------------------------------------------------------------------------------------------ the demo


def test_it_seeds_the_demo_publicity(county, county_officer, client):
    """Four columns, eight published articles with one pinned notice and one poster, a draft and a withdrawn
    article; the same poster on every run."""
    demo.seed(SimpleNamespace(users={"county_staff": county_officer}))
    assert list(Category.objects.values_list("name", flat=True)) == [
        "廉政要闻",
        "纪法知识",
        "警示教育",
        "通知公告",
    ]
    statuses = sorted(Article.objects.values_list("status", flat=True))
    assert (
        statuses.count("published") == 8
        and statuses.count("draft") == 1
        and statuses.count("unpublished") == 1
    )
    titles = listed_titles(client.get(INDEX))
    assert titles[0] == "关于公布领导干部作风监督举报渠道的公告" and len(titles) == 8
    image = ArticleImage.objects.get()
    assert client.get(url("article_image", image.pk)).status_code == 200
    assert demo.poster_png() == demo.poster_png()
    notice = Article.objects.get(pinned=True)
    assert "12388" in notice.body and "/report/" in notice.body


def test_it_shows_ampersands_and_brackets_of_the_text_once_in_the_summary(client, db):
    """The summary taken from the text is plain text escaped once: "党纪 & 国法" reads so, not "&amp;"."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gridwatch.portal.models import Article, ArticleStatus, Category

    author = get_user_model().objects.create_user("amp_author")
    column = Category.objects.create(name="纪法知识", slug="law")
    Article.objects.create(
        category=column,
        title="符号",
        body="党纪 & 国法，<工作日>“午间”",
        author=author,
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    html = client.get(reverse("portal:publicity")).content.decode()
    assert "党纪 &amp; 国法，&lt;工作日&gt;" in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
