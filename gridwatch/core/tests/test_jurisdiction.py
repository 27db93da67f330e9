"""Jurisdiction in one place (SECURITY.md item 6): every area-, unit- or cadre-owned model is scoped, and
each role's scope is what ARCHITECTURE.md's table says."""

import pytest
from django.apps import apps
from django.db import models

from gridwatch.accounts.jurisdiction import scope_for
from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.core.scoping import Jurisdiction, Scope, scope_q
from gridwatch.geography import services as geo
from gridwatch.geography.models import Area, Liaison
from gridwatch.people.models import Cadre, Unit

OWNERS = (Area, Unit, Cadre)

# Models that point at an area, unit or cadre but are not owned by one, each with the reason.
NOT_AREA_OWNED = {
    # A role held on an area or unit is a grant of access, managed by system administrators only (the
    # user list and the admin), never listed by jurisdiction.
    "accounts.roleassignment": "grants access; managed by system administrators",
}


def _owned_models():
    for model in apps.get_models():
        fks = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.remote_field.model in OWNERS and f.model is model
        ]
        if fks:
            yield model, fks


def test_it_finds_the_models_it_guards():
    """The walk sees the registry's models (a walk that finds nothing would prove nothing)."""
    found = {m._meta.label_lower for m, _ in _owned_models()}
    assert {"people.cadre", "people.unit", "geography.gridteammember", "people.cadrefileentry"} <= found


def test_it_requires_a_jurisdiction_and_for_user_on_every_area_owned_model():
    unscoped = []
    for model, fks in _owned_models():
        label = model._meta.label_lower
        if label in NOT_AREA_OWNED:
            continue
        spec = getattr(model, "jurisdiction", None)
        if not isinstance(spec, Jurisdiction) or not hasattr(model._default_manager, "for_user"):
            unscoped.append(f"{label} (FK {', '.join(f.name for f in fks)})")
    assert not unscoped, (
        "area-, unit- or cadre-owned models without `jurisdiction` and a `for_user` manager: "
        + "; ".join(unscoped)
        + ". Add `objects = ScopedManager()` and `jurisdiction = Jurisdiction(...)`, or add the model to "
        "NOT_AREA_OWNED with the reason."
    )


def test_it_keeps_the_allow_list_honest():
    """Every allow-listed model exists and really is unscoped (a stale entry hides nothing)."""
    for label in NOT_AREA_OWNED:
        model = apps.get_model(label)
        assert not hasattr(model, "jurisdiction"), f"{label} is scoped now: remove it from NOT_AREA_OWNED"


@pytest.mark.django_db
def test_it_resolves_every_declared_jurisdiction_lookup():
    """A lookup with a typo would only fail for the role that uses it: run each model's filter once."""
    scope = Scope(
        area_paths=("522729000000/",),
        unit_ids=("00000000-0000-0000-0000-000000000000",),
        cadre_ids=("00000000-0000-0000-0000-000000000000",),
    )
    for model in apps.get_models():
        if isinstance(getattr(model, "jurisdiction", None), Jurisdiction):
            assert list(model._default_manager.filter(scope_q(model, scope))[:1]) is not None


# --- scope_for: what each role sees ---------------------------------------------------------------


def _visible_cadres(user):
    return set(Cadre.objects.for_user(user).values_list("name", flat=True))


@pytest.fixture
def registry(cadre_a, cadre_b, grid_a2, unit_a):
    """Three cadres: 张伟 (grid A1, unit A), 王芳 (grid A2, unit A), 李娜 (grid B1, unit B)."""
    from gridwatch.conftest import make_cadre

    return {"a1": cadre_a, "a2": make_cadre("王芳", unit_a, grid_a2), "b1": cadre_b}


def test_it_gives_county_staff_their_whole_county(registry, county_officer, county):
    scope = scope_for(county_officer)
    assert scope.area_paths == (county.path,)
    assert _visible_cadres(county_officer) == {"张伟", "王芳", "李娜"}


def test_it_gives_the_office_their_whole_county(registry, county):
    office = make_user("office", role=Role.OFFICE, area=county)
    assert scope_for(office).area_paths == (county.path,)
    assert _visible_cadres(office) == {"张伟", "王芳", "李娜"}


def test_it_gives_township_staff_their_township(registry, township_officer_a, township_a):
    scope = scope_for(township_officer_a)
    assert scope.area_paths == (township_a.path,)
    assert _visible_cadres(township_officer_a) == {"张伟", "王芳"}


def test_it_gives_a_grid_team_member_their_grid(registry, grid_supervisor, grid_a):
    assert scope_for(grid_supervisor).area_paths == (grid_a.path,)
    assert Role.GRID_SUPERVISOR in scope_for(grid_supervisor).roles
    assert _visible_cadres(grid_supervisor) == {"张伟"}


def test_it_gives_a_liaison_their_townships_and_grid(registry, township_b, grid_a, county):
    user = make_user("liaison_leader")
    liaison = Liaison.objects.create(user=user, grid=grid_a)
    liaison.townships.add(township_b)
    scope = scope_for(user)
    assert set(scope.area_paths) == {township_b.path, grid_a.path}
    assert Role.LIAISON in scope.roles
    assert _visible_cadres(user) == {"张伟", "李娜"}


def test_it_gives_a_unit_liaison_their_unit(registry, unit_liaison, unit_a):
    scope = scope_for(unit_liaison)
    assert scope.unit_ids == (unit_a.pk,) and not scope.area_paths
    assert _visible_cadres(unit_liaison) == {"张伟", "王芳"}


def test_it_gives_a_cadre_only_themselves(registry, cadre_user, cadre_a):
    scope = scope_for(cadre_user)
    assert scope.cadre_ids == (cadre_a.pk,) and not scope.area_paths and not scope.unit_ids
    assert _visible_cadres(cadre_user) == {"张伟"}


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_it_gives_administrators_nothing_of_the_registry(registry, county, role):
    user = make_user(f"admin_{role}", role=role, area=county)
    scope = scope_for(user)
    assert scope.is_empty and role in scope.roles
    assert _visible_cadres(user) == set()
    assert not Area.objects.for_user(user).exists()
    assert not Unit.objects.for_user(user).exists()


def test_it_gives_a_user_without_a_role_nothing(registry):
    assert scope_for(make_user("nobody")).is_empty


def test_it_drops_a_grid_post_from_the_scope_once_removed(registry, grid_a, grid_supervisor):
    """Team changes take effect: the removed member sees nothing any more."""
    user = make_user("second_supervisor")
    member = geo.team_member_add(actor=None, grid=grid_a, user=user, role="supervisor")
    assert _visible_cadres(user) == {"张伟"}
    geo.team_member_remove(actor=None, member=member)
    assert _visible_cadres(user) == set()


# --- separation of the administrator posts (等保 level 3) --------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SYSTEM_ADMIN, {"accounts:user_list"}),
        (Role.AUDIT_ADMIN, {"audit:event_list"}),
        (Role.SECURITY_ADMIN, set()),
    ],
)
def test_it_keeps_the_administrator_posts_apart(as_user, county, cadre_a, role, allowed):
    from django.urls import reverse

    client = as_user(make_user(f"post_{role}", role=role, area=county))
    for name in ("accounts:user_list", "audit:event_list", "people:cadre_list", "geography:area_list"):
        expected = 200 if name in allowed else 403
        assert client.get(reverse(name)).status_code == expected, name
