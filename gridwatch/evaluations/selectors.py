"""Reads of evaluations. Staff reads start from ``evaluations_for`` (jurisdiction: the campaign's
community). Results are read by ``campaign_tally``: three queries for a whole campaign, whatever the number
of cadres, groups and ballots (one grouped aggregate over the counters). Before publication a reader does
not see the results of a cadre they are conflicted with (回避); published results are public."""

import functools
import re
import uuid
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.cases.selectors import conflicted_cadres, covering_paths
from gridwatch.people.models import Cadre, Unit

from . import tally
from .models import (
    NOT_VALID,
    SCALE_OPTIONS,
    BallotCount,
    DualEvaluation,
    EvaluatedCadre,
    Evaluation,
    EvaluatorGroup,
    PaperBallot,
    Status,
)
from .roles import DUAL_READERS, MANAGERS, PUBLISHERS


def evaluations_for(user):
    return Evaluation.objects.for_user(user).select_related("community__parent")


def _holds(user, roles, path):
    if user is None or not user.is_authenticated:
        return False
    return RoleAssignment.objects.filter(
        user=user, role__in=list(roles), area__path__in=covering_paths(path)
    ).exists()


def manages(user, evaluation):
    """The community party organisation of the campaign's community, or county staff above it."""
    return _holds(user, MANAGERS, evaluation.community.path)


def publishes(user, evaluation):
    return _holds(user, PUBLISHERS, evaluation.community.path)


def evaluation_list(*, user, year=None):
    qs = evaluations_for(user)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "community__path")


def campaign_groups(evaluation):
    return list(EvaluatorGroup.objects.filter(evaluation=evaluation).order_by("kind"))


def campaign_cadres(evaluation):
    """The cadres on the ballot, in ballot order, with only the fields the pages show (the phone, encrypted,
    is not read)."""
    return [
        e.cadre
        for e in EvaluatedCadre.objects.filter(evaluation=evaluation)
        .select_related("cadre__unit")
        .only(
            "position",
            "cadre__id",
            "cadre__name",
            "cadre__name_pinyin",
            "cadre__position",
            "cadre__unit__name",
        )
        .order_by("position")
    ]


class UnitRef(NamedTuple):
    name: str


class CadreRef(NamedTuple):
    """What a result shows of a cadre (a model instance costs more to build than the tally's query)."""

    pk: uuid.UUID
    name: str
    name_pinyin: str
    position: str
    unit: UnitRef


@functools.cache
def _rows_sql(scale, vendor):
    """The tally's one statement for a scale: the counters summed per group, cadre and dimension with a sum
    per option (a narrow GROUP BY), then joined to the groups, cadres and units (240 rows for 20 cadres,
    not 1,200). The options come from the code, never from a user, and are written in as literals (SQLite
    runs SUM(CASE …) with bound values markedly slower); the campaign's key is the one parameter."""
    q = connection.ops.quote_name
    options = [*SCALE_OPTIONS[scale], *NOT_VALID]
    for option in options:
        if not re.fullmatch(r"[a-z_]+", option):
            raise ValueError(option)
    counts = BallotCount._meta.db_table
    sums = ", ".join(
        f"SUM(CASE WHEN {q('option')} = '{o}' THEN {q('count')} ELSE 0 END) AS {q('n_' + o)}" for o in options
    )
    return (
        f"SELECT t.{q('group_id')}, g.{q('kind')}, g.{q('weight')}, g.{q('expected')}, g.{q('cast')}, "
        f"t.{q('cadre_id')}, c.{q('name')}, c.{q('name_pinyin')}, c.{q('position')}, u.{q('name')}, "
        f"t.{q('dimension')}, " + ", ".join(f"t.{q('n_' + o)}" for o in options) + " "
        f"FROM (SELECT {q('group_id')}, {q('cadre_id')}, {q('dimension')}, {sums} FROM {q(counts)} "
        f"WHERE {q('evaluation_id')} = %s GROUP BY {q('group_id')}, {q('cadre_id')}, {q('dimension')}) t "
        f"JOIN {q(EvaluatorGroup._meta.db_table)} g ON g.{q('id')} = t.{q('group_id')} "
        f"JOIN {q(Cadre._meta.db_table)} c ON c.{q('id')} = t.{q('cadre_id')} "
        f"JOIN {q(Unit._meta.db_table)} u ON u.{q('id')} = c.{q('unit_id')}"
    )


WEIGHT_STEP = Decimal("0.01")


def campaign_rows(evaluation):
    """ONE statement (``_rows_sql``) read as plain tuples: returns ``(groups, cadres, counts)`` for
    ``tally.compute``, the cadres in no particular order (the tally ranks them)."""
    options = [*SCALE_OPTIONS[evaluation.scale], *NOT_VALID]
    key = Evaluation._meta.pk.get_db_prep_value(evaluation.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(evaluation.scale, connection.vendor), [key])
        rows = cursor.fetchall()
    groups, cadres, counts = {}, {}, {}
    for (
        group_id,
        kind,
        weight,
        expected,
        cast,
        cadre_id,
        name,
        pinyin,
        position,
        unit,
        dimension,
        *ns,
    ) in rows:
        if group_id not in groups:
            groups[group_id] = EvaluatorGroup(
                pk=group_id,
                kind=kind,
                weight=Decimal(str(weight)).quantize(WEIGHT_STEP),
                expected=expected,
                cast=cast,
            )
        cadre = cadres.get(cadre_id)
        if cadre is None:
            pk = cadre_id if isinstance(cadre_id, uuid.UUID) else uuid.UUID(cadre_id)
            cadre = cadres[cadre_id] = CadreRef(pk, name, pinyin, position, UnitRef(unit))
        counts[(group_id, cadre.pk, dimension)] = dict(zip(options, ns, strict=True))
    return sorted(groups.values(), key=lambda g: g.kind), list(cadres.values()), counts


def campaign_tally(evaluation, *, user=None):
    """The tally (``tally.Result``) of a campaign: one query (two with recusal), whatever its size."""
    groups, cadres, counts = campaign_rows(evaluation)
    if user is not None and evaluation.status != Status.PUBLISHED:
        hidden = set(
            Cadre.objects.filter(id__in=conflicted_cadres(user))
            .filter(id__in=[c.pk for c in cadres])
            .values_list("id", flat=True)
        )
        cadres = [c for c in cadres if c.pk not in hidden]
    return tally.compute(evaluation, groups, cadres, counts=counts)


def pending_paper(evaluation):
    return PaperBallot.objects.filter(evaluation=evaluation).select_related("group", "entered_by")


def public_evaluations(community):
    """Published campaigns of a community, newest first: the public results page reads only these."""
    return Evaluation.objects.filter(community=community, status=Status.PUBLISHED).order_by("-year")


def eligible_cadres(community):
    """Serving cadres supervised in the community's grids: who a campaign may evaluate."""
    return (
        Cadre.objects.filter(supervising_path__startswith=community.path, status="serving")
        .select_related("unit", "supervising_grid")
        .order_by("supervising_path", "name_pinyin", "id")
    )


def grade_cadres(user):
    """The serving cadres whose unit grade ``user`` may enter, the one rule the page, the Excel table and the
    services check: county staff the cadres of their jurisdiction, a unit liaison their unit's cadres only,
    even where another role of theirs (township staff, a grid team) lets them see more."""
    cadres = Cadre.objects.for_user(user).filter(status="serving")
    if not has_role(user, Role.COUNTY_STAFF):
        units = RoleAssignment.objects.filter(user=user, role=Role.UNIT_LIAISON).values("unit_id")
        cadres = cadres.filter(unit_id__in=units)
    return cadres.select_related("unit").order_by("unit__name", "name_pinyin", "id")


def dual_list(*, user, year):
    return (
        DualEvaluation.objects.for_user(user)
        .filter(year=year)
        .select_related("cadre__unit", "cadre__supervising_grid__parent", "evaluation")
        .order_by("cadre__unit__name", "cadre__name_pinyin", "cadre_id")
    )


def reads_dual(user):
    from gridwatch.accounts.jurisdiction import has_role

    return has_role(user, *DUAL_READERS)
