"""The cadre's side of cases and clearing a cadre's name (澄清正名).

- The cadre's pages ("Findings about me"): only the findings about the cadre linked to the signed-in user.
  They answer 404 to everyone else, the cadre's unit included, the same as a finding that does not exist.
- The clarification panel of the staff case page, the forms behind it, and the county's list of the
  clarifications waiting for a decision.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import authenticated, roles

from . import clarifications
from .models import CLEARING_FINDINGS, ClarificationScope
from .roles import CASE_DECIDERS

# ---------------------------------------------------------------------------------------------- forms


class ClarificationRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why you ask for your name to be cleared"),
        max_length=clarifications.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The county commission reads this and decides."),
    )


class ClarificationProposeForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Suggested scope"), choices=ClarificationScope.choices)
    reason = forms.CharField(
        label=gettext_lazy("Why the cadre's name should be cleared"),
        max_length=clarifications.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClarificationApproveForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope of the clarification"), choices=ClarificationScope.choices
    )
    clarified_on = forms.DateField(
        label=gettext_lazy("Date it was or will be given"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=clarifications.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "The cadre may read this. Never mention the reporter or the wording of the report."
        ),
    )


class ClarificationDeclineForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why it is declined"),
        max_length=clarifications.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "A cadre who asked is told this reason. Never mention the reporter or the wording of the report."
        ),
    )


# ----------------------------------------------------------------------------------------- cadre side


def _with_current(reports):
    """Each report gets ``clarification``: the newest of its clarifications, which is the live one when
    there is one (a new clarification may follow only a declined one)."""
    for report in reports:
        report.clarification = report.clarification_list[0] if report.clarification_list else None
    return reports


@require_http_methods(["GET"])
@authenticated
def my_findings(request):
    """Findings about me: the verified findings about the signed-in cadre, with the state of any
    clarification. A user who is no cadre has no such page."""
    cadre_id = clarifications.own_cadre_id(request.user)
    if cadre_id is None:
        raise Http404
    page = paginate(request, clarifications.findings_about(cadre_id), settings.GRIDWATCH_PAGE_SIZE)
    _with_current(page.object_list)
    return render(request, "cases/my_findings.html", {"page": page})


def _my_finding(request, report, form=None, error=None, status=200):
    _with_current([report])
    current = report.clarification
    can_ask = report.finding in CLEARING_FINDINGS and (
        current is None or current.status not in clarifications.LIVE_STATUSES
    )
    context = {
        "report": report,
        "clarification": current,
        "asked_by_me": current is not None and current.requested_by_id == request.user.pk,
        "can_ask": can_ask,
        "form": form or ClarificationRequestForm(),
        # A refusal not about the reason (a request already under way): the form may no longer show.
        "error": error,
    }
    return render(request, "cases/my_finding.html", context, status=status)


@require_http_methods(["GET"])
@authenticated
def my_finding(request, pk):
    return _my_finding(request, clarifications.finding_about_or_404(request.user, pk))


@require_POST
@authenticated
def my_clarification_request(request, pk):
    """The cadre asks for their name to be cleared after a finding that clears them."""
    report = clarifications.finding_about_or_404(request.user, pk)
    form = ClarificationRequestForm(request.POST)
    error = None
    if form.is_valid():
        try:
            clarifications.clarification_request(
                actor=request.user, report=report, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                error = exc.message
        else:
            messages.success(
                request, _("Your request was sent. The county commission decides and you will be told.")
            )
            return redirect("cases:my_finding", pk=report.pk)
    # Read again: what the refusal was about (a request made meanwhile) is shown as it now is.
    report = clarifications.finding_about_or_404(request.user, pk)
    return _my_finding(request, report, form=form, error=error, status=400)


# ----------------------------------------------------------------------------------------- staff side


def _forms(report, pending, bound=None):
    bound = bound or {}
    initial = {"scope": pending.scope} if pending is not None and pending.scope else {}
    return {
        "propose_form": bound.get("propose_form") or ClarificationProposeForm(prefix="propose"),
        "approve_form": bound.get("approve_form")
        or ClarificationApproveForm(prefix="approve", initial=initial),
        "decline_form": bound.get("decline_form") or ClarificationDeclineForm(prefix="decline"),
    }


def detail_context(request, report):
    """What this part adds to the staff case page's context: the clarification panel."""
    items = clarifications.clarifications_of(report)
    if not items and not clarifications.may_clear(report):
        return {"clarification_panel": False}
    live = clarifications.live_clarification(items)
    pending = live if live is not None and live.status in clarifications.PENDING_STATUSES else None
    cadre_user_id = report.subject_cadre.user_id if report.subject_cadre_id else None
    for item in items:
        item.asked_by_cadre = item.requested_by_id is not None and item.requested_by_id == cadre_user_id
    bound = getattr(request, "_clarification_forms", {})
    context = {
        "clarification_panel": True,
        "clarifications": items,
        "clarification_pending": pending,
        "clarification_error": getattr(request, "_clarification_error", None),
        "can_propose_clarification": live is None
        and clarifications.may_clear(report)
        and has_role(request.user, *CASE_DECIDERS),
        "can_decide_clarification": pending is not None and has_role(request.user, Role.COUNTY_STAFF),
    }
    context.update(_forms(report, pending, bound))
    return context


def _staff_report(request, pk):
    # The case page's own lookup: jurisdiction and recusal (selectors.reports_for). Imported here because
    # the case views import this module.
    from . import views

    return views._report_for(request, pk)


def _staff_error(request, form, exc):
    """A refusal about a field goes beside it; any other (a clarification already under way, say) at the
    top of the panel, which may no longer show the form."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        request._clarification_error = exc.message


def _redisplay(request, report, **bound):
    from . import views

    request._clarification_forms = bound
    return views._detail(request, report, status=400)


def _back(report):
    return redirect(reverse("cases:case_detail", args=[report.pk]) + "#clarification")


@require_POST
@roles(*CASE_DECIDERS)
def clarification_propose(request, pk):
    """The staff who handle the report propose to clear the cadre's name."""
    report = _staff_report(request, pk)
    form = ClarificationProposeForm(request.POST, prefix="propose")
    if form.is_valid():
        try:
            clarifications.clarification_propose(
                actor=request.user,
                report=report,
                reason=form.cleaned_data["reason"],
                scope=form.cleaned_data["scope"],
            )
        except DomainError as exc:
            _staff_error(request, form, exc)
        else:
            messages.success(request, _("The clarification was proposed. The county commission decides."))
            return _back(report)
    return _redisplay(request, report, propose_form=form)


def _pending_or_error(request, report):
    pending = report.clarifications.filter(status__in=clarifications.PENDING_STATUSES).first()
    if pending is None:
        request._clarification_error = _("This clarification is no longer waiting for a decision.")
    return pending


@require_POST
@roles(Role.COUNTY_STAFF)
def clarification_approve(request, pk):
    """County commission staff approve the clarification waiting on this report."""
    report = _staff_report(request, pk)
    form = ClarificationApproveForm(request.POST, prefix="approve")
    pending = _pending_or_error(request, report)
    if pending is not None and form.is_valid():
        try:
            clarifications.clarification_approve(
                actor=request.user,
                clarification=pending,
                scope=form.cleaned_data["scope"],
                clarified_on=form.cleaned_data["clarified_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _staff_error(request, form, exc)
        else:
            messages.success(request, _("The clarification was approved and written in the cadre's file."))
            return _back(report)
    return _redisplay(request, report, approve_form=form)


@require_POST
@roles(Role.COUNTY_STAFF)
def clarification_decline(request, pk):
    """County commission staff decline the clarification waiting on this report, with a reason."""
    report = _staff_report(request, pk)
    form = ClarificationDeclineForm(request.POST, prefix="decline")
    pending = _pending_or_error(request, report)
    if pending is not None and form.is_valid():
        try:
            clarifications.clarification_decline(
                actor=request.user, clarification=pending, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            _staff_error(request, form, exc)
        else:
            messages.success(request, _("The clarification was declined."))
            return _back(report)
    return _redisplay(request, report, decline_form=form)


@require_http_methods(["GET"])
@roles(Role.COUNTY_STAFF)
def clarification_list(request):
    """The clarifications waiting for the county's decision, oldest first."""
    page = paginate(
        request, clarifications.pending_clarifications(request.user), settings.GRIDWATCH_PAGE_SIZE
    )
    return render(request, "cases/clarification_list.html", {"page": page})


urlpatterns = [
    path("mine/", my_findings, name="my_findings"),
    path("mine/<uuid:pk>/", my_finding, name="my_finding"),
    path("mine/<uuid:pk>/clarification/", my_clarification_request, name="my_clarification_request"),
    path("clarifications/", clarification_list, name="clarification_list"),
    path("<uuid:pk>/clarification/propose/", clarification_propose, name="clarification_propose"),
    path("<uuid:pk>/clarification/approve/", clarification_approve, name="clarification_approve"),
    path("<uuid:pk>/clarification/decline/", clarification_decline, name="clarification_decline"),
]
