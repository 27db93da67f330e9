"""The tally against an independent computation from the list of ballots, the fewer-than-5 rule, the flags,
and a fixed number of queries for a whole campaign."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridwatch.evaluations import selectors, services, tally
from gridwatch.evaluations.models import Dimension, GroupKind, Scale

from .conftest import codes_for, create

SAT = ["satisfied", "basically_satisfied", "dissatisfied", "unknown"]


def independent(ballots, cadre_ids, weights, *, minimum=5):
    """Straight from the ballots ``(group, {cadre: {dimension: option}})``: per cadre the mean over the
    dimensions of the weighted mean over the groups with ``minimum`` valid answers of (满意+基本满意)/valid."""
    out = {}
    for cadre in cadre_ids:
        per_dim = []
        for dimension in Dimension.values:
            num = den = 0.0
            for group, weight in weights.items():
                answers = [b[cadre][dimension] for g, b in ballots if g == group]
                valid = [a for a in answers if a != "unknown"]
                if len(valid) < minimum:
                    continue
                share = sum(a in ("satisfied", "basically_satisfied") for a in valid) / len(valid)
                num += weight * share
                den += weight
            if den:
                per_dim.append(num / den)
        out[cadre] = sum(per_dim) / len(per_dim) if per_dim else None
    return out


ballot_strategy = st.lists(
    st.tuples(
        st.sampled_from([GroupKind.REPRESENTATIVES, GroupKind.RESIDENTS]),
        st.lists(st.sampled_from(SAT), min_size=8, max_size=8),  # 2 cadres × 4 dimensions
    ),
    min_size=0,
    max_size=40,
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=ballot_strategy)
def test_it_tallies_as_an_independent_computation_from_the_ballots(
    raw, opened, community_org_a, cadre_a, cadre_a2
):
    """Cast the ballots through the service, tally, and compare with a computation from the ballot list."""
    from gridwatch.evaluations.models import BallotCount, EvaluatorGroup

    BallotCount.objects.filter(evaluation=opened).update(count=0)
    EvaluatorGroup.objects.filter(evaluation=opened).update(cast=0)
    cadres = [cadre_a.pk, cadre_a2.pk]
    ballots = []
    for group, answers in raw:
        choice = {
            c: dict(zip(Dimension.values, answers[i * 4 : i * 4 + 4], strict=True))
            for i, c in enumerate(cadres)
        }
        code = codes_for(opened, community_org_a, kind=group, count=1)[0]
        services.ballot_cast(code=code, choices={str(c): v for c, v in choice.items()})
        ballots.append((group, choice))
    result = selectors.campaign_tally(opened)
    expected = independent(ballots, cadres, {GroupKind.REPRESENTATIVES: 2.0, GroupKind.RESIDENTS: 1.0})
    for r in result.cadres:
        if expected[r.cadre.pk] is None:
            assert r.composite is None
        else:
            assert r.composite == pytest.approx(expected[r.cadre.pk])
    cast = Counter(g for g, _b in ballots)
    assert {g.kind: g.cast for g in result.groups} == {
        k: cast.get(k, 0) for k in (GroupKind.REPRESENTATIVES, GroupKind.RESIDENTS)
    }


class _Group:
    def __init__(self, pk, weight):
        self.pk, self.weight = pk, weight


class _Cadre:
    def __init__(self, pk):
        self.pk, self.name_pinyin = pk, str(pk)


class _Evaluation:
    scale = Scale.SATISFACTION
    formula = "standard"
    min_group_ballots = 5
    flag_negative_share = "0.333"
    flag_positive_below = "0.667"


def test_it_hides_a_group_with_fewer_than_five_valid_ballots():
    """4 valid ballots of a group: its cell is not shown and it stays out of the composite."""
    groups = [_Group(1, 1), _Group(2, 1)]
    rows = [(1, "c", d, "satisfied", 5) for d in Dimension.values] + [
        (2, "c", d, "dissatisfied", 4) for d in Dimension.values
    ]
    rows += [(2, "c", d, "unknown", 3) for d in Dimension.values]
    result = tally.compute(_Evaluation(), groups, [_Cadre("c")], rows)
    first = result.cadres[0].dimensions[0]
    assert [cell.shown for cell in first.cells] == [True, False]
    assert first.cells[1].rate is None
    assert result.cadres[0].composite == 1.0
    assert result.hidden_cells == 4


@pytest.mark.parametrize(("formula", "rate"), [("standard", 0.8), ("strict", 0.5), ("weighted", 0.65)])
def test_it_computes_the_rate_by_the_campaigns_formula(formula, rate):
    """5 满意, 3 基本满意, 2 不满意 and 4 不了解: 10 valid ballots."""
    evaluation = _Evaluation()
    evaluation.formula = formula
    rows = [
        (1, "c", "community", o, n)
        for o, n in [("satisfied", 5), ("basically_satisfied", 3), ("dissatisfied", 2), ("unknown", 4)]
    ]
    result = tally.compute(evaluation, [_Group(1, 1)], [_Cadre("c")], rows)
    cell = result.cadres[0].dimensions[0].cells[0]
    assert cell.valid == 10
    assert cell.rate == pytest.approx(rate)


def test_it_flags_over_a_third_dissatisfied_and_ranks_by_composite():
    rows = [(1, "a", d, "satisfied", 6) for d in Dimension.values]
    rows += [(1, "b", d, o, n) for d in Dimension.values for o, n in [("satisfied", 4), ("dissatisfied", 3)]]
    rows += [(1, "c", d, "satisfied", 6) for d in Dimension.values]
    result = tally.compute(_Evaluation(), [_Group(1, 1)], [_Cadre("b"), _Cadre("a"), _Cadre("c")], rows)
    assert [(r.cadre.pk, r.rank, r.flagged) for r in result.cadres] == [
        ("a", 1, False),
        ("c", 1, False),
        ("b", 3, True),
    ]


def test_it_flags_the_competence_scale_under_two_thirds_excellent_or_competent():
    evaluation = _Evaluation()
    evaluation.scale = Scale.COMPETENCE
    rows = [
        (1, "a", "community", o, n)
        for o, n in [("excellent", 2), ("competent", 3), ("basically_competent", 3)]
    ]
    result = tally.compute(evaluation, [_Group(1, 1)], [_Cadre("a")], rows)
    assert result.cadres[0].flagged


def test_it_tallies_a_campaign_in_one_query_whatever_its_size(
    django_assert_num_queries, community_org_a, community_a, grid_a, unit_a
):
    """One statement for 2 cadres or 12, with 30 ballots or none."""
    from gridwatch.conftest import make_cadre

    for size in (2, 12):
        cadres = [make_cadre(f"干部{size}{i}", unit_a, grid_a) for i in range(size)]
        evaluation = create(community_org_a, community_a, cadres, year=2026 - size // 12)
        services.evaluation_open(actor=community_org_a, evaluation=evaluation)
        if size == 12:
            for code in codes_for(evaluation, community_org_a, count=30):
                choices = {str(c.pk): dict.fromkeys(Dimension.values, "satisfied") for c in cadres}
                services.ballot_cast(code=code, choices=choices)
        with django_assert_num_queries(1):
            result = selectors.campaign_tally(evaluation)
        assert len(result.cadres) == size


def test_it_tallies_100000_ballots_as_the_independent_computation(opened, community_org_a, cadre_a, cadre_a2):
    """100,000 synthetic ballots (a fixed seed): 50 cast through the service with real codes, the rest added
    to the counters as the same calls would add them (no ballot row exists to insert). The tally of the
    counters equals the computation made from the list of ballots itself."""
    import random

    from django.db.models import F

    from gridwatch.evaluations.models import BallotCount, EvaluatorGroup

    rng = random.Random(20261202)
    cadres = [cadre_a.pk, cadre_a2.pk]
    kinds = [GroupKind.REPRESENTATIVES, GroupKind.RESIDENTS]
    ballots = [
        (rng.choice(kinds), {c: {d: rng.choice(SAT) for d in Dimension.values} for c in cadres})
        for _ in range(100_000)
    ]
    for group, choice in ballots[:50]:
        code = codes_for(opened, community_org_a, kind=group, count=1)[0]
        services.ballot_cast(code=code, choices={str(c): v for c, v in choice.items()})
    added = Counter()
    for group, choice in ballots[50:]:
        for cadre, marks in choice.items():
            for dimension, option in marks.items():
                added[(group, cadre, dimension, option)] += 1
    for (group, cadre, dimension, option), n in added.items():
        BallotCount.objects.filter(
            evaluation=opened, group__kind=group, cadre_id=cadre, dimension=dimension, option=option
        ).update(count=F("count") + n)
    for group, n in Counter(g for g, _c in ballots[50:]).items():
        EvaluatorGroup.objects.filter(evaluation=opened, kind=group).update(cast=F("cast") + n)

    result = selectors.campaign_tally(opened)
    expected = independent(ballots, cadres, {GroupKind.REPRESENTATIVES: 2.0, GroupKind.RESIDENTS: 1.0})
    assert {r.cadre.pk: r.composite for r in result.cadres} == {
        cadre: pytest.approx(value, abs=1e-12) for cadre, value in expected.items()
    }
    assert sum(g.cast for g in result.groups) == 100_000
