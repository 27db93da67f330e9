"""The tally of a campaign, from its counters (``BallotCount``): pure computation, no queries.

For each cadre, dimension and evaluator group: the counts per option, the valid ballots (not 不了解, not
invalid) and the satisfaction rate by the campaign's formula. A group's figure for a cadre and dimension is
shown only with at least ``min_group_ballots`` valid ballots; hidden groups stay out of the composite too.
The composite of a dimension is the mean of the shown groups' rates weighted by the group weights; a cadre's
composite is the mean over the dimensions that have one; the rank is by composite (equal composites share a
rank). A cadre is flagged when, over the shown groups of any dimension, the worst option is more than
``flag_negative_share`` of the valid ballots or the best two are less than ``flag_positive_below``.
"""

from dataclasses import dataclass, field

from .models import NOT_VALID, SCALE_OPTIONS, Dimension, Formula, Option

DIMENSIONS = list(Dimension.choices)


def rate(counts, options, formula, valid):
    """The satisfaction rate of ``counts`` (option -> n) or ``None`` without valid ballots."""
    if not valid:
        return None
    best, second = counts.get(options[0], 0), counts.get(options[1], 0)
    if formula == Formula.STRICT:
        return best / valid
    if formula == Formula.WEIGHTED:
        return (best + second / 2) / valid
    return (best + second) / valid


@dataclass
class Cell:
    group: object
    counts: dict
    valid: int
    rate: float | None
    shown: bool

    @property
    def abstained(self):
        return self.counts.get(Option.UNKNOWN, 0)

    @property
    def invalid(self):
        return self.counts.get(Option.INVALID, 0)


@dataclass
class DimensionResult:
    dimension: str
    label: str
    cells: list  # one per group, in the campaign's group order
    composite: float | None
    flagged: bool


@dataclass
class CadreResult:
    cadre: object
    dimensions: list
    composite: float | None
    rank: int | None = None
    flagged: bool = False
    reasons: list = field(default_factory=list)


@dataclass
class Result:
    groups: list  # EvaluatorGroup rows, with their ``cast`` and ``expected``
    cadres: list  # CadreResult, ranked
    options: tuple
    hidden_cells: int


def compute(evaluation, groups, cadres, rows=(), *, counts=None):
    """``groups``: the campaign's EvaluatorGroup rows; ``cadres``: Cadre rows in ballot order; ``rows``:
    ``(group_id, cadre_id, dimension, option, count)``, or ``counts``: ``{(group_id, cadre_id, dimension):
    {option: count}}``."""
    options = SCALE_OPTIONS[evaluation.scale]
    if counts is None:
        counts = {}
        for group_id, cadre_id, dimension, option, n in rows:
            cell = counts.setdefault((group_id, cadre_id, dimension), {})
            cell[option] = cell.get(option, 0) + (n or 0)
    minimum = evaluation.min_group_ballots
    negative, positive = float(evaluation.flag_negative_share), float(evaluation.flag_positive_below)
    best, second, worst = options[0], options[1], options[-1]
    invalid = set(NOT_VALID)
    formula = evaluation.formula
    groups = list(groups)
    weighted_groups = [(g, g.pk, float(g.weight)) for g in groups]
    dimension_choices = DIMENSIONS
    hidden = 0
    results = []
    empty = {}
    for cadre in cadres:
        cadre_pk = cadre.pk
        dims = []
        for dimension, label in dimension_choices:
            cells, weighted, weights, pooled = [], 0.0, 0.0, {}
            for group, group_pk, weight in weighted_groups:
                c = counts.get((group_pk, cadre_pk, dimension), empty)
                valid = 0
                for option, n in c.items():
                    if option not in invalid:
                        valid += n
                shown = valid >= minimum
                r = None
                if shown:
                    r = rate(c, options, formula, valid)
                    weighted += r * weight
                    weights += weight
                    for option, n in c.items():
                        pooled[option] = pooled.get(option, 0) + n
                elif valid:
                    hidden += 1
                cells.append(Cell(group=group, counts=c, valid=valid, rate=r, shown=shown))
            pooled_valid = sum(n for option, n in pooled.items() if option not in invalid)
            flagged = False
            if pooled_valid:
                flagged = (
                    pooled.get(worst, 0) / pooled_valid > negative
                    or (pooled.get(best, 0) + pooled.get(second, 0)) / pooled_valid < positive
                )
            dims.append(
                DimensionResult(
                    dimension=dimension,
                    label=label,
                    cells=cells,
                    composite=weighted / weights if weights else None,
                    flagged=flagged,
                )
            )
        composites = [d.composite for d in dims if d.composite is not None]
        results.append(
            CadreResult(
                cadre=cadre,
                dimensions=dims,
                composite=sum(composites) / len(composites) if composites else None,
                flagged=any(d.flagged for d in dims),
                reasons=[d.label for d in dims if d.flagged],
            )
        )
    ranked = sorted(
        results, key=lambda r: (r.composite is None, -(r.composite or 0), getattr(r.cadre, "name_pinyin", ""))
    )
    previous, rank = None, 0
    for position, r in enumerate(ranked, start=1):
        if r.composite is None:
            continue
        if previous is None or abs(r.composite - previous) > 1e-12:
            rank = position
        r.rank, previous = rank, r.composite
    return Result(groups=list(groups), cadres=ranked, options=options, hidden_cells=hidden)
