"""Jurisdiction in one place.

Every area- or unit-owned model declares how it is reached (``jurisdiction = Jurisdiction(...)``) and uses
``ScopedManager``; every list, page, export and API starts from ``Model.objects.for_user(user)``. What a user
may see is a ``Scope``: computed once per request by ``gridwatch.accounts.jurisdiction.scope_for`` from the
roles the user holds, their grid-team posts and their liaison links. Outside the scope answers 404.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.module_loading import import_string

from .text import prefix_range

SCOPE_RESOLVER = "gridwatch.accounts.jurisdiction.scope_for"


@dataclass(frozen=True)
class Scope:
    """What one user may see: the union of the parts. No scope covers every county of the database: the
    widest, a county-wide role's, is the path of the county the role is held on."""

    area_paths: tuple[str, ...] = ()
    unit_ids: tuple = ()
    cadre_ids: tuple = ()
    roles: frozenset = field(default_factory=frozenset)
    # What each role gives: ``(role, area path or None, unit id or None)``, so that a workflow open to some
    # roles only can read through those roles alone (``narrowed``).
    grants: tuple = ()

    @property
    def is_empty(self):
        return not (self.area_paths or self.unit_ids or self.cadre_ids)

    def covers_path(self, path):
        return any(path.startswith(prefix) for prefix in self.area_paths)

    def paths_of(self, roles):
        """The area paths that ``roles`` give (not minimal)."""
        return {path for role, path, _unit in self.grants if role in roles and path}

    def narrowed(self, roles):
        """The scope that ``roles`` alone give: a grid-team post or a unit held beside them adds nothing to a
        list open to those roles only (the warning notices, the analysis pack). No query."""
        roles = frozenset(roles)
        units = {unit for role, _path, unit in self.grants if role in roles and unit is not None}
        return Scope(
            area_paths=minimal_paths(self.paths_of(roles)),
            unit_ids=tuple(sorted(units)),
            cadre_ids=self.cadre_ids if "cadre" in roles else (),
            roles=self.roles & roles,
            grants=tuple(g for g in self.grants if g[0] in roles),
        )


def minimal_paths(paths):
    """``paths`` without those inside another one (which add nothing), sorted."""
    return tuple(sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths)))


NO_SCOPE = Scope()


@dataclass(frozen=True)
class Jurisdiction:
    """How rows of a model are reached: lookups to an area path, a unit and a cadre."""

    area_path: str | None = None
    unit: str | None = None
    cadre: str | None = None


def get_scope(user):
    if user is None or not user.is_authenticated:
        return NO_SCOPE
    cached = getattr(user, "_gridwatch_scope", None)
    if cached is None:
        cached = import_string(SCOPE_RESOLVER)(user)
        user._gridwatch_scope = cached
    return cached


def scope_q(model, scope, *, prefix_match=False):
    """The filter that keeps the rows of ``model`` inside ``scope``. A path prefix is written as a range
    (``prefix_range``), which the B-tree index on the path serves on SQLite too (``LIKE`` would not).
    ``prefix_match`` writes it as ``LIKE 'p%'`` instead, the same rows, for a query that should *not* take
    the path index on SQLite (one page of a very large scope read along an index in the list's order)."""
    spec = model.jurisdiction
    q = Q(pk__in=[])
    if spec.area_path:
        for prefix in scope.area_paths:
            if prefix_match:
                q |= Q(**{f"{spec.area_path}__startswith": prefix})
            else:
                q |= Q(**prefix_range(spec.area_path, prefix))
    if spec.unit and scope.unit_ids:
        q |= Q(**{f"{spec.unit}__in": list(scope.unit_ids)})
    if spec.cadre and scope.cadre_ids:
        q |= Q(**{f"{spec.cadre}__in": list(scope.cadre_ids)})
    return q


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, *, prefix_match=False):
        return self.filter(scope_q(self.model, get_scope(user), prefix_match=prefix_match))

    def for_scope(self, scope):
        return self.filter(scope_q(self.model, scope))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def get_for_user_or_404(queryset_or_model, user, **lookup):
    """Fetch one row inside the user's jurisdiction; outside it is the same 404 as not found."""
    queryset = queryset_or_model
    if isinstance(queryset_or_model, type):
        queryset = queryset_or_model.objects.all()
    try:
        return queryset.for_user(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def scoped_models():
    """Every model that declares a jurisdiction (the guard test checks none is left out)."""
    from django.apps import apps

    return [m for m in apps.get_models() if hasattr(m, "jurisdiction")]
