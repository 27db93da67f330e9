"""Helpers of the card tests: cards started and filled through the services."""

from gridwatch.supervision import card_selectors, cards
from gridwatch.supervision.models import CardRating


def start(actor, cadre, month=None):
    return cards.card_start(actor=actor, cadre=cadre, month=month)


def fill(card, actor, *, concerns=(), note="在小区棋牌室打牌到深夜"):
    """Rate every item normal, and the items at the ``concerns`` positions concern with ``note``."""
    for item in card_selectors.card_items(card):
        concern = item.checklist_item.position in concerns
        cards.card_item_save(
            actor=actor,
            item=item,
            rating=CardRating.CONCERN if concern else CardRating.NORMAL,
            note=note if concern else "",
        )
    return card


def submitted(actor, cadre, *, concerns=()):
    card = fill(start(actor, cadre), actor, concerns=concerns)
    return cards.card_submit(actor=actor, card=card)
