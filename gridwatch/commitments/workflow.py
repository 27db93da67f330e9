"""The commitment workflow: draft → submitted → (returned → submitted …) → published, then the half-year
fulfilment meeting and the year-end rating on the published commitment.

``ACTIONS`` is the whole table: ``action -> (who, target status or None when the status stays, allowed
sources)``. ``available_actions`` decides which buttons the pages show; the services check the same table.
"""

from .models import CommitmentStatus as S

AUTHOR = "author"
REVIEWER = "reviewer"

ACTIONS = {
    "edit": (AUTHOR, None, (S.DRAFT, S.RETURNED)),
    "submit": (AUTHOR, S.SUBMITTED, (S.DRAFT, S.RETURNED)),
    "approve": (REVIEWER, S.PUBLISHED, (S.SUBMITTED,)),
    "return": (REVIEWER, S.RETURNED, (S.SUBMITTED,)),
    "progress": (REVIEWER, None, (S.PUBLISHED,)),
    "rate": (REVIEWER, None, (S.PUBLISHED,)),
}


def is_open(action, status):
    """Whether ``action`` may be taken from ``status`` (who aside)."""
    return status in ACTIONS[action][2]


def target(action, status):
    """The status after ``action`` from ``status`` (it stays for the actions that do not move it)."""
    return ACTIONS[action][1] or status


def already_done(commitment, action):
    """The meeting and the rating are recorded once per commitment."""
    if action == "progress":
        return hasattr(commitment, "fulfilment_review")
    if action == "rate":
        return hasattr(commitment, "year_end_rating")
    return False


def available_actions(commitment, user):
    """The steps ``user`` may take on ``commitment`` now; the pages show a button or form for these only.
    The user is assumed to see the commitment."""
    from . import selectors

    actions = set()
    is_author = commitment.cadre.user_id is not None and commitment.cadre.user_id == user.pk
    reviewer = None
    for action, (who, _target, sources) in ACTIONS.items():
        if commitment.status not in sources or already_done(commitment, action):
            continue
        if who == AUTHOR and is_author:
            actions.add(action)
        elif who == REVIEWER:
            if reviewer is None:
                reviewer = selectors.acts_on(user, commitment)
            if reviewer:
                actions.add(action)
    return actions
