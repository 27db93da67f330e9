"""Supervision cards (R11): starting, filling as a draft, submitting and the grid leader's review; the
workflow table, recusal and the cadre-file entry."""

import datetime

import pytest
import time_machine

from gridwatch.audit.models import AuditEvent
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import CadreFileEntry, CadreStatus, DeclaredRelation, FileEntryKind
from gridwatch.supervision import card_selectors, cards
from gridwatch.supervision.models import CardItem, CardRating, CardStatus, ChecklistItem, SupervisionCard

from .cards_helpers import fill, start, submitted
from .conftest import team_member

NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_starts_a_card_with_one_line_per_item_of_the_current_checklist(grid_supervisor, cadre_a):
    """A supervisor of the cadre's grid starts this month's card: one empty line per checklist item."""
    card = start(grid_supervisor, cadre_a)
    assert card.status == CardStatus.DRAFT
    assert card.month == datetime.date(2026, 11, 1)
    assert card.grid_id == cadre_a.supervising_grid_id
    assert card.items.count() == ChecklistItem.objects.filter(version=card.checklist_version).count() == 15
    assert not card.items.exclude(rating="").exists()
    event = AuditEvent.objects.get(action="card.start")
    assert event.changes == {"month": "2026-11", "checklist_version": 1}


def test_it_returns_the_existing_card_when_started_twice(grid_supervisor, grid_a, cadre_a):
    """Two team members (or a double tap) starting the same month's card get the one card."""
    deputy = team_member("deputy_a1", grid_a, role="deputy")
    first = start(grid_supervisor, cadre_a)
    assert start(deputy, cadre_a) == first
    assert SupervisionCard.objects.count() == 1


def test_it_refuses_a_card_outside_the_writers_grid(grid_supervisor_b, cadre_a):
    """A supervisor of another grid may not start a card about a cadre of grid A1."""
    with pytest.raises(NotPermitted):
        start(grid_supervisor_b, cadre_a)


def test_it_refuses_a_card_about_a_conflicted_cadre(grid_supervisor, cadre_a):
    """Recusal: a supervisor who declared a relation to the cadre may not fill their card."""
    DeclaredRelation.objects.create(user=grid_supervisor, cadre=cadre_a, kind="kin")
    with pytest.raises(NotPermitted):
        start(grid_supervisor, cadre_a)


def test_it_refuses_a_card_about_oneself(grid_a, cadre_a, unit_a):
    """A grid team member who is the cadre never fills their own card."""
    member = team_member("self_a1", grid_a)
    cadre_a.user = member
    cadre_a.save(update_fields=["user"])
    with pytest.raises(NotPermitted):
        start(member, cadre_a)


def test_it_allows_this_month_and_the_last_only(grid_supervisor, cadre_a):
    """A card is started for this month or the last one; not for an older or a future month."""
    assert start(grid_supervisor, cadre_a, month=datetime.date(2026, 10, 1)).month == datetime.date(
        2026, 10, 1
    )
    for month in (datetime.date(2026, 9, 1), datetime.date(2026, 12, 1)):
        with pytest.raises(ValidationFailed):
            start(grid_supervisor, cadre_a, month=month)


def test_it_refuses_a_card_for_a_cadre_who_left(grid_supervisor, cadre_a):
    cadre_a.status = CadreStatus.TRANSFERRED
    cadre_a.save(update_fields=["status"])
    with pytest.raises(ValidationFailed):
        start(grid_supervisor, cadre_a)


def test_it_saves_an_item_as_a_draft_and_audits_without_the_note(grid_supervisor, cadre_a):
    """Draft as you go: one item saved, the others still open; the audit event names the fields only."""
    card = start(grid_supervisor, cadre_a)
    item = card_selectors.card_items(card)[0]
    cards.card_item_save(actor=grid_supervisor, item=item, rating=CardRating.CONCERN, note="周末在棋牌室打牌")
    item.refresh_from_db()
    assert item.rating == CardRating.CONCERN and item.note == "周末在棋牌室打牌"
    event = AuditEvent.objects.get(action="card.item_save")
    assert event.changes == {"item": 1, "fields": ["rating", "note"]}
    assert "棋牌室" not in str(event.changes)
    card.refresh_from_db()
    assert card.status == CardStatus.DRAFT


def test_it_stores_the_note_encrypted(grid_supervisor, cadre_a):
    from django.db import connection

    card = start(grid_supervisor, cadre_a)
    item = card_selectors.card_items(card)[0]
    cards.card_item_save(actor=grid_supervisor, item=item, rating=CardRating.CONCERN, note="周末在棋牌室打牌")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM supervision_carditem WHERE id = %s", [item.pk])
        raw = cursor.fetchone()[0]
    assert "棋牌室" not in raw


def test_it_refuses_to_submit_an_unfinished_card(grid_supervisor, cadre_a):
    """Every item must be rated before the card goes to the grid leader."""
    card = start(grid_supervisor, cadre_a)
    with pytest.raises(ValidationFailed, match="15"):
        cards.card_submit(actor=grid_supervisor, card=card)


def test_it_refuses_a_concern_without_a_note(grid_supervisor, cadre_a):
    card = fill(start(grid_supervisor, cadre_a), grid_supervisor, concerns=(2,), note="")
    with pytest.raises(ValidationFailed):
        cards.card_submit(actor=grid_supervisor, card=card)


def test_it_submits_a_complete_card_and_counts_the_concerns(grid_supervisor, cadre_a):
    card = submitted(grid_supervisor, cadre_a, concerns=(2, 5))
    assert card.status == CardStatus.SUBMITTED
    assert card.concern_count == 2
    assert card.submitted_by == grid_supervisor
    assert AuditEvent.objects.get(action="card.submit").changes == {"month": "2026-11", "concerns": 2}


def test_it_accepts_and_writes_the_cadre_file_entry_with_facts_only(grid_supervisor, grid_leader_a, cadre_a):
    """The grid leader accepts: the card is reviewed, and the cadre's file gets an observation with the
    month and the concerns by circle, never a note."""
    card = submitted(grid_supervisor, cadre_a, concerns=(1, 5, 6))
    cards.card_review(actor=grid_leader_a, card=card, accept=True, note="情况属实，已提醒")
    card.refresh_from_db()
    assert card.status == CardStatus.REVIEWED and card.reviewed_by == grid_leader_a
    entry = CadreFileEntry.objects.get(cadre=cadre_a, kind=FileEntryKind.OBSERVATION)
    assert entry.details["month"] == "2026-11"
    assert entry.details["concerns_by_circle"] == {"social": 1, "life": 2, "family": 0, "public_welfare": 0}
    assert "棋牌室" not in str(entry.details) and "提醒" not in str(entry.details)
    assert "3" in entry.display_title
    assert AuditEvent.objects.filter(action="card.accept").count() == 1


def test_it_returns_with_a_reason_and_the_team_resubmits(grid_supervisor, grid_leader_a, cadre_a):
    card = submitted(grid_supervisor, cadre_a)
    with pytest.raises(ValidationFailed):
        cards.card_review(actor=grid_leader_a, card=card, accept=False, note="")
    cards.card_review(actor=grid_leader_a, card=card, accept=False, note="第3项请补充说明")
    card.refresh_from_db()
    assert card.status == CardStatus.RETURNED and card.review_note == "第3项请补充说明"
    assert not CadreFileEntry.objects.filter(kind=FileEntryKind.OBSERVATION).exists()
    item = card_selectors.card_items(card)[2]
    cards.card_item_save(actor=grid_supervisor, item=item, rating=CardRating.NORMAL, note="已核实，正常")
    cards.card_submit(actor=grid_supervisor, card=card)
    card.refresh_from_db()
    assert card.status == CardStatus.SUBMITTED


def test_it_lets_only_the_grid_leader_review(grid_supervisor, grid_a, cadre_a):
    """A supervisor or the deputy may not review; a leader of another grid neither."""
    deputy = team_member("deputy_a1", grid_a, role="deputy")
    card = submitted(grid_supervisor, cadre_a)
    for user in (grid_supervisor, deputy):
        with pytest.raises(NotPermitted):
            cards.card_review(actor=user, card=card, accept=True)


def test_it_keeps_the_leader_out_of_a_card_they_are_conflicted_with(grid_supervisor, grid_leader_a, cadre_a):
    card = submitted(grid_supervisor, cadre_a)
    DeclaredRelation.objects.create(user=grid_leader_a, cadre=cadre_a, kind="associate")
    with pytest.raises(NotPermitted):
        cards.card_review(actor=grid_leader_a, card=card, accept=True)
    assert not card_selectors.cards_for(grid_leader_a).filter(pk=card.pk).exists()


# ---------------------------------------------------------------------------------------- workflow table

ACTIONS = ["save", "submit", "accept", "return"]
ALLOWED = {
    CardStatus.DRAFT: {"save", "submit"},
    CardStatus.RETURNED: {"save", "submit"},
    CardStatus.SUBMITTED: {"accept", "return"},
    CardStatus.REVIEWED: set(),
}


def _take(action, card, writer, leader):
    if action == "save":
        cards.card_item_save(
            actor=writer, item=card_selectors.card_items(card)[0], rating=CardRating.NORMAL, note="x"
        )
    elif action == "submit":
        cards.card_submit(actor=writer, card=card)
    else:
        cards.card_review(actor=leader, card=card, accept=action == "accept", note="理由")


@pytest.mark.parametrize("status", list(CardStatus))
@pytest.mark.parametrize("action", ACTIONS)
def test_it_follows_the_workflow_table(status, action, grid_supervisor, grid_leader_a, cadre_a):
    """Every action from every status: allowed ones change the card as the table says, the others are
    refused and change nothing."""
    card = fill(start(grid_supervisor, cadre_a), grid_supervisor)
    SupervisionCard.objects.filter(pk=card.pk).update(status=status)
    card.refresh_from_db()
    # The leader is a writer too: together the two see exactly what the table allows.
    offered = cards.available_actions(card, grid_leader_a) | cards.available_actions(card, grid_supervisor)
    assert offered == ALLOWED[status]
    if action in ALLOWED[status]:
        _take(action, card, grid_supervisor, grid_leader_a)
        card.refresh_from_db()
        target = cards.ACTIONS[action][2]
        assert card.status == (target or status)
    else:
        with pytest.raises(ValidationFailed):
            _take(action, card, grid_supervisor, grid_leader_a)
        card.refresh_from_db()
        assert card.status == status


def test_it_shows_the_writer_no_review_and_the_leader_both(grid_supervisor, grid_leader_a, cadre_a):
    card = submitted(grid_supervisor, cadre_a)
    assert cards.available_actions(card, grid_supervisor) == set()
    assert cards.available_actions(card, grid_leader_a) == {"accept", "return"}


# -------------------------------------------------------------------------------------------- overview


def test_it_lists_the_cadres_of_the_grid_with_no_card_first(grid_supervisor, grid_a, unit_b, cadre_a):
    from gridwatch.conftest import make_cadre

    other = make_cadre("王芳", unit_b, grid_a)
    card = start(grid_supervisor, cadre_a)
    rows = card_selectors.overview(user=grid_supervisor, grid=grid_a, month=datetime.date(2026, 11, 1))
    assert rows == [(other, None), (cadre_a, card)]


def test_it_keeps_a_cadre_the_user_is_conflicted_with_out_of_the_overview(grid_supervisor, grid_a, cadre_a):
    DeclaredRelation.objects.create(user=grid_supervisor, cadre=cadre_a, kind="kin")
    assert card_selectors.overview(user=grid_supervisor, grid=grid_a, month=datetime.date(2026, 11, 1)) == []


def test_it_keeps_items_of_the_other_grid_team_apart(grid_supervisor, grid_supervisor_b, cadre_a):
    card = start(grid_supervisor, cadre_a)
    item = CardItem.objects.filter(card=card).first()
    item.card = card
    with pytest.raises(NotPermitted):
        cards.card_item_save(actor=grid_supervisor_b, item=item, rating=CardRating.NORMAL)
    assert GridTeamMember.objects.filter(user=grid_supervisor_b).count() == 1
