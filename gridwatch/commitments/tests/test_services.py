"""What the services write: the items, the fulfilment meeting, the year-end rating, and the cadre's file."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from gridwatch.commitments import services
from gridwatch.commitments.models import (
    Commitment,
    CommitmentItem,
    EvaluatorGroup,
    FulfilmentReview,
    ItemRating,
    YearEndRating,
)
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.models import CadreFileEntry, FileEntryKind

from .conftest import ITEMS, write


def test_it_writes_a_draft_with_its_items_in_order(cadre_user, cadre_a):
    commitment = write(cadre_a, items=[*ITEMS, {"content": "", "target": ""}])
    assert commitment.status == "draft" and commitment.cadre == cadre_a
    assert [(i.position, i.content) for i in commitment.items.all()] == [
        (1, ITEMS[0]["content"]),
        (2, ITEMS[1]["content"]),
    ]


@pytest.mark.parametrize(
    "items, field",
    [
        ([], "items"),
        ([{"content": "宣传惠民政策", "target": ""}], "items"),
        ([{"content": "", "target": "每季度1次"}], "items"),
        ([{"content": "x", "target": "y"}] * 11, "items"),
    ],
)
def test_it_refuses_commitments_without_text_or_target(cadre_user, cadre_a, items, field):
    with pytest.raises(ValidationFailed) as exc:
        write(cadre_a, items=items)
    assert exc.value.field == field
    assert not Commitment.objects.exists()


def test_it_writes_one_commitment_a_year(cadre_user, cadre_a):
    write(cadre_a)
    with pytest.raises(ValidationFailed):
        write(cadre_a)


@time_machine.travel(datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC))
def test_it_takes_this_year_and_next_year_only_in_december(cadre_user, cadre_a):
    assert services.allowed_years() == [2026]
    with pytest.raises(ValidationFailed):
        write(cadre_a, year=2027)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)):
        assert services.allowed_years() == [2026, 2027]


def test_it_refuses_a_user_who_is_not_a_cadre(township_officer_a):
    with pytest.raises(NotPermitted):
        services.commitment_create(actor=township_officer_a, year=timezone.localdate().year, items=ITEMS)


def test_it_replaces_the_items_when_the_cadre_corrects_them(draft_a, cadre_user):
    services.commitment_update(
        actor=cadre_user, commitment=draft_a, items=[{"content": "宣传惠民政策", "target": "每季度1次"}]
    )
    assert list(CommitmentItem.objects.filter(commitment=draft_a).values_list("content", flat=True)) == [
        "宣传惠民政策"
    ]


def _entries(cadre):
    return list(
        CadreFileEntry.objects.filter(cadre=cadre, kind=FileEntryKind.COMMITMENT).order_by("at", "id")
    )


def _titles(cadre):
    """The file's titles in the source language, whatever language an earlier test left active."""
    with translation.override("en"):
        return [entry.display_title for entry in _entries(cadre)]


def test_it_writes_the_cadres_file_at_publication_meeting_and_rating(published_a, cadre_a, community_org_a):
    """Three lines in the cadre's file: published, the half-year meeting, the year-end rating."""
    year = published_a.year
    assert _titles(cadre_a) == [f"Commitments for {year} published"]
    today = timezone.localdate()
    items = list(published_a.items.all())
    services.fulfilment_record(
        actor=community_org_a,
        commitment=published_a,
        held_on=today,
        attendees="社区党委书记、居民代表6名",
        progress={items[0].pk: (60, "参加志愿服务5次"), items[1].pk: (40, "")},
    )
    services.rating_record(
        actor=community_org_a,
        commitment=published_a,
        rated_on=today,
        contribution="协调解决路灯维修1件",
        counts={
            (items[0].pk, EvaluatorGroup.REPRESENTATIVES): [4, 1, 0],
            (items[1].pk, EvaluatorGroup.RESIDENTS): [10, 5, 2],
        },
    )
    assert _titles(cadre_a) == [
        f"Commitments for {year} published",
        f"Commitments for {year}: half-year fulfilment meeting on {today.isoformat()}",
        f"Commitments for {year}: year-end rating recorded on {today.isoformat()}",
    ]
    assert all(e.details["commitment"] == str(published_a.pk) for e in _entries(cadre_a))


def test_it_records_the_meeting_and_sets_each_items_progress(published_a, community_org_a):
    items = list(published_a.items.all())
    review = services.fulfilment_record(
        actor=community_org_a,
        commitment=published_a,
        held_on=timezone.localdate(),
        attendees="社区党委书记",
        summary="按计划推进",
        progress={items[0].pk: (60, "台账"), items[1].pk: (0, "")},
    )
    assert review.published_at is not None
    assert [(line.item_id, line.progress, line.evidence) for line in review.lines.all()] == [
        (items[0].pk, 60, "台账"),
        (items[1].pk, 0, ""),
    ]
    assert list(published_a.items.values_list("progress", flat=True)) == [60, 0]


@pytest.mark.parametrize("percent", [None, -1, 101])
def test_it_refuses_a_meeting_without_every_items_progress(published_a, community_org_a, percent):
    items = list(published_a.items.all())
    with pytest.raises(ValidationFailed):
        services.fulfilment_record(
            actor=community_org_a,
            commitment=published_a,
            held_on=timezone.localdate(),
            attendees="社区党委书记",
            progress={items[0].pk: (50, ""), items[1].pk: (percent, "")},
        )
    assert not FulfilmentReview.objects.exists()


def test_it_refuses_a_meeting_in_the_future_or_before_publication(published_a, community_org_a):
    items = list(published_a.items.all())
    for held_on in (
        timezone.localdate() + datetime.timedelta(days=1),
        timezone.localdate() - datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.fulfilment_record(
                actor=community_org_a,
                commitment=published_a,
                held_on=held_on,
                attendees="社区党委书记",
                progress={i.pk: (50, "") for i in items},
            )
        assert exc.value.field == "held_on"


def test_it_records_the_counts_per_item_and_group_with_the_satisfaction_rate(published_a, community_org_a):
    items = list(published_a.items.all())
    rating = services.rating_record(
        actor=community_org_a,
        commitment=published_a,
        rated_on=timezone.localdate(),
        contribution="协调解决路灯维修1件",
        counts={
            (items[0].pk, EvaluatorGroup.REPRESENTATIVES): [4, 1, 0],
            (items[0].pk, EvaluatorGroup.SERVICE_RECIPIENTS): [0, 0, 0],
            (items[1].pk, EvaluatorGroup.RESIDENTS): [10, 5, 5],
        },
    )
    lines = {(line.item_id, line.evaluator_group): line for line in ItemRating.objects.filter(rating=rating)}
    assert set(lines) == {(items[0].pk, "representatives"), (items[1].pk, "residents")}
    assert lines[(items[1].pk, "residents")].satisfaction_rate == 75
    assert lines[(items[0].pk, "representatives")].total == 5
    assert rating.source == "meeting"


def test_it_refuses_a_rating_that_leaves_an_item_unrated(published_a, community_org_a):
    items = list(published_a.items.all())
    with pytest.raises(ValidationFailed):
        services.rating_record(
            actor=community_org_a,
            commitment=published_a,
            rated_on=timezone.localdate(),
            contribution="协调解决路灯维修1件",
            counts={(items[0].pk, EvaluatorGroup.RESIDENTS): [1, 0, 0]},
        )
    assert not YearEndRating.objects.exists()


def test_it_refuses_a_rating_without_a_contribution_note(published_a, community_org_a):
    items = list(published_a.items.all())
    with pytest.raises(ValidationFailed) as exc:
        services.rating_record(
            actor=community_org_a,
            commitment=published_a,
            rated_on=timezone.localdate(),
            contribution="",
            counts={(i.pk, EvaluatorGroup.RESIDENTS): [1, 0, 0] for i in items},
        )
    assert exc.value.field == "contribution"


def test_it_shows_the_file_entries_on_the_cadres_my_file(published_a, as_user, cadre_user):
    """The cadre reads the publication in their own file (一人一档)."""
    from django.urls import reverse

    from gridwatch.conftest import zh

    page = as_user(cadre_user).get(reverse("people:my_file")).content.decode()
    assert zh("Commitments for %(year)s published", year=published_a.year) in page
