"""Warning notice pages (预警书, R15): the list of notices in the reader's jurisdiction; the issuers' queue of
proposals with the issue and decline forms; the page of a notice with its follow-ups, the record forms for
whoever owes each and the appeal decision; the cadre's own notices with acknowledgement and appeal.

A notice is reached through ``selectors.notices_for`` (jurisdiction and recusal): outside it answers 404.
Inside it, a step the user may not take answers 403, as on the commitment pages. The cadre's pages read
only ``selectors.own_notices``: never the report behind a notice.

A form sent twice (a double tap on a slow phone, SECURITY.md item 10) is not a failure: when what it asks is
already done (the notice issued from this finding, the proposal declined, the follow-up recorded, the appeal
sent, the receipt acknowledged), the second post leads to the page that shows it with a note saying so, and
only where the user may read that page; elsewhere the answers stay 404 and 403."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.cases.models import Report
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404

from . import selectors, services, workflow
from .forms import AppealForm, DecisionForm, DeclineForm, FollowUpForm, IssueForm
from .models import FollowUp, FollowUpKind, FollowUpStatus, NoticeStatus, WarningNotice
from .roles import ISSUERS, READERS, RECORDERS


def _no_cache(response):
    add_never_cache_headers(response)
    return response


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _notice_for(request, pk):
    return get_for_user_or_404(
        selectors.notice_page(selectors.notices_for(request.user)), request.user, pk=pk
    )


def _proposal_for(request, report_pk):
    try:
        return selectors.proposals_for(request.user).get(pk=report_pk)
    except (Report.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def _already_issued(request, report_pk):
    """The page of the notice issued from the finding ``report_pk``, with a note, when the user may read
    it; ``None`` otherwise."""
    notice = selectors.notices_for(request.user).filter(report_id=report_pk).only("pk").first()
    if notice is None:
        return None
    messages.info(request, _("A warning notice has already been issued for this finding."))
    return redirect("formal_warnings:detail", pk=notice.pk)


def _already_declined(request, report_pk):
    """The queue, with a note, when the proposal ``report_pk`` that the user may follow was declined;
    ``None`` otherwise."""
    if (
        not selectors.all_proposals_for(request.user)
        .filter(pk=report_pk, warning_decline__isnull=False)
        .exists()
    ):
        return None
    messages.info(request, _("This proposal has already been declined."))
    return redirect("formal_warnings:proposals")


def _own_notice(request, pk):
    try:
        return (
            selectors.own_notices(request.user)
            .select_related("cadre")
            .prefetch_related("follow_ups")
            .get(pk=pk)
        )
    except (WarningNotice.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


# ------------------------------------------------------------------------------------------------ lists


@require_http_methods(["GET"])
@roles(*READERS)
def notice_list(request):
    """The notices of the reader's jurisdiction, with the next open follow-up of each."""
    status = request.GET.get("status") or ""
    if status not in NoticeStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    page = paginate(
        request,
        selectors.notice_list(user=request.user, status=status, overdue=overdue),
        settings.GRIDWATCH_PAGE_SIZE,
    )
    context = {
        "page": page,
        "statuses": NoticeStatus.choices,
        "filters": {"status": status, "overdue": "1" if overdue else ""},
        "is_issuer": has_role(request.user, *ISSUERS),
        "today": timezone.localdate(),
    }
    if context["is_issuer"]:
        # The button to the queue says how many wait, and is the page's primary action only when some do.
        context["proposals_waiting"] = selectors.proposals_for(request.user).order_by().count()
    return render(request, "formal_warnings/notice_list.html", context)


def _active_count_subquery():
    return Coalesce(
        Subquery(
            WarningNotice.objects.filter(cadre_id=OuterRef("subject_cadre_id"))
            .exclude(status=NoticeStatus.WITHDRAWN)
            .order_by()
            .values("cadre_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


@require_http_methods(["GET"])
@roles(*ISSUERS)
def proposal_list(request):
    """The findings proposed for a warning notice that the issuer may follow, oldest first."""
    proposals = selectors.proposals_for(request.user).annotate(notices_in_force=_active_count_subquery())
    page = paginate(request, proposals, settings.GRIDWATCH_PAGE_SIZE)
    return render(request, "formal_warnings/proposal_list.html", {"page": page})


# ------------------------------------------------------------------------------------------- proposals


def _ladder(cadre):
    ordinal, kinds = services.ladder_preview(cadre)
    today = timezone.localdate()
    steps = [(FollowUpKind(kind).label, services.due_date(kind, today)) for kind in kinds]
    return {"ordinal": ordinal, "steps": steps}


@require_http_methods(["GET", "POST"])
@roles(*ISSUERS)
def notice_issue(request, report_pk):
    """Issue a notice from a proposed finding; the page says which rung of the ladder it is."""
    try:
        report = _proposal_for(request, report_pk)
    except Http404:
        # A second post of the form, not a page asked for again: that stays 404 like any finding followed.
        already = _already_issued(request, report_pk) if request.method == "POST" else None
        if already is None:
            raise
        return already
    status = 200
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                notice = services.notice_issue(actor=request.user, report=report, **form.cleaned_data)
            except DomainError as exc:
                # Issued meanwhile by a post that got there first.
                already = _already_issued(request, report_pk)
                if already is not None:
                    return already
                _show_error(form, exc)
            else:
                messages.success(
                    request, _("Warning notice %(reference)s was issued.") % {"reference": notice.reference}
                )
                return redirect("formal_warnings:detail", pk=notice.pk)
        status = 400
    else:
        form = IssueForm(initial={"problem": report.finding_summary})
    context = {
        "form": form,
        "report": report,
        "cadre": report.subject_cadre,
        "ladder": _ladder(report.subject_cadre),
    }
    return _no_cache(render(request, "formal_warnings/issue_form.html", context, status=status))


@require_http_methods(["GET", "POST"])
@roles(*ISSUERS)
def proposal_decline(request, report_pk):
    try:
        report = _proposal_for(request, report_pk)
    except Http404:
        already = None
        if request.method == "POST":
            already = _already_declined(request, report_pk) or _already_issued(request, report_pk)
        if already is None:
            raise
        return already
    status = 200
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.proposal_decline(actor=request.user, report=report, **form.cleaned_data)
            except DomainError as exc:
                already = _already_declined(request, report_pk) or _already_issued(request, report_pk)
                if already is not None:
                    return already
                _show_error(form, exc)
            else:
                messages.success(request, _("The proposal was declined."))
                return redirect("formal_warnings:proposals")
        status = 400
    else:
        form = DeclineForm()
    context = {"form": form, "report": report, "cadre": report.subject_cadre}
    return _no_cache(render(request, "formal_warnings/decline_form.html", context, status=status))


# ----------------------------------------------------------------------------------------------- detail


def _detail(request, notice, *, bound=None, decision_form=None, status=200):
    """The page of a notice. ``bound``: a refused follow-up form, shown in place of the empty one. Who the
    user is to the notice (an issuer for the cadre, a liaison of the unit) is asked once for the page, not
    once per follow-up."""
    user = request.user
    issuer = selectors.issues_for(user, notice.cadre)
    unit_liaison = selectors.is_unit_liaison(user, notice.unit_id)
    rows = []
    for follow_up in notice.follow_ups.all():
        form = None
        if follow_up.status == FollowUpStatus.OPEN and selectors.records_for(
            user, follow_up, notice, issuer=issuer, unit_liaison=unit_liaison
        ):
            if bound is not None and bound.prefix == f"fu{follow_up.pk}":
                form = bound
            else:
                form = FollowUpForm(prefix=f"fu{follow_up.pk}", initial={"done_on": timezone.localdate()})
        rows.append({"follow_up": follow_up, "form": form})
    actions = workflow.available_actions(notice, user, issuer=issuer)
    context = {
        "notice": notice,
        "rows": rows,
        "is_issuer": issuer,
        "decision_form": (decision_form or DecisionForm()) if {"grant", "dismiss"} & actions else None,
    }
    return _no_cache(render(request, "formal_warnings/notice_detail.html", context, status=status))


@require_http_methods(["GET"])
@roles(*READERS)
def notice_detail(request, pk):
    return _detail(request, _notice_for(request, pk))


def _already_recorded(request, notice):
    messages.info(request, _("This follow-up was already recorded."))
    return redirect("formal_warnings:detail", pk=notice.pk)


@require_POST
@roles(*RECORDERS)
def followup_record(request, pk, follow_up_id):
    notice = _notice_for(request, pk)
    follow_up = next((f for f in notice.follow_ups.all() if f.pk == follow_up_id), None)
    if follow_up is None:
        raise Http404
    if not selectors.records_for(request.user, follow_up, notice):
        raise PermissionDenied
    if follow_up.status == FollowUpStatus.DONE:
        return _already_recorded(request, notice)
    if follow_up.status != FollowUpStatus.OPEN:
        raise PermissionDenied
    form = FollowUpForm(request.POST, prefix=f"fu{follow_up.pk}")
    if form.is_valid():
        try:
            services.followup_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except DomainError as exc:
            # Recorded meanwhile by a post that got there first.
            if FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.DONE).exists():
                return _already_recorded(request, notice)
            _show_error(form, exc)
        else:
            messages.success(request, _("The follow-up was recorded."))
            return redirect("formal_warnings:detail", pk=notice.pk)
    return _detail(request, notice, bound=form, status=400)


def _already_decided(request, notice):
    messages.info(request, _("This appeal has already been decided."))
    return redirect("formal_warnings:detail", pk=notice.pk)


@require_POST
@roles(*ISSUERS)
def appeal_decide(request, pk):
    notice = _notice_for(request, pk)
    issuer = selectors.issues_for(request.user, notice.cadre)
    if notice.decision and issuer:
        return _already_decided(request, notice)
    if not {"grant", "dismiss"} & workflow.available_actions(notice, request.user, issuer=issuer):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_decide(actor=request.user, notice=notice, **form.cleaned_data)
        except DomainError as exc:
            # Decided meanwhile by a post that got there first.
            if WarningNotice.objects.filter(pk=notice.pk).exclude(decision="").exists():
                return _already_decided(request, notice)
            _show_error(form, exc)
        else:
            messages.success(request, _("The appeal was decided and the cadre told."))
            return redirect("formal_warnings:detail", pk=notice.pk)
    return _detail(request, notice, decision_form=form, status=400)


# ----------------------------------------------------------------------------------------------- cadre


@require_http_methods(["GET"])
@roles(Role.CADRE)
def my_notices(request):
    """The cadre's own warning notices."""
    notices = list(selectors.own_notices(request.user))
    in_force = sum(1 for n in notices if n.status != NoticeStatus.WITHDRAWN)
    return render(request, "formal_warnings/my_notices.html", {"notices": notices, "in_force": in_force})


def _my_notice(request, notice, *, appeal_form=None, status=200):
    context = {
        "notice": notice,
        "actions": workflow.available_actions(notice, request.user),
        "appeal_form": appeal_form or AppealForm(),
    }
    return _no_cache(render(request, "formal_warnings/my_notice.html", context, status=status))


@require_http_methods(["GET"])
@roles(Role.CADRE)
def my_notice(request, pk):
    return _my_notice(request, _own_notice(request, pk))


def _refreshed(notice):
    return WarningNotice.objects.only("acknowledged_at", "appealed_at").get(pk=notice.pk)


def _already_appealed(request, notice):
    messages.info(request, _("You have already appealed against this notice."))
    return redirect("formal_warnings:my_notice", pk=notice.pk)


@require_POST
@roles(Role.CADRE)
def notice_acknowledge(request, pk):
    notice = _own_notice(request, pk)
    if workflow.already_done(notice, "acknowledge"):
        messages.info(request, _("You have already acknowledged this notice."))
        return redirect("formal_warnings:my_notice", pk=notice.pk)
    try:
        services.notice_acknowledge(actor=request.user, notice=notice)
    except DomainError as exc:
        if _refreshed(notice).acknowledged_at is not None:
            messages.info(request, _("You have already acknowledged this notice."))
        else:
            messages.error(request, exc.message)
    else:
        messages.success(request, _("You acknowledged the notice (签收)."))
    return redirect("formal_warnings:my_notice", pk=notice.pk)


@require_POST
@roles(Role.CADRE)
def notice_appeal(request, pk):
    notice = _own_notice(request, pk)
    if workflow.already_done(notice, "appeal"):
        return _already_appealed(request, notice)
    if "appeal" not in workflow.available_actions(notice, request.user):
        raise PermissionDenied
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.notice_appeal(actor=request.user, notice=notice, **form.cleaned_data)
        except DomainError as exc:
            # Sent meanwhile by a post that got there first.
            if _refreshed(notice).appealed_at is not None:
                return _already_appealed(request, notice)
            _show_error(form, exc)
        else:
            messages.success(request, _("Your appeal was sent to the county commission."))
            return redirect("formal_warnings:my_notice", pk=notice.pk)
    return _my_notice(request, notice, appeal_form=form, status=400)
