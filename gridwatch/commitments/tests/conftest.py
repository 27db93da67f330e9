"""Fixtures of the commitment tests: the community party organisation of A's community, and commitments
taken through the services to each status."""

import pytest

from gridwatch.accounts.roles import Role
from gridwatch.commitments import services
from gridwatch.conftest import make_cadre, make_user

ITEMS = [
    {"content": "每季度参加社区志愿服务不少于2次", "target": "全年不少于8次"},
    {"content": "带头开展垃圾分类宣传", "target": "每半年组织1次入户宣传"},
]


@pytest.fixture
def community_org_b(community_b):
    return make_user("party_b", role=Role.COMMUNITY_ORG, area=community_b)


def cadre_with_user(name, unit, grid, username):
    cadre = make_cadre(name, unit, grid)
    cadre.user = make_user(username)
    cadre.save(update_fields=["user"])
    return cadre


def write(cadre, *, year=None, items=ITEMS):
    from django.utils import timezone

    return services.commitment_create(actor=cadre.user, year=year or timezone.localdate().year, items=items)


def submitted(cadre, **kw):
    commitment = write(cadre, **kw)
    return services.commitment_submit(actor=cadre.user, commitment=commitment)


def published(cadre, reviewer, **kw):
    return services.commitment_approve(actor=reviewer, commitment=submitted(cadre, **kw))


def returned(cadre, reviewer, **kw):
    return services.commitment_return(
        actor=reviewer, commitment=submitted(cadre, **kw), reason="目标不够具体"
    )


@pytest.fixture
def draft_a(cadre_user, cadre_a):
    return write(cadre_a)


@pytest.fixture
def submitted_a(cadre_user, cadre_a):
    return submitted(cadre_a)


@pytest.fixture
def published_a(cadre_user, cadre_a, community_org_a):
    return published(cadre_a, community_org_a)


@pytest.fixture
def cadre_b_user(cadre_b):
    user = make_user("cadre_lina")
    cadre_b.user = user
    cadre_b.save(update_fields=["user"])
    return user


@pytest.fixture
def submitted_b(cadre_b_user, cadre_b):
    return submitted(cadre_b)
