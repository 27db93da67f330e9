"""Reads of the sentiment diary. Each starts from ``diary_entries_for``: the user's jurisdiction (the
entry's grid) minus the entries about a cadre the user is conflicted with (回避): the selector, not the
view, is where recusal holds, as for reports."""

import datetime

from django.db.models import Q

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from .models import DiaryEntry


def diary_entries_for(user):
    """The entries ``user`` may read: their jurisdiction, less the entries about a cadre they are conflicted
    with, whether the entry names the cadre or the case it became does (the case's subject may be linked
    later, in triage)."""
    conflicted = conflicted_cadres(user)
    return (
        DiaryEntry.objects.for_user(user)
        .exclude(cadre_id__in=conflicted)
        .exclude(report__subject_cadre_id__in=conflicted)
    )


def month_range(month):
    """``(first day, first day of the next month)`` of the month that ``month`` (a date) falls in."""
    start = month.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


def diary_list(*, user, grid=None, month=None, cadre=None):
    """The entries ``user`` may read, newest visit first; ``grid`` an Area, ``month`` a date inside the
    month, ``cadre`` a cadre's id. Without whom the team talked to (the list shows what was heard only:
    nothing else is decrypted for it)."""
    qs = diary_entries_for(user)
    if grid is not None:
        qs = qs.filter(grid=grid)
    if month is not None:
        start, following = month_range(month)
        qs = qs.filter(visited_on__gte=start, visited_on__lt=following)
    if cadre is not None:
        qs = qs.filter(cadre_id=cadre)
    return (
        qs.defer("people_met")
        .select_related("grid__parent", "cadre__unit", "author")
        .order_by("-visited_on", "-created_at", "id")
    )


def diary_grids(user):
    """The grids of the user's jurisdiction, for the list's grid filter."""
    return Area.objects.for_user(user).filter(level=Level.GRID).select_related("parent").order_by("path")


def diary_cadres(user, *, grid=None):
    """The cadres that entries the user may read are about, for the list's cadre filter."""
    entries = diary_entries_for(user).filter(cadre__isnull=False)
    if grid is not None:
        entries = entries.filter(grid=grid)
    return (
        Cadre.objects.filter(id__in=entries.values("cadre_id"))
        .select_related("unit")
        .order_by("name_pinyin", "id")
    )


def writer_grids(user):
    """The grids ``user`` holds a grid-team post in: where they may write diary entries."""
    return (
        Area.objects.filter(level=Level.GRID, team_members__user=user)
        .select_related("parent")
        .order_by("path")
    )


def cadre_choices(user, grids, *, keep=None):
    """The serving cadres supervised in ``grids`` that ``user`` may write about (not those they are
    conflicted with); ``keep`` is the cadre an entry already names, kept in the list even if they have left
    since."""
    wanted = Q(supervising_grid__in=grids, status=CadreStatus.SERVING)
    if keep is not None:
        wanted |= Q(pk=keep)
    return (
        Cadre.objects.filter(wanted)
        .exclude(id__in=conflicted_cadres(user))
        .select_related("unit", "supervising_grid")
        .order_by("name_pinyin", "id")
    )


def may_edit(user, entry):
    return entry.author_id == user.pk and entry.report_id is None


def may_convert(user, entry):
    """Whether ``user`` (who can read ``entry``) may turn it into a case: its author, the leader of its grid,
    or township or county commission staff whose area holds the grid. The entry's state is not looked at
    here: a converted entry is refused by the service, with its own message."""
    if entry.author_id == user.pk:
        return True
    if GridTeamMember.objects.filter(user=user, grid_id=entry.grid_id, role=TeamRole.LEADER).exists():
        return True
    paths = RoleAssignment.objects.filter(
        user=user, role__in=[Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF], area__isnull=False
    ).values_list("area__path", flat=True)
    return any(entry.grid.path.startswith(path) for path in paths)
