"""Fixtures of the diary tests: entries written through the service, by the grid teams of A1 and B1."""

import datetime

import pytest
from django.utils import timezone

from gridwatch.conftest import make_user
from gridwatch.geography.models import GridTeamMember, Liaison
from gridwatch.supervision import services


def team_member(username, grid, role="supervisor"):
    user = make_user(username)
    GridTeamMember.objects.create(grid=grid, user=user, role=role)
    return user


def write_entry(author, grid, *, days_ago=1, **extra):
    values = dict(
        actor=author,
        grid=grid,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        place="3号楼前广场",
        people_met="两位退休居民",
        heard="反映有干部周末在小区棋牌室打牌到深夜",
    )
    values.update(extra)
    return services.diary_entry_create(**values)


@pytest.fixture
def grid_leader_a(grid_a):
    return team_member("leader_a1", grid_a, role="leader")


@pytest.fixture
def grid_supervisor_b(grid_b):
    return team_member("supervisor_b1", grid_b)


@pytest.fixture
def entry_a(grid_supervisor, grid_a, cadre_a):
    """An entry of grid A1 about cadre A, by A1's supervisor."""
    return write_entry(grid_supervisor, grid_a, cadre=cadre_a, circle="social")


@pytest.fixture
def entry_b(grid_supervisor_b, grid_b, cadre_b):
    return write_entry(grid_supervisor_b, grid_b, cadre=cadre_b)


@pytest.fixture
def commission_liaison(township_a, grid_a2):
    """A commission liaison of township A whose linked grid is A2."""
    user = make_user("commission_liaison")
    Liaison.objects.create(user=user, grid=grid_a2).townships.add(township_a)
    return user
