"""The life of one version of a standard (亮标准, R8): a draft is written, edited, published or deleted; a
version in force is replaced by publishing a new version (its draft made with ``new_version``) or
withdrawn. Superseded and withdrawn versions are final.

``ACTIONS``: action -> (target status, statuses it starts from). ``available_actions`` decides which
buttons the editor's page shows; the services check the same table."""

from ..models import StandardStatus

DRAFT, PUBLISHED = StandardStatus.DRAFT, StandardStatus.PUBLISHED
SUPERSEDED, WITHDRAWN = StandardStatus.SUPERSEDED, StandardStatus.WITHDRAWN

ACTIONS = {
    "edit": (DRAFT, {DRAFT}),
    "delete": (None, {DRAFT}),
    "publish": (PUBLISHED, {DRAFT}),
    "new_version": (DRAFT, {PUBLISHED}),  # the new version is a draft; the one in force stays in force
    "withdraw": (WITHDRAWN, {PUBLISHED}),
}


def is_open(action, status):
    return status in ACTIONS[action][1]


def target(action):
    return ACTIONS[action][0]


def available_actions(standard, *, may_edit, has_draft=False):
    """The actions on ``standard`` (one version) for an editor (``may_edit``) of its area. A document has
    at most one draft: while there is one, a new version is made by editing that draft."""
    if not may_edit:
        return set()
    actions = {action for action in ACTIONS if is_open(action, standard.status)}
    if has_draft:
        actions.discard("new_version")
    return actions
