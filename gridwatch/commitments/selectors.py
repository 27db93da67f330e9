"""Reads of commitments. Staff reads start from ``commitments_for``: the user's jurisdiction (the cadre's
supervising grid, the unit for unit liaisons, the cadre themself), less the drafts of other people (a draft
is the cadre's working copy until submitted). A commitment is public once published, so reading is not
recused; acting on one is (``acts_on``): nobody reviews, records or rates a commitment of themselves, of a
cadre of their own unit or of a declared relation.

The public grid page reads only published rows through ``public_commitments``."""

from django.db.models import Count, Prefetch, Q

from gridwatch.accounts.models import RoleAssignment
from gridwatch.cases.selectors import conflicted_cadres, covering_paths
from gridwatch.people.models import CadreStatus

from .models import (
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    CommitmentTransition,
    ItemProgress,
    ItemRating,
)
from .roles import REVIEWERS


def commitments_for(user):
    return Commitment.objects.for_user(user).filter(~Q(status=CommitmentStatus.DRAFT) | Q(cadre__user=user))


def acts_on(user, commitment):
    """Whether ``user`` holds a reviewer role on an area that covers the cadre's supervising grid and is not
    conflicted with the cadre."""
    if user is None or not user.is_authenticated:
        return False
    paths = covering_paths(commitment.cadre.supervising_path)
    if not RoleAssignment.objects.filter(user=user, role__in=list(REVIEWERS), area__path__in=paths).exists():
        return False
    return not conflicted_cadres(user).filter(id=commitment.cadre_id).exists()


def is_recused(user, commitment):
    return conflicted_cadres(user).filter(id=commitment.cadre_id).exists()


def commitment_list(*, user, status=None, year=None):
    """The commitments ``user`` may read, newest year first, with their item count (one query a page)."""
    qs = commitments_for(user)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("cadre__unit", "cadre__supervising_grid__parent")
        .annotate(item_count=Count("items"))
        .order_by("-year", "cadre__name_pinyin", "id")
    )


def commitment_years(user):
    return list(commitments_for(user).order_by("-year").values_list("year", flat=True).distinct())


def years_to_write(user, *, written=None):
    """The years the cadre may still write commitments for: those open now (``services.allowed_years``)
    that have none yet, the earliest first. ``written``: the years of the cadre's commitments, where the
    caller has read them already (one query otherwise)."""
    from .services import allowed_years

    if written is None:
        written = set(Commitment.objects.filter(cadre__user=user).values_list("year", flat=True))
    return [year for year in allowed_years() if year not in written]


def own_commitments(user):
    return (
        Commitment.objects.filter(cadre__user=user)
        .select_related("cadre")
        .annotate(item_count=Count("items"))
        .order_by("-year")
    )


def commitment_page(queryset):
    """What the commitment page shows, in a fixed number of queries."""
    return queryset.select_related(
        "cadre__unit",
        "cadre__supervising_grid__parent",
        "reviewed_by",
        "fulfilment_review__recorded_by",
        "year_end_rating__recorded_by",
    ).prefetch_related(
        "items",
        Prefetch("transitions", queryset=CommitmentTransition.objects.select_related("actor")),
        Prefetch("fulfilment_review__lines", queryset=ItemProgress.objects.select_related("item")),
        Prefetch("year_end_rating__lines", queryset=ItemRating.objects.select_related("item")),
    )


def public_commitments(grid, *, year=None):
    """The published commitments of the serving cadres supervised in ``grid``, with their items, meeting
    and rating (a fixed number of queries whatever their number)."""
    qs = Commitment.objects.filter(
        status=CommitmentStatus.PUBLISHED,
        cadre__supervising_grid=grid,
        cadre__status=CadreStatus.SERVING,
    )
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("cadre__unit", "fulfilment_review", "year_end_rating")
        .prefetch_related(
            Prefetch("items", queryset=CommitmentItem.objects.order_by("position")),
            Prefetch(
                "fulfilment_review__lines",
                queryset=ItemProgress.objects.select_related("item").order_by("item__position"),
            ),
            Prefetch(
                "year_end_rating__lines",
                queryset=ItemRating.objects.select_related("item").order_by("item__position"),
            ),
        )
        .order_by("-year", "cadre__name_pinyin", "id")
    )


def public_years(grid):
    return list(
        Commitment.objects.filter(
            status=CommitmentStatus.PUBLISHED, cadre__supervising_grid=grid, cadre__status=CadreStatus.SERVING
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
