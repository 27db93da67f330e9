"""Writes of democratic evaluation (民主测评, R8) and the dual evaluation (双向考评, R17). Each is atomic and
audited. No audit event ever holds a ballot code or what a voter chose (SECURITY.md item 8): a vote is
audited as "a ballot was cast in this campaign", nothing more."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.geography.models import Level
from gridwatch.people.models import Cadre, CadreFileEntry, FileEntryKind

from . import codes, selectors, workflow
from .models import (
    NOT_VALID,
    SCALE_OPTIONS,
    BallotCode,
    BallotCount,
    DualEvaluation,
    EvaluatedCadre,
    Evaluation,
    EvaluationTransition,
    EvaluatorGroup,
    Formula,
    GroupKind,
    Option,
    PaperBallot,
    Scale,
    Status,
    UnitGrade,
)

MAX_CODES_PER_BATCH = 500
MAX_CADRES = 60
TITLE_MAX_LENGTH = 100


def _decimal(value, default):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(default)


# ------------------------------------------------------------------------------------------ campaign


@transaction.atomic
def evaluation_create(*, actor, community, year, title, scale, formula=None, cadres, groups):
    """A draft campaign. ``groups``: ``[(kind, weight, expected), …]``; ``cadres``: Cadre rows supervised
    in the community's grids."""
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), field="community")
    probe = Evaluation(community=community)
    if not selectors.manages(actor, probe):
        raise NotPermitted
    title = (title or "").strip()[:TITLE_MAX_LENGTH]
    if not title:
        raise ValidationFailed(_("Give the campaign a title."), field="title")
    this_year = timezone.localdate().year
    if not year or not (this_year - 1 <= int(year) <= this_year + 1):
        raise ValidationFailed(_("Choose this year, last year or next year."), field="year")
    if scale not in Scale.values:
        raise ValidationFailed(_("Choose the scale of the ballot."), field="scale")
    formula = formula or settings.GRIDWATCH_EVALUATION_FORMULA
    if formula not in Formula.values:
        raise ValidationFailed(_("Choose how the satisfaction rate is computed."), field="formula")
    if Evaluation.objects.filter(community=community, year=year).exists():
        raise ValidationFailed(_("This community already has a campaign for that year."), field="year")
    cadres = list(dict.fromkeys(cadres))
    if not cadres:
        raise ValidationFailed(_("Choose at least one cadre to evaluate."), field="cadres")
    if len(cadres) > MAX_CADRES:
        raise ValidationFailed(
            _("A campaign can evaluate %(max)s cadres at most.") % {"max": MAX_CADRES}, field="cadres"
        )
    eligible = set(selectors.eligible_cadres(community).values_list("id", flat=True))
    if any(c.pk not in eligible for c in cadres):
        raise ValidationFailed(
            _("Choose serving cadres supervised in this community's grids."), field="cadres"
        )
    cleaned = {}
    for kind, weight, expected in groups:
        if kind not in GroupKind.values:
            continue
        weight = _decimal(weight, "0")
        if weight <= 0 or weight > 10:
            raise ValidationFailed(_("Give each group a weight above 0 and at most 10."), field="groups")
        if not expected or int(expected) < 1:
            raise ValidationFailed(_("Give how many evaluators each group has."), field="groups")
        cleaned[kind] = (weight, int(expected))
    if not cleaned:
        raise ValidationFailed(_("Choose at least one evaluator group."), field="groups")
    evaluation = Evaluation.objects.create(
        community=community,
        year=int(year),
        title=title,
        scale=scale,
        formula=formula,
        min_group_ballots=settings.GRIDWATCH_EVALUATION_MIN_BALLOTS,
        flag_negative_share=_decimal(settings.GRIDWATCH_EVALUATION_FLAG_NEGATIVE_SHARE, "0.333"),
        flag_positive_below=_decimal(settings.GRIDWATCH_EVALUATION_FLAG_POSITIVE_BELOW, "0.667"),
        created_by=actor,
    )
    EvaluatedCadre.objects.bulk_create(
        EvaluatedCadre(evaluation=evaluation, cadre=c, position=i) for i, c in enumerate(cadres, start=1)
    )
    EvaluatorGroup.objects.bulk_create(
        EvaluatorGroup(evaluation=evaluation, kind=k, weight=w, expected=e) for k, (w, e) in cleaned.items()
    )
    audit_log(
        actor=actor,
        action="evaluation.create",
        obj=evaluation,
        changes={"community": community.code, "year": evaluation.year, "cadres": len(cadres), "scale": scale},
    )
    return evaluation


def _begin(actor, evaluation, action):
    locked = (
        Evaluation.objects.select_for_update(of=("self",)).select_related("community").get(pk=evaluation.pk)
    )
    who = workflow.ACTIONS[action][0]
    allowed = (
        selectors.manages(actor, locked) if who == workflow.MANAGER else selectors.publishes(actor, locked)
    )
    if not allowed:
        raise NotPermitted
    if not workflow.is_open(action, locked.status):
        raise ValidationFailed(
            _("This step is not possible now: the campaign is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _move(evaluation, *, actor, action):
    before = evaluation.status
    evaluation.status = workflow.target(action, before)
    day = timezone.localdate()
    stamp = {"open": "opened_on", "close": "closed_on", "publish": "published_on"}[action]
    setattr(evaluation, stamp, day)
    evaluation.save(update_fields=["status", stamp, "updated_at"])
    EvaluationTransition.objects.create(
        evaluation=evaluation,
        action=action,
        from_status=before,
        to_status=evaluation.status,
        actor=actor,
        at=timezone.now(),
    )
    return before


@transaction.atomic
def codes_generate(*, actor, evaluation, group, count):
    """``count`` new single-use codes for ``group``; returns them (they are shown once, never again)."""
    evaluation = _begin(actor, evaluation, "codes")
    if group.evaluation_id != evaluation.pk:
        raise NotPermitted
    if not count or not (1 <= int(count) <= MAX_CODES_PER_BATCH):
        raise ValidationFailed(
            _("Print between 1 and %(max)s codes at a time.") % {"max": MAX_CODES_PER_BATCH}, field="count"
        )
    batch = (
        BallotCode.objects.filter(evaluation=evaluation)
        .order_by("-batch")
        .values_list("batch", flat=True)
        .first()
        or 0
    ) + 1
    new = []
    while len(new) < int(count):
        code = codes.code_new()
        if code not in new:
            new.append(code)
    BallotCode.objects.bulk_create(
        BallotCode(evaluation=evaluation, group=group, code_hash=codes.code_hash(c), batch=batch) for c in new
    )
    audit_log(
        actor=actor,
        action="evaluation.codes",
        obj=evaluation,
        changes={"group": group.kind, "count": len(new), "batch": batch},
    )
    return new


@transaction.atomic
def evaluation_open(*, actor, evaluation):
    """Opens voting: the counters of every group, cadre, dimension and option are created at zero, once."""
    evaluation = _begin(actor, evaluation, "open")
    groups = selectors.campaign_groups(evaluation)
    cadres = selectors.campaign_cadres(evaluation)
    options = [*SCALE_OPTIONS[evaluation.scale], *NOT_VALID]
    from .models import Dimension

    BallotCount.objects.bulk_create(
        BallotCount(evaluation=evaluation, group=g, cadre=c, dimension=d, option=o)
        for g in groups
        for c in cadres
        for d in Dimension.values
        for o in options
    )
    before = _move(evaluation, actor=actor, action="open")
    audit_log(
        actor=actor, action="evaluation.open", obj=evaluation, changes={"status": [before, evaluation.status]}
    )
    return evaluation


def _clean_choices(evaluation, choices, *, cadre_ids):
    """``choices``: ``{cadre id (str): {dimension: option}}``, complete; returns the set of
    ``(cadre_id, dimension, option)``."""
    from .models import Dimension

    allowed = {*SCALE_OPTIONS[evaluation.scale], Option.UNKNOWN}
    picked = set()
    for cadre_id in cadre_ids:
        row = choices.get(str(cadre_id)) or {}
        for dimension in Dimension.values:
            option = row.get(dimension)
            if option not in allowed:
                raise ValidationFailed(
                    _("Give an answer for every cadre and every question (or “Don't know”).")
                )
            picked.add((cadre_id, dimension, option))
    return picked


def _count(evaluation, group, picked):
    q = Q()
    for cadre_id, dimension, option in picked:
        q |= Q(cadre_id=cadre_id, dimension=dimension, option=option)
    updated = BallotCount.objects.filter(q, evaluation=evaluation, group=group).update(count=F("count") + 1)
    if updated != len(picked):  # the counters exist from the opening: anything else is a broken campaign
        raise ValidationFailed(_("The ballot could not be counted. Please tell the organisers."))
    EvaluatorGroup.objects.filter(pk=group.pk).update(cast=F("cast") + 1)


def _cadre_ids(evaluation):
    return list(
        EvaluatedCadre.objects.filter(evaluation=evaluation)
        .order_by("position")
        .values_list("cadre_id", flat=True)
    )


def code_lookup(code):
    """The open campaign and group of an unused code, or ``None`` (unknown, used, malformed and closed
    answer alike)."""
    code = codes.code_normalise(code)
    if code is None:
        return None
    return (
        BallotCode.objects.filter(code_hash=codes.code_hash(code), used=False, evaluation__status=Status.OPEN)
        .select_related("evaluation__community", "group")
        .first()
    )


@transaction.atomic
def ballot_cast(*, code, choices):
    """Counts one ballot for the holder of ``code`` and uses the code up. Returns the campaign."""
    code = codes.code_normalise(code)
    row = None
    if code is not None:
        row = (
            BallotCode.objects.select_for_update()
            .filter(code_hash=codes.code_hash(code), used=False, evaluation__status=Status.OPEN)
            .first()
        )
    if row is None:
        raise ValidationFailed(_("This ballot code is not valid, or it has been used already."), field="code")
    evaluation = Evaluation.objects.select_for_update(of=("self",)).get(pk=row.evaluation_id)
    if evaluation.status != Status.OPEN:
        raise ValidationFailed(_("This ballot code is not valid, or it has been used already."), field="code")
    picked = _clean_choices(evaluation, choices, cadre_ids=_cadre_ids(evaluation))
    BallotCode.objects.filter(pk=row.pk).update(used=True)
    _count(evaluation, row.group, picked)
    audit_log(actor=None, action="evaluation.vote", obj=evaluation, changes={})
    return evaluation


@transaction.atomic
def paper_enter(*, actor, evaluation, code, choices, spoilt=False):
    """The first of two staff members types in a paper ballot (its slip's code and marks); it counts only
    once a second confirms it. The code is used up now, so the slip cannot also vote online."""
    evaluation = _begin(actor, evaluation, "paper")
    normal = codes.code_normalise(code)
    row = None
    if normal is not None:
        row = (
            BallotCode.objects.select_for_update()
            .filter(code_hash=codes.code_hash(normal), used=False, evaluation=evaluation)
            .first()
        )
    if row is None:
        raise ValidationFailed(_("This ballot code is not valid, or it has been used already."), field="code")
    cadre_ids = _cadre_ids(evaluation)
    if spoilt:
        stored = {}
    else:
        allowed = {*SCALE_OPTIONS[evaluation.scale], Option.UNKNOWN, Option.INVALID}
        from .models import Dimension

        stored = {}
        for cadre_id in cadre_ids:
            marks = choices.get(str(cadre_id)) or {}
            for dimension in Dimension.values:
                option = marks.get(dimension)
                if option not in allowed:
                    raise ValidationFailed(
                        _("Give every mark of the slip: an option, “Don't know” or “Invalid”.")
                    )
                stored.setdefault(str(cadre_id), {})[dimension] = option
    BallotCode.objects.filter(pk=row.pk).update(used=True)
    paper = PaperBallot.objects.create(
        evaluation=evaluation,
        group=row.group,
        code_hash=row.code_hash,
        spoilt=bool(spoilt),
        choices=stored,
        entered_by=actor,
    )
    audit_log(actor=actor, action="evaluation.paper_enter", obj=evaluation, changes={"group": row.group.kind})
    return paper


@transaction.atomic
def paper_confirm(*, actor, paper):
    """A second staff member confirms a typed-in paper ballot: it is counted and its row deleted."""
    paper = PaperBallot.objects.select_for_update().select_related("group").get(pk=paper.pk)
    evaluation = _begin(actor, paper.evaluation, "paper")
    if paper.entered_by_id == actor.pk:
        raise ValidationFailed(_("Another person must confirm the ballot you entered."))
    from .models import Dimension

    cadre_ids = _cadre_ids(evaluation)
    if paper.spoilt:
        picked = {(c, d, Option.INVALID) for c in cadre_ids for d in Dimension.values}
    else:
        picked = {(c, d, paper.choices[str(c)][d]) for c in cadre_ids for d in Dimension.values}
    _count(evaluation, paper.group, picked)
    paper.delete()
    audit_log(actor=actor, action="evaluation.paper_confirm", obj=evaluation, changes={})
    return evaluation


@transaction.atomic
def paper_discard(*, actor, paper):
    """A typed-in paper ballot that does not match its slip is discarded; its code may be typed in again."""
    paper = PaperBallot.objects.select_for_update().get(pk=paper.pk)
    evaluation = _begin(actor, paper.evaluation, "paper")
    BallotCode.objects.filter(code_hash=paper.code_hash, evaluation=evaluation).update(used=False)
    paper.delete()
    audit_log(actor=actor, action="evaluation.paper_discard", obj=evaluation, changes={})
    return evaluation


@transaction.atomic
def evaluation_close(*, actor, evaluation):
    evaluation = _begin(actor, evaluation, "close")
    if PaperBallot.objects.filter(evaluation=evaluation).exists():
        raise ValidationFailed(
            _("Some paper ballots still wait for confirmation: confirm or discard them first.")
        )
    before = _move(evaluation, actor=actor, action="close")
    audit_log(
        actor=actor,
        action="evaluation.close",
        obj=evaluation,
        changes={"status": [before, evaluation.status]},
    )
    return evaluation


@transaction.atomic
def evaluation_publish(*, actor, evaluation):
    """Publishes the results (the county only): the public results page shows them, and each cadre's file
    gets a line with their composite rate and rank."""
    evaluation = _begin(actor, evaluation, "publish")
    before = _move(evaluation, actor=actor, action="publish")
    result = selectors.campaign_tally(evaluation)
    total = len(result.cadres)
    now = timezone.now()
    CadreFileEntry.objects.bulk_create(
        CadreFileEntry(
            cadre_id=r.cadre.pk,
            at=now,
            kind=FileEntryKind.EVALUATION,
            title=gettext_noop("Democratic evaluation %(year)s: satisfaction %(rate)s, rank %(rank)s"),
            details={
                "evaluation": str(evaluation.pk),
                "year": evaluation.year,
                "rate": None if r.composite is None else round(r.composite, 4),
                "rank": r.rank,
                "flagged": r.flagged,
                "title_params": {
                    "year": evaluation.year,
                    "rate": "—" if r.composite is None else f"{r.composite * 100:.1f}%",
                    "rank": f"{r.rank}/{total}" if r.rank else "—",
                },
            },
            recorded_by=actor,
        )
        for r in result.cadres
    )
    audit_log(
        actor=actor,
        action="evaluation.publish",
        obj=evaluation,
        changes={"status": [before, evaluation.status], "cadres": total},
    )
    return evaluation


# -------------------------------------------------------------------------------------- dual evaluation


def _gradable(actor, cadres):
    """The ids of ``cadres`` whose unit grade ``actor`` may set: those of ``selectors.grade_cadres``, the list
    the grades page offers (one rule, one query however many cadres)."""
    ids = [c.pk for c in cadres]
    return set(selectors.grade_cadres(actor).filter(pk__in=ids).order_by().values_list("id", flat=True))


def _grade_year(year):
    this_year = timezone.localdate().year
    if not year or not (this_year - 5 <= int(year) <= this_year):
        raise ValidationFailed(_("Choose a year up to this one."), field="year")
    return int(year)


class GradesRefused(ValidationFailed):
    """Some grades of ``unit_grades_set`` were refused, and none was saved: ``rows`` holds why, by cadre id."""

    default_message = _("Nothing was saved. Correct the grades marked below and save again.")

    def __init__(self, rows):
        super().__init__(field="grades")
        self.rows = rows


def unit_grade_set(*, actor, cadre, year, grade):
    """The unit's annual assessment grade of one cadre: ``unit_grades_set`` with one row (its rules, its lock
    and its audit event)."""
    unit_grades_set(actor=actor, year=year, grades={cadre: grade})


@transaction.atomic
def unit_grades_set(*, actor, year, grades, expected=None):
    """The unit grades of many cadres at once (a page of the grades list, an imported table); ``grades``:
    ``{cadre: grade}``. The rules of ``unit_grade_set``, checked for every row before any is written: a cadre
    the actor may not grade refuses the whole batch (``NotPermitted``), and so do grades that are not one of
    the four (``GradesRefused`` names each row). ``expected``, ``{cadre id: grade}``: the grades the form
    showed; a row whose grade someone else changed since is refused too, so that a page saved later never
    undoes another grader's change unseen. Only the grades that change are written, each audited as
    ``unit_grade_set`` audits it. Checks, reads and writes cost the same few queries whatever the number of
    rows; the audit chain appends its events one at a time, one per changed grade. Returns how many changed."""
    if not grades:
        return 0
    if len(_gradable(actor, grades)) != len(grades):
        raise NotPermitted
    refused = {
        c.pk: _("Choose one of the four grades.") for c, g in grades.items() if g not in UnitGrade.values
    }
    if refused:
        raise GradesRefused(refused)
    year = _grade_year(year)
    ids = [c.pk for c in grades]
    # Two saves of the same cadres wait here for each other, so that neither creates a record the other has
    # just created (one record per cadre and year).
    # ``no_key``: the lock must not wait on (or deadlock with) the key-share locks that writes of dual
    # evaluation rows take on their cadre (``dual_combine``).
    list(
        Cadre.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    records = {
        r.cadre_id: r
        for r in DualEvaluation.objects.select_for_update().filter(year=year, cadre_id__in=ids).order_by()
    }
    now = timezone.now()
    created, updated, changes, meanwhile = [], [], [], {}
    for cadre, grade in grades.items():
        record = records.get(cadre.pk)
        before = record.unit_grade if record else ""
        if expected is not None and cadre.pk in expected and expected[cadre.pk] != before:
            label = UnitGrade(before).label if before else "—"
            meanwhile[cadre.pk] = _(
                "Someone else changed this grade to %(grade)s meanwhile. Check it, and save again to keep "
                "your choice."
            ) % {"grade": label}
            continue
        if grade == before:
            continue
        if record is None:
            record = DualEvaluation(cadre=cadre, year=year)
            created.append(record)
        else:
            record.cadre = cadre  # the audit event's label, without a query
            updated.append(record)
        record.unit_grade, record.unit_graded_by, record.updated_at = grade, actor, now
        record.combined_grade = combine(grade, record.grid_grade)
        changes.append((record, before, grade))
    if meanwhile:
        raise GradesRefused(meanwhile)
    DualEvaluation.objects.bulk_create(created)
    DualEvaluation.objects.bulk_update(
        updated, ["unit_grade", "unit_graded_by", "combined_grade", "updated_at"]
    )
    for record, before, grade in changes:
        audit_log(
            actor=actor, action="evaluation.unit_grade", obj=record, changes={"unit_grade": [before, grade]}
        )
    return len(changes)


GRADE_ORDER = [UnitGrade.EXCELLENT, UnitGrade.COMPETENT, UnitGrade.BASICALLY_COMPETENT, UnitGrade.INCOMPETENT]
# The grid grade from the grid's composite satisfaction rate (a lower bound for each grade, best first).
GRID_GRADE_FLOORS = [
    (0.9, UnitGrade.EXCELLENT),
    (0.7, UnitGrade.COMPETENT),
    (0.5, UnitGrade.BASICALLY_COMPETENT),
]


def grid_grade(rate, flagged=False):
    """The grid evaluation as a grade; a flagged result is basically competent at best."""
    if rate is None:
        return ""
    grade = next((g for floor, g in GRID_GRADE_FLOORS if rate >= floor), UnitGrade.INCOMPETENT)
    if flagged and GRADE_ORDER.index(grade) < 2:
        grade = UnitGrade.BASICALLY_COMPETENT
    return grade


def combine(unit, grid, rule=None):
    """One grade from both (``GRIDWATCH_EVALUATION_COMBINE_RULE``): ``lower`` keeps the lower of the two;
    ``unit_first`` keeps the unit's grade, lowered one step when the grid's is two or more below it."""
    rule = rule or settings.GRIDWATCH_EVALUATION_COMBINE_RULE
    if not unit or not grid:
        return unit or grid or ""
    u, g = GRADE_ORDER.index(unit), GRADE_ORDER.index(grid)
    if rule == "unit_first":
        return GRADE_ORDER[min(u + 1, 3)] if g - u >= 2 else unit
    return GRADE_ORDER[max(u, g)]


@transaction.atomic
def dual_combine(*, actor, year):
    """One record per cadre for ``year``: the unit grade (if entered) and the published grid evaluation of
    the cadre's community, combined. County staff; returns the number of records written."""
    if not has_role(actor, *selectors.DUAL_READERS):
        raise NotPermitted
    year = int(year)
    published = list(selectors.evaluations_for(actor).filter(year=year, status=Status.PUBLISHED))
    grid = {}
    for evaluation in published:
        for r in selectors.campaign_tally(evaluation).cadres:
            grid[r.cadre.pk] = (evaluation, r)
    existing = {d.cadre_id: d for d in DualEvaluation.objects.for_user(actor).filter(year=year)}
    written = 0
    for cadre_id in set(grid) | set(existing):
        record = existing.get(cadre_id) or DualEvaluation(cadre_id=cadre_id, year=year)
        if cadre_id in grid:
            evaluation, r = grid[cadre_id]
            record.evaluation = evaluation
            record.grid_rate = None if r.composite is None else Decimal(str(round(r.composite, 4)))
            record.grid_grade = grid_grade(r.composite, r.flagged)
        record.combined_grade = combine(record.unit_grade, record.grid_grade)
        record.save()
        written += 1
    audit_log(
        actor=actor,
        action="evaluation.dual_combine",
        object_type="evaluations.dualevaluation",
        object_id=str(year),
        changes={"year": year, "records": written},
    )
    return written


def unit_grades_import(*, actor, year, rows):
    """``rows``: ``[(row number, cadre, grade), …]`` already checked by the importer; all or nothing."""
    with transaction.atomic():
        unit_grades_set(actor=actor, year=year, grades={cadre: grade for _n, cadre, grade in rows})
        audit_log(
            actor=actor,
            action="evaluation.unit_grade_import",
            object_type="evaluations.dualevaluation",
            object_id=str(year),
            changes={"year": year, "rows": len(rows)},
        )
    return len(rows)
