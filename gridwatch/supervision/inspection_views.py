"""Inspections of grids (督促检查, R22): the list (kind, status, township; overdue flagged), the form in two
steps (the grid, then the inspection with the grid's cadres), and the page with the follow-up form.

Inspections are reached through ``inspections.inspections_for`` (jurisdiction and recusal): another
township, or an inspection naming a cadre the reader is conflicted with, answers 404. Inside it, recording
is the inspectors' and the follow-up the inspectors' of the area or county commission staff's (403
otherwise)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.cases import receipts
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles

from . import inspections
from .models import Inspection, InspectionKind, InspectionStatus
from .register_forms import FollowUpForm, InspectionForm, InspectionGridForm
from .roles import INSPECTION_READERS, INSPECTORS


def _status_filters():
    return [
        (InspectionStatus.OPEN.value, InspectionStatus.OPEN.label),
        (inspections.OVERDUE, gettext_lazy("Overdue")),
        (InspectionStatus.CLOSED.value, InspectionStatus.CLOSED.label),
    ]


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET"])
@roles(*INSPECTION_READERS)
def inspection_list(request):
    townships = list(inspections.list_townships(request.user))
    code = request.GET.get("township", "")
    township = next((t for t in townships if t.code == code), None)
    kind = request.GET.get("kind", "")
    if kind not in InspectionKind.values:
        kind = ""
    statuses = _status_filters()
    status = request.GET.get("status", "")
    if status not in dict(statuses):
        status = ""
    page = paginate(
        request,
        inspections.inspection_list(user=request.user, kind=kind, status=status, township=township),
        settings.GRIDWATCH_PAGE_SIZE,
    )
    context = {
        "page": page,
        "townships": townships,
        "kinds": InspectionKind.choices,
        "statuses": statuses,
        "filters": {
            # With one township there is no township select: nothing to count as a filter set.
            "township": township.code if township and len(townships) > 1 else "",
            "kind": kind,
            "status": status,
        },
        "can_record": has_role(request.user, *INSPECTORS),
    }
    return render(request, "supervision/inspections/list.html", context)


@require_http_methods(["GET", "POST"])
@roles(*INSPECTORS)
def inspection_create(request):
    """Step one (no ``grid``): choose the grid. Step two: the inspection, with the grid's cadres to name."""
    grids = inspections.inspection_grids(request.user)
    source = request.POST if request.method == "POST" else request.GET
    grid_form = InspectionGridForm(source if "grid" in source else None, grids=grids)
    if not grid_form.is_bound or not grid_form.is_valid():
        status = 400 if grid_form.is_bound else 200
        response = render(request, "supervision/inspections/grid.html", {"form": grid_form}, status=status)
        add_never_cache_headers(response)
        return response
    grid = grid_form.cleaned_data["grid"]
    cadres = inspections.cadre_choices(request.user, grid)
    status = 200
    if request.method == "POST":
        form = InspectionForm(request.POST, cadres=cadres)
        if form.is_valid():
            token = request.POST.get("submission", "")
            claim = receipts.submission_claim(token)
            if claim == "used":
                messages.warning(request, _("This inspection was already saved: the form was sent twice."))
                return redirect("supervision:inspection_list")
            if claim == "invalid":
                form.add_error(None, _("The form has expired. Check what you typed and send it again."))
            else:
                try:
                    inspection = inspections.inspection_record(
                        actor=request.user, grid=grid, **form.cleaned_data
                    )
                except DomainError as exc:
                    receipts.submission_release(token)
                    _show_error(form, exc)
                else:
                    messages.success(request, _("The inspection was recorded."))
                    return redirect("supervision:inspection_detail", pk=inspection.pk)
        status = 400
    else:
        form = InspectionForm(
            initial={"kind": InspectionKind.REGULAR, "inspected_on": timezone.localdate()}, cadres=cadres
        )
    context = {"form": form, "grid": grid, "submission": receipts.submission_token_new()}
    response = render(request, "supervision/inspections/form.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _inspection_for(request, pk):
    try:
        return inspections.inspection_for(request.user, pk)
    except (Inspection.DoesNotExist, ValueError):
        raise Http404 from None


def _detail(request, inspection, *, form=None, status=200):
    context = {
        "inspection": inspection,
        "cadres": inspection.cadres.select_related("unit").order_by("name_pinyin", "id"),
        "can_follow_up": inspections.may_follow_up(request.user, inspection),
        "form": form or FollowUpForm(),
    }
    response = render(request, "supervision/inspections/detail.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET"])
@roles(*INSPECTION_READERS)
def inspection_detail(request, pk):
    return _detail(request, _inspection_for(request, pk))


@require_POST
@roles(*INSPECTION_READERS)
def inspection_follow_up(request, pk):
    """Record the follow-up of the corrections, which closes the inspection."""
    inspection = _inspection_for(request, pk)
    if not inspections.may_close(request.user, inspection):
        raise PermissionDenied
    if inspection.status != InspectionStatus.OPEN:
        messages.warning(request, _("This inspection is already closed."))
        return redirect("supervision:inspection_detail", pk=inspection.pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            inspections.inspection_follow_up(actor=request.user, inspection=inspection, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The follow-up was recorded and the inspection closed."))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return _detail(request, inspection, form=form, status=400)
