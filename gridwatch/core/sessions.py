from django.contrib.auth import get_user_model
from django.db.models import F


def end_user_sessions(user):
    """End every session of ``user`` at their next request (SessionPolicyMiddleware compares epochs).

    ``user`` may be ``request.user`` (a lazy object), so the model is not taken from ``type(user)``."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    if hasattr(user, "_gridwatch_scope"):
        del user._gridwatch_scope
