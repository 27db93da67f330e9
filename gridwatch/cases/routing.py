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

from dataclasses import dataclass

from django.db.models import CharField, Value

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import UnitKind

from .models import RoutedBecause
from .selectors import conflicted_user_sources


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


# The tags of the five parts of ``level_conflicts``' query.
CONFLICTED, TEAM, OFFICER = "conflicted", "team", "officer"


def level_conflicts(cadre, *, township, grid_id=None):
    """The conflicts of the township at path ``township`` and of the grid ``grid_id`` with ``cadre``: one
    query of five plain parts (the three sources of ``conflicted_user_sources``, the grid's active team, the
    township's active commission officers), whatever the size of the teams; the cadre's unit (and, for a
    township's own unit, its area) costs a query more each where the caller did not select it with the
    cadre, as the mailbox does."""
    tagged = [
        source.values_list(Value(tag, output_field=CharField()), "user_id")
        for tag, source in (
            *((CONFLICTED, part) for part in conflicted_user_sources(cadre)),
            (TEAM, GridTeamMember.objects.filter(grid_id=grid_id, user__is_active=True).order_by()),
            (
                OFFICER,
                RoleAssignment.objects.filter(
                    role=Role.TOWNSHIP_STAFF, area__path=township, user__is_active=True
                ).order_by(),
            ),
        )
    ]
    users = {CONFLICTED: set(), TEAM: set(), OFFICER: set()}
    for tag, user_id in tagged[0].union(*tagged[1:], all=True):
        users[tag].add(user_id)
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
