"""Reads of the supervision cards (R11). Each starts from ``cards_for``: the user's jurisdiction (the card's
grid) minus the cards about a cadre the user is conflicted with (回避: themselves, a cadre of their own unit,
a declared relation), as for the diary."""

import datetime

from django.db.models import Count
from django.utils import timezone

from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from .models import CardItem, CardRating, SupervisionCard


def this_month():
    return timezone.localdate().replace(day=1)


def previous_month(month):
    return (month - datetime.timedelta(days=1)).replace(day=1)


def next_month(month):
    return (month + datetime.timedelta(days=32)).replace(day=1)


def fillable_months():
    """The months a card may be started for: this one, and the last one (a card finished on the 1st)."""
    current = this_month()
    return (current, previous_month(current))


def cards_for(user):
    return SupervisionCard.objects.for_user(user).exclude(cadre_id__in=conflicted_cadres(user))


def card_for_page(user, pk):
    """One card with what its page shows, or ``DoesNotExist``."""
    return cards_for(user).select_related("cadre__unit", "grid__parent", "checklist_version").get(pk=pk)


def card_items(card):
    """The card's lines in checklist order, with their checklist items: one query."""
    return list(
        CardItem.objects.filter(card=card)
        .select_related("checklist_item")
        .order_by("checklist_item__position")
    )


def concerns_by_circle(card):
    """``{circle: number of items rated concern}`` for every circle of the card's checklist."""
    counts = dict.fromkeys(
        card.checklist_version.items.values_list("circle", flat=True).distinct().order_by(), 0
    )
    rows = (
        CardItem.objects.filter(card=card, rating=CardRating.CONCERN)
        .values("checklist_item__circle")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["checklist_item__circle"]] = row["n"]
    return counts


def post_in(user, grid_id):
    """The user's grid-team post in the grid (leader, deputy, supervisor) or ``None``."""
    return GridTeamMember.objects.filter(user=user, grid_id=grid_id).values_list("role", flat=True).first()


def may_write(user, card_or_grid_id):
    """Whether ``user`` holds a post in the grid (any member of the grid team fills its cards)."""
    grid_id = getattr(card_or_grid_id, "grid_id", card_or_grid_id)
    return post_in(user, grid_id) is not None


def may_review(user, card):
    return post_in(user, card.grid_id) == TeamRole.LEADER


def overview_grids(user):
    """The grids the user may look at: the grids of their jurisdiction, the ones they hold a post in
    first (a supervisor's own grid opens by default)."""
    grids = list(
        Area.objects.for_user(user).filter(level=Level.GRID).select_related("parent").order_by("path")
    )
    own = set(GridTeamMember.objects.filter(user=user).values_list("grid_id", flat=True))
    return sorted(grids, key=lambda g: (g.pk not in own, g.path))


def overview(*, user, grid, month):
    """The serving cadres supervised in ``grid`` that ``user`` may see (recusal applied), each with their
    card of ``month`` or ``None``: ``[(cadre, card)]``, cadres without a card first. Two queries, whatever
    the number of cadres. The cards come without their remarks (the overview shows facts only: nothing of
    them is decrypted for it)."""
    conflicted = conflicted_cadres(user)
    cadres = list(
        Cadre.objects.for_user(user)
        .filter(supervising_grid=grid, status=CadreStatus.SERVING)
        .exclude(id__in=conflicted)
        .select_related("unit")
        .order_by("name_pinyin", "id")
    )
    month_cards = cards_for(user).filter(grid=grid, month=month).defer("summary", "review_note")
    cards = {card.cadre_id: card for card in month_cards.select_related("cadre__unit")}
    rows = [(cadre, cards.pop(cadre.pk, None)) for cadre in cadres]
    # A card of the month about a cadre who has left the grid (or the service) since still shows.
    rows += [(card.cadre, card) for card in cards.values()]
    rows.sort(key=lambda row: row[1] is not None)
    return rows
