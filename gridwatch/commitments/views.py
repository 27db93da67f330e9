"""Commitment pages (亮承诺、比贡献, R7): the cadre's own commitments and form; the list and review queue of
the community party organisation, township and county staff; the commitment page with its history and the
reviewer's forms (review, half-year fulfilment meeting, year-end rating); the public page of a grid.

A commitment is reached through ``selectors.commitments_for`` (jurisdiction): out of it answers 404. Inside
it, what the user may do is ``workflow.available_actions`` (403 otherwise)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import public, roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.geography.models import Area, Level

from . import selectors, services, workflow
from .forms import FulfilmentForm, RatingForm, ReturnForm, formset_items, item_formset
from .models import CommitmentStatus
from .roles import LIST_READERS, READERS, REVIEWERS


def _commitment_for(request, pk):
    return get_for_user_or_404(
        selectors.commitment_page(selectors.commitments_for(request.user)), request.user, pk=pk
    )


def _require(request, commitment, action):
    if action not in workflow.available_actions(commitment, request.user):
        raise PermissionDenied


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _no_cache(response):
    add_never_cache_headers(response)
    return response


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------------ lists


@require_http_methods(["GET"])
@roles(*LIST_READERS)
def commitment_list(request):
    """The commitments of the reader's jurisdiction; reviewers land on those awaiting review."""
    status = request.GET.get("status")
    if status is None and has_role(request.user, *REVIEWERS):
        status = CommitmentStatus.SUBMITTED
    if status not in CommitmentStatus.values:
        status = ""
    year = _int(request.GET.get("year"))
    page = paginate(
        request,
        selectors.commitment_list(user=request.user, status=status, year=year),
        settings.GRIDWATCH_PAGE_SIZE,
    )
    statuses = [
        (value, label) for value, label in CommitmentStatus.choices if value != CommitmentStatus.DRAFT
    ]
    context = {
        "page": page,
        "statuses": statuses,
        "years": selectors.commitment_years(request.user),
        "filters": {"status": status, "year": year or ""},
    }
    return render(request, "commitments/commitment_list.html", context)


@require_http_methods(["GET"])
@roles(Role.CADRE)
def my_commitments(request):
    """The cadre's commitments; the button to write them while a year open now has none (this year, and
    next year from December on), and a link to this year's once they exist."""
    commitments = list(selectors.own_commitments(request.user))
    this_year = timezone.localdate().year
    to_write = selectors.years_to_write(request.user, written={c.year for c in commitments})
    context = {
        "commitments": commitments,
        "this_year": this_year,
        "write_year": to_write[0] if to_write else None,
        "current": next((c for c in commitments if c.year == this_year), None),
    }
    return render(request, "commitments/my_commitments.html", context)


# ------------------------------------------------------------------------------------------------ write


def _item_form(request, *, commitment=None, years=(), template_status=200):
    """The cadre's form, new or correcting. "Save" keeps a draft; "Save and submit" sends it for review.
    A new one is written for one of ``years`` (those without commitments yet)."""
    status = template_status
    if request.method == "POST":
        add_row = "add_row" in request.POST
        formset = item_formset(request.POST, add_row=add_row)
        if not add_row and formset.is_valid():
            items = formset_items(formset)
            try:
                if commitment is None:
                    year = _int(request.POST.get("year")) or years[0]
                    commitment = services.commitment_create(actor=request.user, year=year, items=items)
                    saved = commitment
                else:
                    saved = services.commitment_update(actor=request.user, commitment=commitment, items=items)
                if request.POST.get("then") == "submit":
                    services.commitment_submit(actor=request.user, commitment=saved)
                    messages.success(request, _("Your commitments were sent for review."))
                else:
                    messages.success(request, _("Your commitments were saved as a draft."))
                return redirect("commitments:detail", pk=saved.pk)
            except DomainError as exc:
                formset._non_form_errors = formset.error_class([exc.message])
                status = 400
        elif not add_row:
            status = 400
    else:
        formset = item_formset(items=commitment.items.all() if commitment else ())
    if commitment is not None:
        year = commitment.year
    else:
        asked = _int(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
        year = asked if asked in years else years[0]
    context = {
        "formset": formset,
        "commitment": commitment,
        "years": years,
        "year": year,
        "max_items": services.MAX_ITEMS,
    }
    return _no_cache(render(request, "commitments/commitment_form.html", context, status=status))


@require_http_methods(["GET", "POST"])
@roles(Role.CADRE)
def commitment_create(request):
    years = selectors.years_to_write(request.user)
    if not years:
        # Every year open now has its commitments: this year's page says what can be done with them.
        messages.info(request, _("You already have commitments for this year."))
        current = selectors.own_commitments(request.user).filter(year=timezone.localdate().year).first()
        return redirect("commitments:detail", pk=current.pk) if current else redirect("commitments:mine")
    return _item_form(request, years=years)


@require_http_methods(["GET", "POST"])
@roles(Role.CADRE)
def commitment_edit(request, pk):
    commitment = _commitment_for(request, pk)
    _require(request, commitment, "edit")
    return _item_form(request, commitment=commitment)


@require_POST
@roles(Role.CADRE)
def commitment_submit(request, pk):
    commitment = _commitment_for(request, pk)
    _require(request, commitment, "submit")
    try:
        services.commitment_submit(actor=request.user, commitment=commitment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your commitments were sent for review."))
    return redirect("commitments:detail", pk=commitment.pk)


# ----------------------------------------------------------------------------------------------- detail


def _detail(request, commitment, *, return_form=None, status=200):
    user = request.user
    actions = workflow.available_actions(commitment, user)
    reviewer_here = has_role(user, *REVIEWERS) and commitment.cadre.user_id != user.pk
    context = {
        "commitment": commitment,
        "items": list(commitment.items.all()),
        "actions": actions,
        "return_form": return_form or ReturnForm(),
        "recused": reviewer_here and not actions and selectors.is_recused(user, commitment),
        "review": getattr(commitment, "fulfilment_review", None),
        "rating": getattr(commitment, "year_end_rating", None),
        "is_own": commitment.cadre.user_id == user.pk,
    }
    return _no_cache(render(request, "commitments/commitment_detail.html", context, status=status))


@require_http_methods(["GET"])
@roles(*READERS)
def commitment_detail(request, pk):
    return _detail(request, _commitment_for(request, pk))


@require_POST
@roles(*REVIEWERS)
def commitment_approve(request, pk):
    commitment = _commitment_for(request, pk)
    _require(request, commitment, "approve")
    try:
        services.commitment_approve(actor=request.user, commitment=commitment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The commitments were approved and published."))
    return redirect("commitments:detail", pk=commitment.pk)


@require_POST
@roles(*REVIEWERS)
def commitment_return(request, pk):
    commitment = _commitment_for(request, pk)
    _require(request, commitment, "return")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.commitment_return(actor=request.user, commitment=commitment, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The commitments went back to the cadre."))
            return redirect("commitments:detail", pk=commitment.pk)
    return _detail(request, commitment, return_form=form, status=400)


@require_http_methods(["GET", "POST"])
@roles(*REVIEWERS)
def fulfilment_form(request, pk):
    """The half-year fulfilment meeting (践诺推进会) of one commitment."""
    commitment = _commitment_for(request, pk)
    _require(request, commitment, "progress")
    items = commitment.items.all()
    status = 200
    if request.method == "POST":
        form = FulfilmentForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.fulfilment_record(
                    actor=request.user,
                    commitment=commitment,
                    held_on=form.cleaned_data["held_on"],
                    attendees=form.cleaned_data["attendees"],
                    summary=form.cleaned_data["summary"],
                    progress=form.progress(),
                )
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("The fulfilment meeting was recorded and published."))
                return redirect("commitments:detail", pk=commitment.pk)
        status = 400
    else:
        form = FulfilmentForm(items=items, initial={"held_on": timezone.localdate()})
    context = {"form": form, "commitment": commitment}
    return _no_cache(render(request, "commitments/fulfilment_form.html", context, status=status))


@require_http_methods(["GET", "POST"])
@roles(*REVIEWERS)
def rating_form(request, pk):
    """The year-end rating of one commitment, entered after the rating meeting."""
    commitment = _commitment_for(request, pk)
    _require(request, commitment, "rate")
    items = commitment.items.all()
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.rating_record(
                    actor=request.user,
                    commitment=commitment,
                    rated_on=form.cleaned_data["rated_on"],
                    contribution=form.cleaned_data["contribution"],
                    counts=form.counts(),
                )
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("The year-end rating was recorded and published."))
                return redirect("commitments:detail", pk=commitment.pk)
        status = 400
    else:
        form = RatingForm(items=items, initial={"rated_on": timezone.localdate()})
    context = {"form": form, "commitment": commitment}
    return _no_cache(render(request, "commitments/rating_form.html", context, status=status))


# ----------------------------------------------------------------------------------------------- public


@public
@require_http_methods(["GET"])
def public_grid(request, code):
    """The published commitments of a grid's cadres, with progress and ratings, for residents and the
    notice-board sheet: name, unit and position of each cadre, nothing else of the registry."""
    grid = Area.objects.filter(level=Level.GRID, code=code).select_related("parent__parent").first()
    if grid is None:
        raise Http404
    years = selectors.public_years(grid)
    year = _int(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else None
    commitments = list(selectors.public_commitments(grid, year=year)) if year else []
    context = {"grid": grid, "years": years, "year": year, "commitments": commitments}
    return render(request, "commitments/public_grid.html", context)
