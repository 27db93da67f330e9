from django.db.models import F


def end_user_sessions(user):
    """End every session of ``user`` at their next request (SessionPolicyMiddleware compares epochs)."""
    type(user).objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    if hasattr(user, "_gridwatch_scope"):
        del user._gridwatch_scope
