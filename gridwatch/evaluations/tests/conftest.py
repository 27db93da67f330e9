"""Fixtures of the evaluation tests: the community party organisations of A's and B's communities, and a
campaign of community A taken through the services to each status."""

import pytest

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user
from gridwatch.evaluations import services
from gridwatch.evaluations.models import Dimension, GroupKind, Scale

GROUPS = [(GroupKind.REPRESENTATIVES, "2", 10), (GroupKind.RESIDENTS, "1", 30)]


@pytest.fixture
def community_org_a2(community_a):
    """A second member of A's party organisation: confirms paper ballots the first typed in."""
    return make_user("party_a2", role=Role.COMMUNITY_ORG, area=community_a)


@pytest.fixture
def community_org_b(community_b):
    return make_user("party_b", role=Role.COMMUNITY_ORG, area=community_b)


@pytest.fixture
def cadre_a2(unit_b, grid_a2):
    return make_cadre("王芳", unit_b, grid_a2)


def create(
    actor, community, cadres, *, scale=Scale.SATISFACTION, year=None, groups=GROUPS, formula="standard"
):
    from django.utils import timezone

    return services.evaluation_create(
        actor=actor,
        community=community,
        year=year or timezone.localdate().year,
        title="年度干部民主测评",
        scale=scale,
        formula=formula,
        cadres=cadres,
        groups=groups,
    )


@pytest.fixture
def draft(community_org_a, community_a, cadre_a, cadre_a2):
    return create(community_org_a, community_a, [cadre_a, cadre_a2])


@pytest.fixture
def opened(draft, community_org_a):
    return services.evaluation_open(actor=community_org_a, evaluation=draft)


def group_of(evaluation, kind):
    return evaluation.groups.get(kind=kind)


def codes_for(evaluation, actor, kind=GroupKind.RESIDENTS, count=10):
    return services.codes_generate(
        actor=actor, evaluation=evaluation, group=group_of(evaluation, kind), count=count
    )


def all_choices(evaluation, option):
    """The same answer to every question of the ballot."""
    return {str(c.cadre_id): {d: option for d in Dimension.values} for c in evaluation.cadres.all()}


@pytest.fixture
def closed(opened, community_org_a):
    codes = codes_for(opened, community_org_a, count=6)
    for code in codes:
        services.ballot_cast(code=code, choices=all_choices(opened, "satisfied"))
    return services.evaluation_close(actor=community_org_a, evaluation=opened)


@pytest.fixture
def published(closed, county_officer):
    return services.evaluation_publish(actor=county_officer, evaluation=closed)
