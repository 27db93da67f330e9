"""The demo's democratic evaluation (R8, R17) for 和平社区, the community of the showcase grid: last year's
campaign voted, closed and published by the county (its results on the public page and in each cadre's
file); this year's campaign open, with a few unused ballot codes printed in the demo output so a person can
vote; last year's unit grades of the finance bureau's cadres, and the dual evaluation combined.

Every step goes through the services. The answers are a fixed pattern, not random draws (the rest of the
demo stays as it was), with one cadre whose result is flagged for a talk."""

import datetime

from django.utils import timezone

GROUPS = [("representatives", "2", 12), ("residents", "1", 40), ("service_recipients", "1.5", 15)]
CAST = {"representatives": 11, "residents": 34, "service_recipients": 13}
GRADES = ["excellent", "competent", "competent", "basically_competent", "competent", "excellent"]


def _answer(i, j, k, weak):
    """The answer of ballot ``i`` for cadre ``j`` on dimension ``k``: mostly 满意, some 基本满意, a few 不满意
    and 不了解; the ``weak`` cadre gets far more 不满意."""
    v = (i * 7 + j * 3 + k * 5) % 20
    if weak:
        return (
            "dissatisfied"
            if v < 8
            else "basically_satisfied"
            if v < 14
            else "satisfied"
            if v < 19
            else "unknown"
        )
    return (
        "satisfied"
        if v < 13
        else "basically_satisfied"
        if v < 17
        else "dissatisfied"
        if v < 18
        else "unknown"
    )


def seed(gen):
    from gridwatch.core.demo.generator import SHOWCASE_GRID
    from gridwatch.geography.models import Area
    from gridwatch.people.models import Cadre

    from . import selectors, services
    from .models import Dimension, Evaluation

    community = Area.objects.get(code=SHOWCASE_GRID).parent
    party, county = gen.users["heping_party"], gen.users["county_staff"]
    year = timezone.localdate().year
    cadres = list(selectors.eligible_cadres(community)[:8])
    if not cadres:
        return

    last = services.evaluation_create(
        actor=party,
        community=community,
        year=year - 1,
        title=f"{community.name}{year - 1}年度领导干部民主测评",
        scale="satisfaction",
        cadres=cadres,
        groups=GROUPS,
    )
    services.evaluation_open(actor=party, evaluation=last)
    weak = len(cadres) - 1
    for group in last.groups.all():
        codes = services.codes_generate(actor=party, evaluation=last, group=group, count=group.expected)
        for i, code in enumerate(codes[: CAST[group.kind]]):
            choices = {
                str(c.pk): {d: _answer(i, j, k, j == weak) for k, d in enumerate(Dimension.values)}
                for j, c in enumerate(cadres)
            }
            services.ballot_cast(code=code, choices=choices)
    services.evaluation_close(actor=party, evaluation=last)
    services.evaluation_publish(actor=county, evaluation=last)
    Evaluation.objects.filter(pk=last.pk).update(
        opened_on=datetime.date(year - 1, 12, 18),
        closed_on=datetime.date(year - 1, 12, 22),
        published_on=datetime.date(year - 1, 12, 29),
    )

    current = services.evaluation_create(
        actor=party,
        community=community,
        year=year,
        title=f"{community.name}{year}年度领导干部民主测评",
        scale="satisfaction",
        cadres=cadres[:5],
        groups=GROUPS,
    )
    services.evaluation_open(actor=party, evaluation=current)
    residents = current.groups.get(kind="residents")
    codes = services.codes_generate(actor=party, evaluation=current, group=residents, count=5)

    liaison = gen.users["finance_liaison"]
    own = (
        Cadre.objects.for_user(liaison).filter(status="serving").order_by("name_pinyin", "id")[: len(GRADES)]
    )
    for cadre, grade in zip(own, GRADES, strict=False):
        services.unit_grade_set(actor=liaison, cadre=cadre, year=year - 1, grade=grade)
    records = services.dual_combine(actor=county, year=year - 1)
    gen.out(
        f"evaluations: {community.name} {year - 1} published ({sum(CAST.values())} ballots), {year} open; "
        f"dual evaluation {year - 1}: {records} records"
    )
    gen.out(f"evaluations: unused ballot codes for /evaluations/ballot/: {', '.join(codes)}")
