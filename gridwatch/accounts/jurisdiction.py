"""Scope resolution: from a user's roles, grid posts and liaison links to what they may see."""

from gridwatch.core.scoping import Scope, get_scope, minimal_paths

from .roles import COUNTY_WIDE_ROLES, GRID_ROLES, Role

TEAM_ROLE_TO_ROLE = {
    "leader": Role.GRID_LEADER,
    "deputy": Role.GRID_DEPUTY,
    "supervisor": Role.GRID_SUPERVISOR,
}
# Roles that see the area they are held on and everything below it. A county-wide role covers the county it
# is held on, never another county of the same database (a province deployment). The administrator posts
# (ADMIN_ROLES) are not here: they see nothing of the registry (等保 level 3, ARCHITECTURE.md).
AREA_SCOPED_ROLES = COUNTY_WIDE_ROLES | {Role.TOWNSHIP_STAFF, Role.COMMUNITY_ORG, Role.LIAISON} | GRID_ROLES


def scope_for(user):
    """Three small queries, once per request (the result is cached on the user object)."""
    from gridwatch.geography.models import GridTeamMember, Liaison

    roles, cadre_ids, grants = set(), set(), []
    for ra in user.role_assignments.select_related("area").all():
        roles.add(ra.role)
        if ra.role in AREA_SCOPED_ROLES and ra.area_id:
            grants.append((ra.role, ra.area.path, None))
        elif ra.role == Role.UNIT_LIAISON:
            grants.append((ra.role, None, ra.unit_id))
    for post in GridTeamMember.objects.filter(user=user).select_related("grid"):
        role = TEAM_ROLE_TO_ROLE[post.role]
        roles.add(role)
        grants.append((role, post.grid.path, None))
    liaison = Liaison.objects.filter(user=user).select_related("grid").prefetch_related("townships").first()
    if liaison is not None:
        roles.add(Role.LIAISON)
        grants.append((Role.LIAISON, liaison.grid.path, None))
        grants.extend((Role.LIAISON, t.path, None) for t in liaison.townships.all())
    cadre = getattr(user, "cadre", None) if _has_cadre(user) else None
    if cadre is not None:
        roles.add(Role.CADRE)
        cadre_ids.add(cadre.pk)
    return Scope(
        area_paths=minimal_paths({path for _role, path, _unit in grants if path}),
        unit_ids=tuple(sorted({unit for _role, _path, unit in grants if unit is not None})),
        cadre_ids=tuple(cadre_ids),
        roles=frozenset(roles),
        grants=tuple(grants),
    )


def _has_cadre(user):
    from gridwatch.people.models import Cadre

    try:
        user.cadre  # noqa: B018
        return True
    except Cadre.DoesNotExist:
        return False


def user_roles(user):
    return set(get_scope(user).roles)


def has_role(user, *roles):
    return bool(user_roles(user) & set(roles))


def forget_scope(user):
    if hasattr(user, "_gridwatch_scope"):
        del user._gridwatch_scope
