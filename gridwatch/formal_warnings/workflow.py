"""The warning notice workflow: in force → (the cadre appeals) appealed → withdrawn (appeal granted) or in
force again (appeal dismissed). The cadre acknowledges receipt (签收) once, before or after appealing, until
the notice is withdrawn. The follow-ups have their own, simpler life (open → done, or cancelled with the
notice) in the services.

``ACTIONS`` is the whole table: ``action -> (who, target status or None when the status stays, allowed
sources)``. ``available_actions`` decides which buttons the pages show; the services check the same table.
"""

from .models import NoticeStatus as S

CADRE = "cadre"
ISSUER = "issuer"

ACTIONS = {
    "acknowledge": (CADRE, None, (S.IN_FORCE, S.APPEALED)),
    "appeal": (CADRE, S.APPEALED, (S.IN_FORCE,)),
    "grant": (ISSUER, S.WITHDRAWN, (S.APPEALED,)),
    "dismiss": (ISSUER, S.IN_FORCE, (S.APPEALED,)),
}


def is_open(action, status):
    """Whether ``action`` may be taken from ``status`` (who aside)."""
    return status in ACTIONS[action][2]


def target(action, status):
    """The status after ``action`` from ``status`` (it stays for the actions that do not move it)."""
    return ACTIONS[action][1] or status


def already_done(notice, action):
    """The cadre acknowledges once and appeals once."""
    if action == "acknowledge":
        return notice.acknowledged_at is not None
    if action == "appeal":
        return notice.appealed_at is not None
    return False


def available_actions(notice, user, *, issuer=None):
    """The steps ``user`` may take on ``notice`` now; the pages show a button or form for these only. The
    user is assumed to see the notice. ``issuer``: ``selectors.issues_for(user, notice.cadre)`` when the
    page knows it already (looked up when needed otherwise)."""
    from . import selectors

    actions = set()
    is_cadre = notice.cadre.user_id is not None and notice.cadre.user_id == user.pk
    for action, (who, _target, sources) in ACTIONS.items():
        if notice.status not in sources or already_done(notice, action):
            continue
        if who == CADRE and is_cadre:
            actions.add(action)
        elif who == ISSUER:
            if issuer is None:
                issuer = selectors.issues_for(user, notice.cadre)
            if issuer:
                actions.add(action)
    return actions


def decision_action(decision):
    from .models import AppealDecision

    return "grant" if decision == AppealDecision.GRANTED else "dismiss"
