"""The home page: what the signed-in user holds and a few figures of their jurisdiction.

Apps above ``accounts`` put what waits for the user on the home page (a warning notice to acknowledge, a
follow-up the unit owes) through ``register_home_item``: a provider ``provider(user, scope)`` returns ``None``
or an item ``{"url", "title", "meta", "badge", "urgent"}``; it costs a fixed number of queries and none for
a user it has nothing for (decide on ``scope.roles`` first).
"""

from gridwatch.core.pagination import COUNT_CAP
from gridwatch.core.scoping import get_scope
from gridwatch.geography.models import Area, Level
from gridwatch.people.models import Cadre

from .models import Notification
from .roles import GRID_ROLES, REGISTRY_READERS, Role

_home_items = []


def register_home_item(provider):
    """Add ``provider`` to the home page (once). Usable as a decorator."""
    if provider not in _home_items:
        _home_items.append(provider)
    return provider


def home_context(user):
    scope = get_scope(user)
    roles = sorted(scope.roles)
    context = {
        "role_labels": [Role(r).label for r in roles],
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "scope": scope,
        # Grid teams keep the sentiment diary (R14): its form is one tap from home.
        "diary_writer": bool(scope.roles & GRID_ROLES),
        # "This month at a glance" links the readers of the analysis pack to it (the roles of
        # gridwatch.dashboard.roles.PACK_READERS: accounts may not import from dashboard).
        "pack_reader": bool(
            scope.roles & {Role.OFFICE, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.LIAISON}
        ),
    }
    context["home_items"] = [item for provider in _home_items if (item := provider(user, scope)) is not None]
    # A cadre whose only role is being a cadre reads their own file, not the registry.
    context["own_file"] = Role.CADRE in scope.roles
    if context["own_file"] and scope.cadre_ids:
        # Imported here: cases builds on accounts, not the other way round.
        from gridwatch.cases.clarifications import findings_count

        context["findings_count"] = findings_count(scope.cadre_ids[0])
    if scope.is_empty or not scope.roles & set(REGISTRY_READERS):
        return context
    cadres = Cadre.objects.for_user(user)
    context["cadre_count"] = cadres[: COUNT_CAP * 100 + 1].count()
    # A unit liaison's jurisdiction is their unit: its cadres, and no grid.
    context["unit_only"] = not scope.area_paths
    if not context["unit_only"]:
        context["grid_count"] = Area.objects.for_user(user).filter(level=Level.GRID).count()
    context["my_areas"] = (
        Area.objects.filter(path__in=scope.area_paths).select_related("parent") if scope.area_paths else []
    )
    return context
