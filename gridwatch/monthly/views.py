"""Pages of the monthly information report (R13) and urgent matters.

A report is addressed by its township's code and its month (``/monthly/522729101000/2026-10/``): a township
outside the reader's jurisdiction is the 404 of one that does not exist. The page, the Excel file (and the
PDF) are drawn from one document (``document.report_document``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404

from . import exports, selectors, services, workflow
from .document import page_blocks, report_document
from .forms import RemarksForm, ReturnForm, UrgentMatterForm
from .roles import (
    COMPILERS,
    OVERVIEW_READERS,
    READERS,
    RECEIVERS,
    URGENT_ACKNOWLEDGERS,
    URGENT_READERS,
    URGENT_REPORTERS,
)


def _month_code(month):
    return month.strftime("%Y-%m")


# ------------------------------------------------------------------------------------------------ lists


@require_http_methods(["GET"])
@roles(*READERS)
def index(request):
    """County staff and the office land on the overview; township staff and liaisons on their townships'
    months (the running month compiled live)."""
    if has_role(request.user, *OVERVIEW_READERS):
        return redirect("monthly:overview")
    today = timezone.localdate()
    townships = list(selectors.townships_for(request.user))
    months = selectors.list_months(request.user, today)
    matrix = selectors.reports_matrix(request.user, townships, months)
    sections = []
    for township in townships:
        rows = []
        for month in months:
            report = matrix.get((township.pk, month))
            state, colour = workflow.cell_state(report, month, today)
            rows.append(
                {
                    "month": month,
                    "code": _month_code(month),
                    "state": workflow.CELL_LABELS[state],
                    "colour": colour,
                    "due": workflow.due_date(month),
                }
            )
        sections.append({"township": township, "rows": rows})
    context = {
        "sections": sections,
        "can_read_urgent": has_role(request.user, *URGENT_READERS),
        "can_report_urgent": has_role(request.user, *URGENT_REPORTERS),
    }
    return render(request, "monthly/index.html", context)


@require_http_methods(["GET"])
@roles(*OVERVIEW_READERS)
def overview(request):
    """Townships × recent months: received, submitted (late), returned, due today, missing. Two queries
    for the table whatever the number of townships."""
    today = timezone.localdate()
    townships = list(selectors.townships_for(request.user))
    months = selectors.overview_months(request.user, today)
    matrix = selectors.reports_matrix(request.user, townships, months)
    rows = []
    counts = {"missing": 0, "late": 0, "waiting": 0}
    for township in townships:
        cells = []
        for month in months:
            report = matrix.get((township.pk, month))
            state, colour = workflow.cell_state(report, month, today)
            if state in ("missing", "due_today"):
                counts["missing"] += 1
            if state.endswith("_late"):
                counts["late"] += 1
            if state.startswith("submitted"):
                counts["waiting"] += 1
            cells.append({"code": _month_code(month), "state": workflow.CELL_LABELS[state], "colour": colour})
        rows.append({"township": township, "cells": cells})
    context = {
        "months": [{"month": m, "code": _month_code(m)} for m in months],
        "rows": rows,
        "counts": counts,
        "pending_urgent": selectors.urgent_list(request.user, pending_only=True).count(),
        "summary_months": [_month_code(m) for m in months],
    }
    return render(request, "monthly/overview.html", context)


def _xlsx_response(content, filename):
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
@roles(*OVERVIEW_READERS)
def summary_export(request, month):
    """The county's month summary across townships as an Excel file (an audited export)."""
    month = selectors.parse_month(month)
    today = timezone.localdate()
    if not workflow.month_is_over(month, today):
        raise Http404
    townships = list(selectors.townships_for(request.user))
    matrix = selectors.reports_matrix(request.user, townships, [month], figures=True)
    reports = {t.pk: matrix.get((t.pk, month)) for t in townships}
    document = exports.summary_document(townships=townships, month=month, reports=reports, today=today)
    content = exports.document_workbook(document, sheet_title=_month_code(month))
    audit_log(
        actor=request.user,
        action="monthly.summary_export",
        object_type="monthly.monthlyreport",
        object_label=_month_code(month),
        changes={"month": _month_code(month), "townships": len(townships), "format": "xlsx"},
    )
    return _xlsx_response(content, f"{_('monthly-summary')}-{_month_code(month)}.xlsx")


# ------------------------------------------------------------------------------------------------ report


def _report_context(request, code, month_text):
    township = selectors.township_for_user_or_404(request.user, code)
    month = selectors.parse_month(month_text)
    today = timezone.localdate()
    if month > today:
        raise Http404
    report = selectors.report_for(request.user, township, month)
    figures = selectors.figures_of(report, township, month)
    document = report_document(
        township=township,
        month=month,
        figures=figures,
        report=report,
        hidden_cadres=selectors.hidden_cadres(request.user),
    )
    return {
        "township": township,
        "month": month,
        "month_code": _month_code(month),
        "report": report,
        "status": workflow.status_of(report),
        "document": document,
        "today": today,
    }


def _detail(request, context, *, remarks_form=None, return_form=None, status=200):
    user = request.user
    township, month, report = context["township"], context["month"], context["report"]
    actions = workflow.available_actions(report, user, township=township, month=month, today=context["today"])
    state, colour = workflow.cell_state(report, month, context["today"])
    context.update(
        {
            "actions": actions,
            "state": workflow.CELL_LABELS[state],
            "colour": colour,
            "can_edit_remarks": workflow.may_edit_remarks(report, user, township=township),
            "remarks_form": remarks_form
            or RemarksForm(initial={"remarks": report.remarks if report else ""}),
            "return_form": return_form or ReturnForm(),
            "blocks": page_blocks(context["document"]["sections"]),
            "pdf_available": True,
            "transitions": selectors.transitions_of(report),
            "month_over": workflow.month_is_over(month, context["today"]),
            "withheld_note": exports.withheld_note(context["document"]["withheld"])
            if context["document"]["withheld"]
            else "",
        }
    )
    response = render(request, "monthly/report_detail.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET"])
@roles(*READERS)
def report_detail(request, code, month):
    return _detail(request, _report_context(request, code, month))


@require_POST
@roles(*COMPILERS)
def report_remarks(request, code, month):
    """Save the township's remarks (or save them and submit, with the form's second button)."""
    context = _report_context(request, code, month)
    form = RemarksForm(request.POST)
    if form.is_valid():
        submit = request.POST.get("then") == "submit"
        try:
            if submit:
                services.report_submit(
                    actor=request.user,
                    township=context["township"],
                    month=context["month"],
                    remarks=form.cleaned_data["remarks"],
                )
            else:
                services.report_remarks_save(
                    actor=request.user,
                    township=context["township"],
                    month=context["month"],
                    remarks=form.cleaned_data["remarks"],
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if submit:
                messages.success(request, _("The report was submitted to the county."))
            else:
                messages.success(request, _("The remarks were saved."))
            return redirect("monthly:report_detail", code=code, month=context["month_code"])
    return _detail(request, _report_context(request, code, month), remarks_form=form, status=400)


@require_POST
@roles(*(COMPILERS | RECEIVERS))
def report_action(request, code, month, action):
    """Submit (township staff), receive or return with a reason (county staff)."""
    if action not in workflow.ACTIONS:
        raise Http404
    context = _report_context(request, code, month)
    target, _sources, role = workflow.ACTIONS[action]
    if not workflow.holds_role_over(request.user, role, context["township"].path):
        raise PermissionDenied
    report = context["report"]
    return_form = None
    try:
        if action == workflow.SUBMIT:
            services.report_submit(actor=request.user, township=context["township"], month=context["month"])
            messages.success(request, _("The report was submitted to the county."))
        elif report is None:
            raise DomainError(_("The township has not submitted this report."))
        elif action == workflow.RECEIVE:
            services.report_receive(actor=request.user, report=report)
            messages.success(request, _("The report was received."))
        else:
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                return _detail(request, context, return_form=return_form, status=400)
            services.report_return(
                actor=request.user, report=report, reason=return_form.cleaned_data["reason"]
            )
            messages.success(request, _("The report was returned to the township for correction."))
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, context, return_form=return_form, status=400)
    return redirect("monthly:report_detail", code=code, month=context["month_code"])


@require_http_methods(["GET"])
@roles(*READERS)
def report_export(request, code, month):
    """The report as an Excel file: the page's document, cell for cell (an audited export)."""
    context = _report_context(request, code, month)
    content = exports.document_workbook(context["document"], sheet_title=context["month_code"])
    _audit_export(request, context, "xlsx")
    filename = f"{_('monthly-report')}-{context['township'].code}-{context['month_code']}.xlsx"
    return _xlsx_response(content, filename)


PDF = "application/pdf"


@require_http_methods(["GET"])
@roles(*READERS)
def report_pdf(request, code, month):
    """The report as a PDF: the page's document, with a Chinese font (an audited export)."""
    context = _report_context(request, code, month)
    try:
        content = exports.document_pdf(context["document"])
    except DomainError as exc:  # no Chinese font installed: say so rather than print empty boxes
        messages.error(request, exc.message)
        return redirect("monthly:report_detail", code=code, month=context["month_code"])
    _audit_export(request, context, "pdf")
    response = HttpResponse(content, content_type=PDF)
    filename = f"{_('monthly-report')}-{context['township'].code}-{context['month_code']}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _audit_export(request, context, fmt):
    report = context["report"]
    audit_log(
        actor=request.user,
        action="monthly.export",
        obj=report,
        object_type="monthly.monthlyreport",
        object_label=f"{context['township'].name} · {context['month_code']}",
        changes={"township": context["township"].code, "month": context["month_code"], "format": fmt},
    )


# ---------------------------------------------------------------------------------------- urgent matters


@require_http_methods(["GET"])
@roles(*URGENT_READERS)
def urgent_list(request):
    """The urgent matters of the reader's areas, those not yet acknowledged first."""
    matters = list(selectors.urgent_list(request.user)[:200])
    context = {
        "matters": matters,
        "can_report": has_role(request.user, *URGENT_REPORTERS),
        "pending": sum(1 for m in matters if m.acknowledged_at is None),
    }
    return render(request, "monthly/urgent_list.html", context)


@require_http_methods(["GET", "POST"])
@roles(*URGENT_REPORTERS)
def urgent_create(request):
    areas = selectors.urgent_areas(request.user)
    area_list = list(areas)
    if not area_list:
        raise PermissionDenied
    kwargs = {"areas": areas, "cadres": selectors.urgent_cadres(request.user, area_list)}
    status = 200
    if request.method == "POST":
        form = UrgentMatterForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                matter = services.urgent_matter_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, _("The urgent matter was sent: the county commission has been told.")
                )
                return redirect("monthly:urgent_detail", pk=matter.pk)
        status = 400
    else:
        form = UrgentMatterForm(**kwargs)
    response = render(request, "monthly/urgent_form.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


def _matter_for(request, pk):
    return get_for_user_or_404(
        selectors.urgent_matters_for(request.user).select_related(
            "area__parent", "cadre__unit", "reported_by", "acknowledged_by", "report"
        ),
        request.user,
        pk=pk,
    )


@require_http_methods(["GET"])
@roles(*URGENT_READERS)
def urgent_detail(request, pk):
    """One urgent matter with its details: a read of sensitive text, audited."""
    matter = _matter_for(request, pk)
    audit_log(actor=request.user, action="urgent.view", obj=matter, object_label=matter.area.name)
    context = {
        "matter": matter,
        "can_acknowledge": matter.acknowledged_at is None
        and workflow.holds_role_over(request.user, Role.COUNTY_STAFF, matter.area.path),
    }
    response = render(request, "monthly/urgent_detail.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
@roles(*URGENT_ACKNOWLEDGERS)
def urgent_acknowledge(request, pk):
    matter = _matter_for(request, pk)
    try:
        services.urgent_matter_acknowledge(actor=request.user, matter=matter)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The urgent matter was acknowledged."))
    return redirect("monthly:urgent_detail", pk=matter.pk)
