"""The campaign workflow: draft → open → closed → published.

``ACTIONS`` is the whole table: ``action -> (who, target status or None when it stays, allowed sources)``.
``available_actions`` decides which buttons the pages show; the services check the same table.
"""

from .models import Status as S

MANAGER = "manager"
PUBLISHER = "publisher"

ACTIONS = {
    "codes": (MANAGER, None, (S.DRAFT, S.OPEN)),
    "open": (MANAGER, S.OPEN, (S.DRAFT,)),
    "paper": (MANAGER, None, (S.OPEN,)),
    "close": (MANAGER, S.CLOSED, (S.OPEN,)),
    "publish": (PUBLISHER, S.PUBLISHED, (S.CLOSED,)),
}


def is_open(action, status):
    return status in ACTIONS[action][2]


def target(action, status):
    return ACTIONS[action][1] or status


def available_actions(evaluation, user):
    """The steps ``user`` may take on ``evaluation`` now (the user is assumed to see it)."""
    from . import selectors

    actions = set()
    for action, (who, _target, sources) in ACTIONS.items():
        if evaluation.status not in sources:
            continue
        if who == MANAGER and selectors.manages(user, evaluation):
            actions.add(action)
        elif who == PUBLISHER and selectors.publishes(user, evaluation):
            actions.add(action)
    return actions
