"""The sentiment diary (民情日记, R14): grid teams write what they hear on their visits, on a phone; the
readers of the grid's area list and read it; an entry worth handling is turned into a case.

Entries are reached through jurisdiction and recusal alone (``selectors.diary_entries_for``): whoever
holds no diary scope over an entry (another grid or township, the cadre it is about, their unit's liaison,
a declared relation, the administrators) gets the 404 of an entry that does not exist. Inside it, what a
reader may change is decided by their role and the entry (403).
"""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.cases import receipts
from gridwatch.cases.selectors import reports_for
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import authenticated, roles
from gridwatch.core.scoping import get_for_user_or_404

from . import selectors, services
from .forms import DiaryEntryForm, ToCaseForm
from .roles import DIARY_CONVERTERS, DIARY_READERS, DIARY_WRITERS

FIELDS = ("visited_on", "place", "people_met", "heard", "circle", "cadre")


def _entry_for(request, pk):
    return get_for_user_or_404(
        selectors.diary_entries_for(request.user).select_related(
            "grid__parent", "cadre__unit", "author", "report"
        ),
        request.user,
        pk=pk,
    )


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# ------------------------------------------------------------------------------------------------ list


def _month(value):
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


MONTHS_OFFERED = 12


def _recent_months(chosen):
    """The first days of the last twelve months, newest first, with the chosen month if it is older."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _i in range(MONTHS_OFFERED):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    if chosen is not None and chosen not in months:
        months.append(chosen)
    return months


def _uuid(value):
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


@require_http_methods(["GET"])
@roles(*DIARY_READERS)
def diary_list(request):
    """The diary of the reader's grids, newest visit first, by grid, month and cadre."""
    grids = list(selectors.diary_grids(request.user))
    code = request.GET.get("grid", "")
    grid = next((g for g in grids if g.code == code), None)
    month = _month(request.GET.get("month"))
    cadre = _uuid(request.GET.get("cadre"))
    page = paginate(
        request,
        selectors.diary_list(user=request.user, grid=grid, month=month, cadre=cadre),
        settings.GRIDWATCH_PAGE_SIZE,
    )
    context = {
        "page": page,
        "grids": grids,
        "grid": grid,
        "cadres": selectors.diary_cadres(request.user, grid=grid),
        "months": _recent_months(month),
        "filters": {
            # With one grid there is no grid select: nothing to count as a filter set.
            "grid": grid.code if grid and len(grids) > 1 else "",
            "month": month.strftime("%Y-%m") if month else "",
            "cadre": str(cadre) if cadre else "",
        },
        "can_write": has_role(request.user, *DIARY_WRITERS),
    }
    return render(request, "supervision/diary_list.html", context)


# ----------------------------------------------------------------------------------------------- write


def _entry_values(form):
    return {name: form.cleaned_data.get(name) for name in FIELDS}


@require_http_methods(["GET", "POST"])
@roles(*DIARY_WRITERS)
def diary_create(request):
    """A new entry for a grid the writer holds a post in (the only one, or the one they choose). The form
    carries a one-time token, so that a double tap on a slow phone network saves one entry."""
    grids = list(selectors.writer_grids(request.user))
    if not grids:  # pragma: no cover - the grid roles come from the posts themselves
        raise PermissionDenied
    kwargs = {
        "grids": selectors.writer_grids(request.user),
        "cadres": selectors.cadre_choices(request.user, [g.pk for g in grids]),
    }
    status = 200
    if request.method == "POST":
        form = DiaryEntryForm(request.POST, **kwargs)
        if form.is_valid():
            token = request.POST.get("submission", "")
            claim = receipts.submission_claim(token)
            if claim == "used":
                messages.warning(request, _("This entry was already saved: the form was sent twice."))
                return redirect("supervision:diary_list")
            if claim == "invalid":
                form.add_error(None, _("The form has expired. Check what you typed and send it again."))
            else:
                try:
                    entry = services.diary_entry_create(
                        actor=request.user,
                        grid=form.cleaned_data.get("grid") or grids[0],
                        **_entry_values(form),
                    )
                except DomainError as exc:
                    receipts.submission_release(token)
                    _show_error(form, exc)
                else:
                    messages.success(request, _("The diary entry was saved."))
                    return redirect("supervision:diary_detail", pk=entry.pk)
        status = 400
    else:
        form = DiaryEntryForm(initial={"visited_on": timezone.localdate()}, **kwargs)
    context = {
        "form": form,
        "grid": grids[0] if len(grids) == 1 else None,
        "submission": receipts.submission_token_new(),
    }
    response = render(request, "supervision/diary_form.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@authenticated
def diary_update(request, pk):
    """The author corrects their entry while it has not been turned into a case."""
    entry = _entry_for(request, pk)
    if not selectors.may_edit(request.user, entry):
        raise PermissionDenied
    cadres = selectors.cadre_choices(request.user, [entry.grid_id], keep=entry.cadre_id)
    status = 200
    if request.method == "POST":
        form = DiaryEntryForm(request.POST, cadres=cadres)
        if form.is_valid():
            try:
                services.diary_entry_update(actor=request.user, entry=entry, **_entry_values(form))
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("The diary entry was saved."))
                return redirect("supervision:diary_detail", pk=entry.pk)
        status = 400
    else:
        form = DiaryEntryForm(
            initial={
                "visited_on": entry.visited_on,
                "place": entry.place,
                "people_met": entry.people_met,
                "heard": entry.heard,
                "circle": entry.circle,
                "cadre": entry.cadre_id,
            },
            cadres=cadres,
        )
    context = {"form": form, "entry": entry, "grid": entry.grid}
    response = render(request, "supervision/diary_form.html", context, status=status)
    add_never_cache_headers(response)
    return response


# ---------------------------------------------------------------------------------------------- detail


def _may_open(user, url):
    """Whether the page at ``url`` lets ``user`` in by its permission policy (no link to a 403)."""
    policy = getattr(resolve(url).func, "gridwatch_policy", None)
    if isinstance(policy, tuple) and policy[0] == "roles":
        return has_role(user, *policy[1])
    return policy in ("authenticated", "public")


def _case_link(user, entry):
    """The case page of a converted entry, for a reader who may open it (the case pages are the case
    staff's, and recusal holds there as here); else ``None``."""
    if entry.report_id is None:
        return None
    url = reverse("cases:case_detail", args=[entry.report_id])
    if _may_open(user, url) and reports_for(user).filter(pk=entry.report_id).exists():
        return url
    return None


def _detail(request, entry, *, case_form=None, status=200):
    user = request.user
    may_convert = (
        entry.report_id is None and has_role(user, *DIARY_CONVERTERS) and selectors.may_convert(user, entry)
    )
    context = {
        "entry": entry,
        "can_edit": selectors.may_edit(user, entry),
        "can_convert": may_convert,
        "case_form": case_form or ToCaseForm(needs_subject=entry.cadre_id is None),
        "case_url": _case_link(user, entry),
    }
    response = render(request, "supervision/diary_detail.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET"])
@authenticated
def diary_detail(request, pk):
    return _detail(request, _entry_for(request, pk))


@require_POST
@authenticated
def diary_to_case(request, pk):
    """Turn the entry into a case (a report of the grid-supervisor channel), once."""
    entry = _entry_for(request, pk)
    if not (has_role(request.user, *DIARY_CONVERTERS) and selectors.may_convert(request.user, entry)):
        raise PermissionDenied
    form = ToCaseForm(request.POST, needs_subject=entry.cadre_id is None)
    if form.is_valid():
        try:
            services.diary_entry_to_case(actor=request.user, entry=entry, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The entry was turned into a case."))
            return redirect("supervision:diary_detail", pk=entry.pk)
    return _detail(request, entry, case_form=form, status=400)
