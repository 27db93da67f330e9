"""Where a report goes (R16): the grid that supervises the subject cadre, never the subject's own unit,
and one level up when a whole level is conflicted (回避).

A level is conflicted with a cadre when everyone who would handle the report there is (``selectors.
conflicted_user_sources``: the cadre themselves, a cadre of the same unit, the unit's liaison, a declared relation):

- the grid, when every active member of its supervision group is: the report goes to the township;
- the township, when the cadre is one of its own (their unit is the township's party committee and
  government, e.g. the party secretary) or every active township commission officer is conflicted: the
  report goes to the county commission, and nobody of the township or its grids sees it.

A level without anyone (no team yet, no township officer) is not conflicted: the report stays, and the
levels above see it as they see everything below them. Individuals conflicted at a level that is not wholly
conflicted are left out by ``selectors.reports_for`` (recusal). Units never see reports at all
(``Report.jurisdiction`` is by area only).
"""

import functools
from dataclasses import dataclass

from django.db import connection

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import UnitKind

from .models import RoutedBecause


def county_path(path):
    """The path of the county an area path lies in."""
    return path.split("/", 1)[0] + "/"


def township_path(path):
    """The path of the township an area path lies in (the county's own path for the county)."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2]) + "/" if len(parts) >= 2 else path


@dataclass(frozen=True)
class Conflicts:
    """Which levels may not handle a report about one cadre."""

    own_township: bool = False  # the cadre is one of the township's own
    township_staff: bool = False  # every township commission officer is conflicted
    grid: bool = False  # every member of the grid's supervision group is conflicted

    @property
    def township(self):
        return self.own_township or self.township_staff


# The tags of the five parts of ``level_conflicts``' statement.
CONFLICTED, TEAM, OFFICER = "conflicted", "team", "officer"


@functools.cache
def _level_conflicts_sql():
    """The statement of ``level_users``, written once. Its first three parts are the three sources of
    ``selectors.conflicted_user_sources`` (the same filters: ``test_routing`` checks that both name the same
    users); the statement is written by hand because building the five querysets and their union cost a
    grid report more CPU time (about 1.3 ms) than running it (docs/performance.md, "Report POST")."""
    from gridwatch.accounts.models import User
    from gridwatch.geography.models import Area
    from gridwatch.people.models import Cadre, DeclaredRelation

    q = connection.ops.quote_name

    def table(model):
        return q(model._meta.db_table)

    def column(model, field):
        return q(model._meta.get_field(field).column)

    cadre, role, relation = Cadre, RoleAssignment, DeclaredRelation
    member, user, area = GridTeamMember, User, Area
    return (
        f"SELECT '{CONFLICTED}', {column(cadre, 'user')} FROM {table(cadre)}"
        f" WHERE {column(cadre, 'unit')} = %(unit)s AND {column(cadre, 'user')} IS NOT NULL"
        f" UNION ALL SELECT '{CONFLICTED}', {column(role, 'user')} FROM {table(role)}"
        f" WHERE {column(role, 'role')} = %(liaison)s AND {column(role, 'unit')} = %(unit)s"
        f" UNION ALL SELECT '{CONFLICTED}', {column(relation, 'user')} FROM {table(relation)}"
        f" WHERE {column(relation, 'cadre')} = %(cadre)s"
        f" UNION ALL SELECT '{TEAM}', m.{column(member, 'user')} FROM {table(member)} m"
        f" INNER JOIN {table(user)} u ON u.{column(user, 'id')} = m.{column(member, 'user')}"
        f" WHERE m.{column(member, 'grid')} = %(grid)s AND u.{column(user, 'is_active')} = %(active)s"
        f" UNION ALL SELECT '{OFFICER}', r.{column(role, 'user')} FROM {table(role)} r"
        f" INNER JOIN {table(area)} a ON a.{column(area, 'id')} = r.{column(role, 'area')}"
        f" INNER JOIN {table(user)} u ON u.{column(user, 'id')} = r.{column(role, 'user')}"
        f" WHERE r.{column(role, 'role')} = %(officer)s AND a.{column(area, 'path')} = %(township)s"
        f" AND u.{column(user, 'is_active')} = %(active)s"
    )


def level_users(cadre, *, township, grid_id=None):
    """The users behind ``level_conflicts``, by tag: ``CONFLICTED`` (conflicted with ``cadre``), ``TEAM``
    (the active members of the grid ``grid_id``'s supervision group) and ``OFFICER`` (the active commission
    officers of the township at path ``township``). One statement, whatever the size of the teams."""
    from gridwatch.people.models import Cadre

    def prep(field, value):
        return Cadre._meta.get_field(field).get_db_prep_value(value, connection)

    params = {
        "unit": prep("unit", cadre.unit_id),
        "cadre": prep("id", cadre.pk),
        "grid": grid_id,
        "liaison": str(Role.UNIT_LIAISON),
        "officer": str(Role.TOWNSHIP_STAFF),
        "township": township,
        "active": True,
    }
    users = {CONFLICTED: set(), TEAM: set(), OFFICER: set()}
    with connection.cursor() as cursor:
        cursor.execute(_level_conflicts_sql(), params)
        for tag, user_id in cursor.fetchall():
            users[tag].add(user_id)
    return users


def level_conflicts(cadre, *, township, grid_id=None):
    """The conflicts of the township at path ``township`` and of the grid ``grid_id`` with ``cadre``: one
    statement (``level_users``); the cadre's unit (and, for a township's own unit, its area) costs a query
    more each where the caller did not select it with the cadre, as the mailbox does."""
    users = level_users(cadre, township=township, grid_id=grid_id)
    conflicted, team, officers = users[CONFLICTED], users[TEAM], users[OFFICER]
    unit = cadre.unit
    return Conflicts(
        own_township=unit.kind == UnitKind.TOWNSHIP and unit.area.path == township,
        township_staff=bool(officers) and officers <= conflicted,
        grid=grid_id is not None and bool(team) and team <= conflicted,
    )


def route(*, subject_cadre, grid, fallback_path, fallback_because):
    """``(supervising_path, routed_because)`` for a report about ``subject_cadre`` (or a named person not in
    the registry) filed from ``grid``; ``fallback_path`` when neither gives a place. One query for a cadre
    (``level_conflicts``), none otherwise."""
    if subject_cadre is not None:
        path = subject_cadre.supervising_path
        township = township_path(path)
        conflicts = level_conflicts(
            subject_cadre, township=township, grid_id=subject_cadre.supervising_grid_id
        )
        if conflicts.township:
            return county_path(path), RoutedBecause.TOWNSHIP_CONFLICTED
        if conflicts.grid:
            return township, RoutedBecause.GRID_CONFLICTED
        return path, RoutedBecause.SUBJECT_GRID
    if grid is not None:
        return grid.path, RoutedBecause.FILED_GRID
    return fallback_path, fallback_because
