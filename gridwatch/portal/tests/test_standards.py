# ruff: noqa: F811 - the fixtures imported from fixtures_standards are the arguments of the tests
"""Standards and codes of conduct (亮标准, R8): the public reads only what is in force (and the versions it
replaced); editors write drafts, publish them, make new versions and withdraw documents, each step once in
the audit log; county staff and the office edit anywhere in the county, township staff inside their own
township (elsewhere 404), other roles get 403 and the public is sent to sign in."""

import uuid
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.timezone import localtime

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import login, make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level
from gridwatch.portal.models import Standard, StandardKind, StandardStatus
from gridwatch.portal.standards import services, workflow

from .fixtures_standards import (  # noqa: F401 - fixtures
    county_code,
    draft_code,
    make,
    publish,
    revise,
    revised_code,
    township_a_standard,
    withdrawn_code,
)

INDEX = reverse("portal:standards")
MANAGE = reverse("portal:standard_manage")
CREATE = reverse("portal:standard_create")


def public_url(standard):
    return reverse("portal:standard", args=[standard.series])


def version_url(standard, number=None):
    return reverse("portal:standard_version", args=[standard.series, number or standard.version])


def staff_url(name, standard):
    return reverse(f"portal:{name}", args=[standard.pk])


def page(response):
    return response.content.decode()


def _as(client, user):
    client.logout()
    if user is not None:
        login(client, user)
    return client


def form_data(area, **extra):
    data = {
        "title": "新的行为规范",
        "kind": StandardKind.CODE,
        "area": area.code,
        "position": "3",
        "body": "## 一、总则\n\n- 第一条\n- 第二条\n",
    }
    data.update(extra)
    return data


# ------------------------------------------------------------------------------------------- public


def test_it_lists_the_county_wide_documents_in_force_to_anyone(client, county_code, revised_code):
    """Anyone, without signing in, reads each county-wide document in force: title, version, since when,
    its text, under its kind."""
    response = client.get(INDEX)
    html = page(response)
    assert response.status_code == 200
    current = Standard.objects.get(series=county_code.series, status=StandardStatus.PUBLISHED)
    assert current.title in html and "增加公益圈要求。" in html
    assert zh("Version %(n)s", n=2) in html or "Version 2" in html
    assert localtime(current.published_at).strftime("%Y-%m-%d") in html
    assert str(StandardKind.CODE.label) in html or zh("Code of conduct") in html
    assert public_url(current) in html
    # Version 1 is history, not listed as in force.
    assert "严守政治纪律" not in html
    assert "public" in response["Cache-Control"]


def test_it_never_shows_a_draft_or_a_withdrawn_document_in_public(
    client, draft_code, withdrawn_code, county_code, grid_a, township_a
):
    """A draft's and a withdrawn document's title and text appear on no public page; their addresses
    answer 404."""
    pages = [
        INDEX,
        INDEX + f"?area={grid_a.code}",
        INDEX + f"?area={township_a.code}",
        public_url(county_code),
        reverse("portal:grid", args=[grid_a.code]),
        reverse("portal:township", args=[township_a.code]),
        reverse("portal:home"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        assert county_code.title in html, url
        for hidden in ("婚丧喜庆行为规范草案", "草案正文", "已废止规范", "废止的正文内容"):
            assert hidden not in html, (url, hidden)
    for standard in (draft_code, withdrawn_code):
        assert client.get(public_url(standard)).status_code == 404
        assert client.get(version_url(standard, 1)).status_code == 404


def test_it_shows_on_the_grid_page_the_standards_that_apply_there(
    client, county_code, township_a_standard, grid_a, grid_b
):
    """The grid's page lists the county's documents and its own township's, not another township's."""
    html_a = page(client.get(reverse("portal:grid", args=[grid_a.code])))
    html_b = page(client.get(reverse("portal:grid", args=[grid_b.code])))
    assert county_code.title in html_a and township_a_standard.title in html_a
    assert public_url(township_a_standard) in html_a
    assert county_code.title in html_b and township_a_standard.title not in html_b


def test_it_shows_an_area_the_county_standards_and_its_own(
    client, county_code, township_a_standard, grid_a, grid_b, township_a
):
    html = page(client.get(INDEX + f"?area={grid_a.code}"))
    assert county_code.title in html and township_a_standard.title in html and "每月走访不少于2次" in html
    html = page(client.get(INDEX + f"?area={grid_b.code}"))
    assert county_code.title in html and township_a_standard.title not in html
    html = page(client.get(INDEX))
    assert township_a_standard.title not in html
    assert f"?area={township_a.code}" in html  # the township's link, with its own


def test_it_answers_404_for_an_unknown_area_or_document(client, county_code):
    assert client.get(INDEX + "?area=999999999999").status_code == 404
    assert client.get(reverse("portal:standard", args=[uuid.uuid4()])).status_code == 404
    assert client.get(version_url(county_code, 7)).status_code == 404


def test_it_shows_a_document_with_its_version_history(client, county_code, revised_code):
    """The document's page is its version in force, with the earlier versions' numbers, dates and change
    notes; each earlier version stays readable, marked as no longer in force."""
    v1 = Standard.objects.get(pk=county_code.pk)
    html = page(client.get(public_url(revised_code)))
    assert "增加公益圈要求。" in html and "严守政治纪律" not in html
    assert "增加公益圈要求" in html  # the change note
    assert version_url(v1) in html
    assert (
        localtime(v1.published_at).strftime("%Y-%m-%d") in html
        and localtime(v1.ended_at).strftime("%Y-%m-%d") in html
    )

    response = client.get(version_url(v1))
    html = page(response)
    assert response.status_code == 200
    assert "严守政治纪律" in html and "增加公益圈要求。" not in html
    assert (
        "no longer in force" in html
        or zh(
            "This is version %(n)s, in force from %(start)s to %(end)s. It is no longer in force.",
            n=1,
            start=localtime(v1.published_at).strftime("%Y-%m-%d"),
            end=localtime(v1.ended_at).strftime("%Y-%m-%d"),
        )
        in html
    )
    assert public_url(revised_code) in html
    # The version in force is read at the document's own address.
    response = client.get(version_url(revised_code))
    assert response.status_code == 302 and response["Location"] == public_url(revised_code)


def test_it_hides_the_history_of_a_withdrawn_document(client, county_officer, revised_code):
    services.standard_withdraw(actor=county_officer, standard=revised_code, reason="被新规定取代")
    assert client.get(public_url(revised_code)).status_code == 404
    assert client.get(version_url(revised_code, 1)).status_code == 404
    assert revised_code.title not in page(client.get(INDEX))


def test_it_refuses_other_methods_on_the_public_pages(client, county_code):
    for url in (INDEX, public_url(county_code)):
        assert client.post(url).status_code == 405


def test_it_strips_scripts_and_dangerous_links_from_the_text(client, county_officer, county):
    """Markdown written by staff is sanitised: no script, no event handler, no javascript: link, no image,
    on the public pages and in the editor's preview."""
    body = (
        "正文开头\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '[点我](javascript:alert(1))\n\n<a href="https://example.org" onclick="steal()">链接</a>\n'
    )
    standard = publish(county_officer, make(county_officer, county, title="含脚本的规范", body=body))
    for url in (INDEX, public_url(standard)):
        html = page(client.get(url))
        assert "正文开头" in html
        for bad in ("<script>alert", "onerror", "javascript:", "onclick", "<img"):
            assert bad not in html, (url, bad)
    response = _as(client, county_officer).post(CREATE, form_data(county, body=body, preview="1"))
    html = page(response)
    assert response.status_code == 200 and "正文开头" in html
    for bad in ("<script>alert", "onerror=", "javascript:alert", "onclick"):
        assert bad not in html.split('name="body"')[0], bad  # the preview, above the form


@pytest.mark.parametrize("documents", [1, 20])
def test_it_reads_the_public_pages_in_a_fixed_number_of_queries(
    client, county_officer, county, grid_a, documents, django_assert_max_num_queries
):
    """The public pages cost the same few queries with 1 or 20 documents (and 20 versions)."""
    first = None
    for i in range(documents):
        standard = publish(county_officer, make(county_officer, county, title=f"规范{i}", position=i))
        first = first or standard
    for i in range(documents - 1):
        first = publish(county_officer, revise(county_officer, first, body=f"第{i + 2}版"))
    urls = [INDEX, INDEX + f"?area={grid_a.code}", public_url(first)]
    if documents > 1:
        urls.append(version_url(first, 1))
    for url in urls:
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200, url


# ----------------------------------------------------------------------------------------- versions


def test_it_publishes_a_draft_and_supersedes_the_version_in_force(county_officer, county_code):
    v2 = revise(county_officer, county_code, body="第二版正文")
    assert v2.version == 2 and v2.status == StandardStatus.DRAFT and v2.series == county_code.series
    county_code.refresh_from_db()
    assert county_code.status == StandardStatus.PUBLISHED  # in force until the draft is published

    services.standard_publish(actor=county_officer, standard=v2)
    county_code.refresh_from_db()
    v2.refresh_from_db()
    assert county_code.status == StandardStatus.SUPERSEDED and county_code.ended_at is not None
    assert county_code.body == "## 一、社交圈\n\n1. 严守政治纪律\n2. 不参加传销活动"  # kept as it was
    assert v2.status == StandardStatus.PUBLISHED and v2.published_by == county_officer
    assert v2.published_at == county_code.ended_at


def test_it_keeps_one_draft_per_document(county_officer, county_code):
    revise(county_officer, county_code, body="草稿一")
    with pytest.raises(ValidationFailed):
        revise(county_officer, county_code, body="草稿二")
    assert Standard.objects.filter(series=county_code.series).count() == 2


def test_it_requires_a_change_note_for_a_new_version(county_officer, county_code):
    with pytest.raises(ValidationFailed) as exc:
        revise(county_officer, county_code, body="第二版", change_note="  ")
    assert exc.value.field == "change_note"


def test_it_holds_one_version_in_force_and_one_draft_in_the_database(county_officer, county_code):
    """Whatever writes to the table, a document never has two versions in force, two drafts, or one
    number twice."""
    revise(county_officer, county_code, body="草稿")
    for version, status in (
        (6, StandardStatus.PUBLISHED),
        (7, StandardStatus.DRAFT),
        (1, StandardStatus.SUPERSEDED),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Standard.objects.create(
                series=county_code.series, version=version, status=status, **_copy(county_code)
            )


def _copy(standard):
    return {"title": standard.title, "kind": standard.kind, "area": standard.area, "body": standard.body}


def test_it_refuses_changes_to_what_is_not_a_draft(county_officer, county_code, revised_code):
    v1 = Standard.objects.get(pk=county_code.pk)
    for target in (revised_code, v1):
        with pytest.raises(ValidationFailed):
            services.standard_update(
                actor=county_officer,
                standard=target,
                title="改",
                kind=target.kind,
                area=target.area,
                body="改",
                change_note="改",
            )
        with pytest.raises(ValidationFailed):
            services.standard_delete_draft(actor=county_officer, standard=target)
        with pytest.raises(ValidationFailed):
            services.standard_publish(actor=county_officer, standard=target)
    with pytest.raises(ValidationFailed):
        services.standard_withdraw(actor=county_officer, standard=v1, reason="x")
    with pytest.raises(ValidationFailed):
        revise(county_officer, v1, body="从旧版本修订")


def test_it_deletes_a_draft_and_keeps_the_version_in_force(county_officer, county_code, draft_code):
    v2 = revise(county_officer, county_code, body="第二版")
    services.standard_delete_draft(actor=county_officer, standard=v2)
    services.standard_delete_draft(actor=county_officer, standard=draft_code)
    assert list(Standard.objects.values_list("pk", flat=True)) == [county_code.pk]
    # The next draft takes the number again.
    assert revise(county_officer, county_code, body="再来").version == 2


def test_it_withdraws_a_document_in_force_with_a_reason(county_officer, county_code):
    with pytest.raises(ValidationFailed) as exc:
        services.standard_withdraw(actor=county_officer, standard=county_code, reason=" ")
    assert exc.value.field == "reason"
    services.standard_withdraw(actor=county_officer, standard=county_code, reason="已被新规定取代")
    county_code.refresh_from_db()
    assert county_code.status == StandardStatus.WITHDRAWN and county_code.ended_at is not None
    event = AuditEvent.objects.get(action="standard.withdraw")
    assert event.changes["reason"] == "已被新规定取代"


def test_it_validates_what_was_typed(county_officer, county):
    cases = [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "\n"}, "body"),
        ({"kind": "poster"}, "kind"),
        ({"position": 1000}, "position"),
    ]
    for change, field in cases:
        values = {"title": "规范", "kind": StandardKind.CODE, "area": county, "body": "正文", "position": 0}
        values.update(change)
        with pytest.raises(ValidationFailed) as exc:
            services.standard_create(actor=county_officer, **values)
        assert exc.value.field == field
    assert not Standard.objects.exists()


def test_it_lets_each_editor_write_only_inside_their_areas(
    county_officer,
    office,
    township_officer_a,
    township_officer_b,
    grid_supervisor,
    county,
    township_a,
    grid_a,
):
    assert make(office, grid_a).area == grid_a
    assert make(county_officer, township_a).area == township_a
    own = make(township_officer_a, grid_a)
    for actor, area in (
        (township_officer_a, county),
        (township_officer_b, township_a),
        (grid_supervisor, grid_a),
        (None, county),
    ):
        with pytest.raises(NotPermitted):
            make(actor, area)
    for actor in (township_officer_b, grid_supervisor):
        with pytest.raises(NotPermitted):
            publish(actor, own)
    # A township officer cannot move their document out of the township either.
    with pytest.raises(NotPermitted):
        services.standard_update(
            actor=township_officer_a, standard=own, title="x", kind=own.kind, area=county, body="x"
        )
    assert publish(township_officer_a, own).status == StandardStatus.PUBLISHED


def test_it_records_one_audit_event_per_write(county_officer, county):
    draft = make(county_officer, county)
    services.standard_update(
        actor=county_officer, standard=draft, title="改名", kind=draft.kind, area=county, body="新正文"
    )
    publish(county_officer, draft)
    v2 = revise(county_officer, draft, body="第二版")
    publish(county_officer, v2)
    services.standard_withdraw(actor=county_officer, standard=v2, reason="废止")
    other = make(county_officer, county, title="另一份")
    services.standard_delete_draft(actor=county_officer, standard=other)
    actions = list(
        AuditEvent.objects.filter(action__startswith="standard.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "standard.create",
        "standard.update",
        "standard.publish",
        "standard.new_version",
        "standard.publish",
        "standard.withdraw",
        "standard.create",
        "standard.delete_draft",
    ]
    publish_event = AuditEvent.objects.filter(action="standard.publish").order_by("seq").last()
    assert publish_event.actor_id == county_officer.pk
    assert publish_event.changes["version"] == 2 and publish_event.changes["superseded"] == 1
    assert "新正文" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    from gridwatch.audit.labels import ACTION_LABELS

    assert set(actions) <= set(ACTION_LABELS)


def test_it_offers_each_action_only_from_its_statuses():
    """The workflow table, every action from every status."""
    expected = {
        StandardStatus.DRAFT: {"edit", "delete", "publish"},
        StandardStatus.PUBLISHED: {"new_version", "withdraw"},
        StandardStatus.SUPERSEDED: set(),
        StandardStatus.WITHDRAWN: set(),
    }
    for status, actions in expected.items():
        row = SimpleNamespace(status=status)
        assert workflow.available_actions(row, may_edit=True) == actions
        assert workflow.available_actions(row, may_edit=False) == set()
    published = SimpleNamespace(status=StandardStatus.PUBLISHED)
    assert workflow.available_actions(published, may_edit=True, has_draft=True) == {"withdraw"}


# ------------------------------------------------------------------------------------ staff: access


def test_it_lets_editors_open_the_list_and_keeps_others_out(
    client,
    county_officer,
    office,
    township_officer_a,
    township_officer_b,
    grid_supervisor,
    unit_liaison,
    cadre_user,
    county_code,
    township_a_standard,
    draft_code,
):
    for user in (county_officer, office):
        html = page(_as(client, user).get(MANAGE))
        for title in (county_code.title, township_a_standard.title, draft_code.title):
            assert title in html
    html = page(_as(client, township_officer_a).get(MANAGE))
    assert (
        township_a_standard.title in html and county_code.title not in html and draft_code.title not in html
    )
    assert township_a_standard.title not in page(_as(client, township_officer_b).get(MANAGE))
    for user in (grid_supervisor, unit_liaison, cadre_user):
        assert _as(client, user).get(MANAGE).status_code == 403
    assert _as(client, county_officer).post(MANAGE).status_code == 405
    response = _as(client, None).get(MANAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_every_editor_page_by_jurisdiction_and_role(
    client,
    county_officer,
    township_officer_a,
    township_officer_b,
    grid_supervisor,
    township_a_standard,
    county,
):
    """Inside the editor's areas the page opens; another township gets 404; a grid supervisor 403; the
    public the sign-in page."""
    draft = make(township_officer_a, township_a_standard.area, title="镇草稿")
    gets = [
        staff_url("standard_manage_detail", township_a_standard),
        staff_url("standard_new_version", township_a_standard),
        staff_url("standard_manage_detail", draft),
        staff_url("standard_edit", draft),
    ]
    posts = [
        staff_url("standard_publish", draft),
        staff_url("standard_delete", draft),
        staff_url("standard_withdraw", township_a_standard),
    ]
    for url in gets:
        for user in (county_officer, township_officer_a):
            assert _as(client, user).get(url).status_code == 200, (url, user)
        assert _as(client, township_officer_b).get(url).status_code == 404, url
        assert _as(client, grid_supervisor).get(url).status_code == 403, url
        response = _as(client, None).get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for url in posts:
        assert _as(client, township_officer_b).post(url, {"reason": "x"}).status_code == 404, url
        assert _as(client, grid_supervisor).post(url, {"reason": "x"}).status_code == 403, url
        assert _as(client, township_officer_a).get(url).status_code == 405, url
        assert _as(client, None).post(url).status_code == 302
    assert _as(client, grid_supervisor).get(CREATE).status_code == 403
    assert _as(client, township_officer_a).get(CREATE).status_code == 200
    # Nothing was changed by the refused requests.
    draft.refresh_from_db()
    township_a_standard.refresh_from_db()
    assert draft.status == StandardStatus.DRAFT and township_a_standard.status == StandardStatus.PUBLISHED


def test_it_keeps_a_township_officer_away_from_county_documents(
    client, township_officer_a, county_code, draft_code
):
    client = _as(client, township_officer_a)
    for standard in (county_code, draft_code):
        assert client.get(staff_url("standard_manage_detail", standard)).status_code == 404
    assert client.post(staff_url("standard_publish", draft_code)).status_code == 404
    assert client.post(staff_url("standard_withdraw", county_code), {"reason": "x"}).status_code == 404


def test_it_offers_a_township_officer_only_their_own_areas(
    client, township_officer_a, county, township_a, grid_a
):
    client = _as(client, township_officer_a)
    html = page(client.get(CREATE))
    assert f'value="{township_a.code}"' in html and f'value="{grid_a.code}"' in html
    assert f'value="{county.code}"' not in html
    response = client.post(CREATE, form_data(county))
    assert response.status_code == 400 and not Standard.objects.exists()


def test_it_refuses_a_step_that_is_not_open(client, county_officer, county_code):
    client = _as(client, county_officer)
    for name in ("standard_publish", "standard_delete"):
        assert client.post(staff_url(name, county_code)).status_code == 403
    assert client.get(staff_url("standard_edit", county_code)).status_code == 403


def test_it_shows_the_menu_entry_to_editors_only(
    client, county_officer, township_officer_a, grid_supervisor, county
):
    for user in (county_officer, township_officer_a):
        assert MANAGE in page(_as(client, user).get(reverse("core:home")))
    assert MANAGE not in page(_as(client, grid_supervisor).get(reverse("core:home")))


# ------------------------------------------------------------------------------------- staff: flows


def test_it_creates_a_draft_from_the_form(client, county_officer, county):
    response = _as(client, county_officer).post(CREATE, form_data(county, save="1"))
    standard = Standard.objects.get()
    assert response.status_code == 302 and response["Location"] == staff_url(
        "standard_manage_detail", standard
    )
    assert standard.status == StandardStatus.DRAFT and standard.version == 1 and standard.position == 3
    assert standard.created_by == county_officer and standard.area == county
    html = page(client.get(response["Location"]))
    assert "<h2>一、总则</h2>" in html and "新的行为规范" in html
    # Not public until published.
    assert client.get(public_url(standard)).status_code == 404


def test_it_previews_the_text_without_saving(client, county_officer, county):
    response = _as(client, county_officer).post(CREATE, form_data(county, preview="1"))
    html = page(response)
    assert response.status_code == 200
    assert "<h2>一、总则</h2>" in html and "<li>第一条</li>" in html
    assert "新的行为规范" in html  # what was typed is kept
    assert not Standard.objects.exists()


def test_it_keeps_what_was_typed_when_the_input_is_bad(client, county_officer, county):
    response = _as(client, county_officer).post(CREATE, form_data(county, title="", body="保留的正文"))
    html = page(response)
    assert response.status_code == 400
    assert "保留的正文" in html
    assert zh("Give the document a title.") in html
    assert not Standard.objects.exists()


def test_it_edits_a_draft(client, county_officer, county, draft_code):
    url = staff_url("standard_edit", draft_code)
    client = _as(client, county_officer)
    assert "草案正文：事前报告" in page(client.get(url))
    response = client.post(url, form_data(county, title="改过的草案", save="1"))
    assert response.status_code == 302
    draft_code.refresh_from_db()
    assert draft_code.title == "改过的草案" and draft_code.status == StandardStatus.DRAFT


def test_it_makes_a_new_version_of_a_document_in_force(client, county_officer, county, county_code):
    url = staff_url("standard_new_version", county_code)
    client = _as(client, county_officer)
    html = page(client.get(url))
    assert "严守政治纪律" in html  # the text in force, copied
    response = client.post(url, form_data(county, title=county_code.title, body="第二版正文"))
    assert response.status_code == 400 and "第二版正文" in page(response)
    assert zh("Say what changed from the version in force.") in page(response)
    response = client.post(
        url, form_data(county, title=county_code.title, body="第二版正文", change_note="改了第一条")
    )
    v2 = Standard.objects.get(series=county_code.series, version=2)
    assert response.status_code == 302 and response["Location"] == staff_url("standard_manage_detail", v2)
    assert v2.status == StandardStatus.DRAFT and v2.change_note == "改了第一条"
    # A second "new version" leads to the draft there is.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == staff_url("standard_edit", v2)
    # The public still reads version 1.
    html = page(client.get(public_url(county_code)))
    assert "严守政治纪律" in html and "第二版正文" not in html


def test_it_publishes_from_the_page(client, county_officer, county_code):
    v2 = revise(county_officer, county_code, body="第二版正文")
    client = _as(client, county_officer)
    assert "第二版正文" in page(client.get(staff_url("standard_manage_detail", v2)))
    response = client.post(staff_url("standard_publish", v2))
    assert response.status_code == 302
    v2.refresh_from_db()
    county_code.refresh_from_db()
    assert v2.status == StandardStatus.PUBLISHED and county_code.status == StandardStatus.SUPERSEDED
    client.logout()
    html = page(client.get(public_url(county_code)))
    assert "第二版正文" in html and version_url(county_code, 1) in html


def test_it_withdraws_from_the_page(client, county_officer, county_code):
    client = _as(client, county_officer)
    url = staff_url("standard_withdraw", county_code)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and zh("Say why the document is withdrawn.") in page(response)
    response = client.post(url, {"reason": "已被新规定取代"})
    assert response.status_code == 302
    assert "已被新规定取代" in page(client.get(staff_url("standard_manage_detail", county_code)))
    client.logout()
    assert client.get(public_url(county_code)).status_code == 404
    assert county_code.title not in page(client.get(INDEX))


def test_it_deletes_a_draft_from_the_page(client, county_officer, county_code, draft_code):
    client = _as(client, county_officer)
    response = client.post(staff_url("standard_delete", draft_code))
    assert response.status_code == 302 and response["Location"] == MANAGE
    v2 = revise(county_officer, county_code, body="第二版")
    response = client.post(staff_url("standard_delete", v2))
    assert response["Location"] == staff_url("standard_manage_detail", county_code)
    assert list(Standard.objects.all()) == [county_code]


def test_it_pins_the_editor_list_query_count(client, county_officer, county, django_assert_max_num_queries):
    client = _as(client, county_officer)
    counts = []
    for n in (1, 15):
        while Standard.objects.count() < n:
            standard = publish(
                county_officer, make(county_officer, county, title=f"规范{Standard.objects.count()}")
            )
            revise(county_officer, standard, body="草稿")
        with django_assert_max_num_queries(30) as captured:
            assert client.get(MANAGE).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# ------------------------------------------------------------------------------------------------ demo


def test_it_seeds_the_demo_standards(client, county, county_officer):
    """The demo: two county-wide documents in force (one in its second version), the showcase
    township's own, and a draft nobody outside sees."""
    from gridwatch.core.demo.generator import SHOWCASE_GRID
    from gridwatch.portal.standards import demo

    township = geo.area_create(
        actor=None,
        code="522729001000",
        name="长寨街道",
        level=Level.TOWNSHIP,
        kind=Kind.STREET,
        parent=county,
    )
    community = geo.area_create(
        actor=None,
        code="522729001002",
        name="和平社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township,
    )
    grid = geo.area_create(
        actor=None,
        code=SHOWCASE_GRID,
        name="和平社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community,
    )
    from gridwatch.accounts.roles import Role

    cz = make_user("cz_jiwei", role=Role.TOWNSHIP_STAFF, area=township)
    demo.seed(
        SimpleNamespace(users={"county_staff": county_officer, "cz_jiwei": cz}, out=lambda message: None)
    )

    published = Standard.objects.filter(status=StandardStatus.PUBLISHED)
    assert {s.title for s in published} == {demo.CODE_OF_CONDUCT, demo.GRID_STANDARD, demo.TOWNSHIP_CODE}
    v2 = published.get(title=demo.GRID_STANDARD)
    assert v2.version == 2 and v2.change_note
    v1 = Standard.objects.get(series=v2.series, version=1)
    assert v1.status == StandardStatus.SUPERSEDED and v1.published_at < v1.ended_at <= v2.published_at
    assert published.get(title=demo.TOWNSHIP_CODE).area == township
    assert Standard.objects.get(status=StandardStatus.DRAFT).title == demo.DRAFT_TITLE
    code = published.get(title=demo.CODE_OF_CONDUCT)
    for circle in ("社交圈", "生活圈", "家庭圈", "公益圈"):
        assert f"## 一、{circle}" in code.body or circle in code.body
    html = page(client.get(INDEX + f"?area={grid.code}"))
    assert demo.TOWNSHIP_CODE in html and demo.CODE_OF_CONDUCT in html and demo.DRAFT_TITLE not in html
    assert "<table>" in page(client.get(public_url(v2)))
