"""The handling panel of the staff case page (issue 3, part 4): handler, disposal, time limits, finding,
replies, closing and the case history, with a form for each step the user may take now and none other.

Each step is a POST view that calls one service in ``handling``. On success it redirects to the case page;
on a refusal it renders the case page again with the error beside its field and what was typed kept.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.models import User
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404

from . import deadlines, handling, selectors
from .models import (
    ADVERSE_FINDINGS,
    CaseEntry,
    CaseEntryKind,
    Disposal,
    Finding,
    MessageKind,
    ReportStatus,
)
from .roles import CASE_DECIDERS, CASE_STAFF

TEXTAREA = {"rows": 3}


# ------------------------------------------------------------------------------------------------ forms


class AssignForm(forms.Form):
    handler = forms.TypedChoiceField(
        label=gettext_lazy("Handler"),
        coerce=int,
        error_messages={"required": gettext_lazy("Choose the handler.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        seen, choices = set(), [("", _("Choose…"))]
        for ra in handling.decider_assignments(report):
            if ra.user_id not in seen:
                seen.add(ra.user_id)
                choices.append((ra.user_id, f"{ra.user} · {ra.area.name} · {ra.get_role_display()}"))
        self.fields["handler"].choices = choices
        self.fields["handler"].help_text = _(
            "Commission staff who see this report; anyone conflicted with the person reported is left out."
        )

    def clean_handler(self):
        return User.objects.filter(pk=self.cleaned_data["handler"]).first()


class DisposeForm(forms.Form):
    disposal = forms.ChoiceField(
        label=gettext_lazy("Disposal"),
        choices=[("", gettext_lazy("Choose…")), *Disposal.choices],
        error_messages={"required": gettext_lazy("Choose the disposal.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": gettext_lazy("Give the reason for the disposal.")},
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        if report.status == ReportStatus.HANDLING:
            self.fields["reason"].help_text = _("Why the disposal changes. Recorded in the case history.")
        else:
            self.fields["reason"].help_text = _(
                "Deciding the disposal accepts the report: the verification time limit starts today."
            )


class ExtendForm(forms.Form):
    limit = forms.ChoiceField(
        label=gettext_lazy("Time limit"),
        error_messages={"required": gettext_lazy("Choose the time limit to extend.")},
    )
    days = forms.IntegerField(
        label=gettext_lazy("Working days to add"),
        min_value=1,
        max_value=deadlines.EXTENSION_MAX_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": gettext_lazy("Extend by 1 to 30 working days."),
            "invalid": gettext_lazy("Extend by 1 to 30 working days."),
            "min_value": gettext_lazy("Extend by 1 to 30 working days."),
            "max_value": gettext_lazy("Extend by 1 to 30 working days."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": gettext_lazy("Give the reason for the extension.")},
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["limit"].choices = [
            (limit.value, f"{limit.label} · {getattr(report, deadlines.DUE_FIELD[limit]):%Y-%m-%d}")
            for limit in deadlines.EXTENDABLE
            if deadlines.is_pending(report, limit)
        ]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (CaseEntryKind.NOTE.value, CaseEntryKind.NOTE.label),
            (CaseEntryKind.EVIDENCE.value, CaseEntryKind.EVIDENCE.label),
        ],
        initial=CaseEntryKind.NOTE.value,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": gettext_lazy("Write the note.")},
        help_text=gettext_lazy(
            "Kept encrypted. Seen by the staff who handle this case, never by the reporter."
        ),
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)


class ConcludeForm(forms.Form):
    finding = forms.ChoiceField(label=gettext_lazy("Finding"), required=False)
    summary = forms.CharField(
        label=gettext_lazy("Verified facts or conclusion"),
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write the conclusion.")},
        help_text=gettext_lazy(
            "With a finding, write the verified facts in neutral words: the cadre may read them. Never the "
            "reporter, how the report came in, or its wording."
        ),
    )
    warning_proposed = forms.BooleanField(
        label=gettext_lazy("Propose for a warning notice (a prominent, substantiated problem)"),
        required=False,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        required = report.disposal in handling.FINDING_REQUIRED
        empty = _("Choose…") if required else _("No finding: conclusion only")
        self.fields["finding"].choices = [("", empty), *Finding.choices]
        self.fields["finding"].required = required
        self.fields["finding"].error_messages["required"] = _(
            "Record the finding: a talk or letter inquiry and a preliminary verification end with one."
        )


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(label=gettext_lazy("Reply"), widget=forms.RadioSelect)
    way = forms.ChoiceField(label=gettext_lazy("How the reporter is told"), choices=handling.ReplyWay.choices)
    given_on = forms.DateField(
        label=gettext_lazy("Date the reporter was told"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=gettext_lazy("Only for a reply by phone, letter or in person."),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": gettext_lazy("Write the text the reporter will read.")},
        help_text=gettext_lazy(
            "A message is read by the reporter with the receipt code: do not write your name. For a reply "
            "given another way, write what the reporter was told."
        ),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = handling.reply_kinds_open(report) or list(handling.REPLY_KINDS)
        self.fields["reply"].choices = [(kind.value, kind.label) for kind in kinds]
        self.fields["reply"].initial = kinds[0].value
        if not selectors.identity_given(report):
            self.fields["way"].choices = [(handling.ReplyWay.MESSAGE.value, handling.ReplyWay.MESSAGE.label)]
            del self.fields["given_on"]


class CloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=handling.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)


FORMS = {
    "assign": AssignForm,
    "dispose": DisposeForm,
    "extend": ExtendForm,
    "note": NoteForm,
    "conclude": ConcludeForm,
    "reply": ReplyForm,
    "close": CloseForm,
}


# ---------------------------------------------------------------------------------------- page context


def _entry_summary(entry):
    """What a line of the history says, from its structured details, in the reader's language."""
    d = entry.details or {}
    kind = entry.kind
    if kind == CaseEntryKind.ASSIGNMENT:
        if d.get("before_label"):
            return _("Handler: %(before)s → %(after)s") % {
                "before": d["before_label"],
                "after": d.get("handler_label", ""),
            }
        return _("Handler: %(name)s") % {"name": d.get("handler_label", "")}
    if kind == CaseEntryKind.DISPOSAL:
        disposal = _choice(Disposal, d.get("disposal"))
        if d.get("accepted"):
            text = _("Accepted. Disposal: %(disposal)s") % {"disposal": disposal}
        elif d.get("before"):
            text = _("Disposal changed: %(before)s → %(after)s") % {
                "before": _choice(Disposal, d["before"]),
                "after": disposal,
            }
        else:
            text = _("Disposal: %(disposal)s") % {"disposal": disposal}
        if d.get("handed_to_county"):
            text += " " + _("The report moved to the county commission.")
        return text
    if kind == CaseEntryKind.EXTENSION:
        return _("%(limit)s extended by %(days)s working days: %(before)s → %(after)s") % {
            "limit": _choice(deadlines.Limit, d.get("limit")),
            "days": d.get("days", ""),
            "before": d.get("before", ""),
            "after": d.get("after", ""),
        }
    if kind == CaseEntryKind.FINDING:
        if d.get("finding"):
            text = _("Finding: %(finding)s") % {"finding": _choice(Finding, d["finding"])}
        else:
            text = _("Concluded without a finding")
        if d.get("warning_proposed"):
            text += " · " + _("proposed for a warning notice")
        return text
    if kind == CaseEntryKind.NOTE and d.get("referred_upward"):
        return _(
            "Recorded as a suspected false accusation and referred upward: only a prefecture-level "
            "commission may confirm it. County commission staff were told."
        )
    if kind == CaseEntryKind.REPLY:
        return _("%(reply)s · %(way)s · %(date)s") % {
            "reply": _choice(MessageKind, d.get("reply")),
            "way": _choice(handling.ReplyWay, d.get("way")),
            "date": d.get("on", ""),
        }
    return ""


def _choice(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def case_history(report):
    entries = CaseEntry.objects.filter(report=report).select_related("actor").order_by("at", "id")
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "summary": _entry_summary(e),
            "body": e.body,
        }
        for e in entries
    ]


def _conclusion_text(report):
    """The conclusion as written: the summary of a finding, or the text of a conclusion without one."""
    if report.finding_summary:
        return report.finding_summary
    entry = CaseEntry.objects.filter(report=report, kind=CaseEntryKind.FINDING).order_by("-at", "-id").first()
    return entry.body if entry else ""


def detail_context(request, report):
    """What this part adds to the staff case page's context: one ``handling`` dict."""
    user = request.user
    actions = handling.available_actions(report, user)
    bound = getattr(request, "handling_forms", {})
    forms_shown = {}
    for name, form_class in FORMS.items():
        if name in bound:
            # A refused step is shown again with its error, even when the step is no longer open.
            forms_shown[name] = bound[name]
        elif name in actions:
            forms_shown[name] = form_class(report=report, prefix=name)
    concluded = report.finding_on is not None
    return {
        "handling": {
            "actions": actions,
            "forms": forms_shown,
            "deadlines": deadlines.report_deadlines(report),
            "history": case_history(report),
            "conclusion": _conclusion_text(report) if concluded else "",
            "in_file": concluded
            and report.finding in ADVERSE_FINDINGS
            and report.subject_cadre_id is not None,
            "close_waits_for_reply": report.status == ReportStatus.CONCLUDED
            and report.result_replied_on is None
            and has_role(user, *CASE_DECIDERS),
        }
    }


# ----------------------------------------------------------------------------------------------- views


def _report_for(request, pk):
    return get_for_user_or_404(
        selectors.reports_for(request.user).select_related("subject_cadre__unit", "grid__parent", "handler"),
        request.user,
        pk=pk,
    )


def _step(request, pk, name, call, success):
    """Run one step: bind its form, call the service, then redirect, or show the page again with the
    error beside the field."""
    report = _report_for(request, pk)
    form = FORMS[name](request.POST, report=report, prefix=name)
    if form.is_valid():
        try:
            call(report, form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, success)
            if handling.can_see(request.user, report):
                return redirect(reverse("cases:case_detail", args=[report.pk]) + "#handling")
            # Handed over to the county: the township no longer sees the report.
            return redirect("cases:case_list")
    request.handling_forms = {name: form}
    from .views import _detail  # the case page; imported here because views imports this module

    return _detail(request, report, status=400)


@require_POST
@roles(*CASE_DECIDERS)
def case_assign(request, pk):
    def call(report, data):
        handling.report_assign(actor=request.user, report=report, handler=data["handler"], note=data["note"])

    return _step(request, pk, "assign", call, _("The handler was assigned and told."))


@require_POST
@roles(*CASE_DECIDERS)
def case_dispose(request, pk):
    def call(report, data):
        handling.report_dispose(
            actor=request.user, report=report, disposal=data["disposal"], reason=data["reason"]
        )

    return _step(request, pk, "dispose", call, _("The disposal was recorded."))


@require_POST
@roles(*CASE_DECIDERS)
def case_extend(request, pk):
    def call(report, data):
        handling.report_extend(
            actor=request.user, report=report, limit=data["limit"], days=data["days"], reason=data["reason"]
        )

    return _step(request, pk, "extend", call, _("The time limit was extended."))


@require_POST
@roles(*CASE_STAFF)
def case_note(request, pk):
    def call(report, data):
        handling.report_note_add(actor=request.user, report=report, body=data["body"], kind=data["kind"])

    return _step(request, pk, "note", call, _("The note was added to the case history."))


@require_POST
@roles(*CASE_DECIDERS)
def case_conclude(request, pk):
    def call(report, data):
        handling.report_conclude(
            actor=request.user,
            report=report,
            finding=data["finding"],
            summary=data["summary"],
            warning_proposed=data["warning_proposed"],
        )

    return _step(
        request, pk, "conclude", call, _("The conclusion was recorded. Tell the reporter the result.")
    )


@require_POST
@roles(*CASE_DECIDERS)
def case_reply(request, pk):
    def call(report, data):
        handling.report_reply(
            actor=request.user,
            report=report,
            reply=data["reply"],
            way=data["way"],
            body=data["body"],
            given_on=data.get("given_on"),
        )

    return _step(request, pk, "reply", call, _("The reply was recorded."))


@require_POST
@roles(*CASE_DECIDERS)
def case_close(request, pk):
    def call(report, data):
        handling.report_close(actor=request.user, report=report, note=data["note"])

    return _step(request, pk, "close", call, _("The case was closed."))


urlpatterns = [
    path("<uuid:pk>/assign/", case_assign, name="case_assign"),
    path("<uuid:pk>/dispose/", case_dispose, name="case_dispose"),
    path("<uuid:pk>/extend/", case_extend, name="case_extend"),
    path("<uuid:pk>/note/", case_note, name="case_note"),
    path("<uuid:pk>/conclude/", case_conclude, name="case_conclude"),
    path("<uuid:pk>/reply/", case_reply, name="case_reply"),
    path("<uuid:pk>/close/", case_close, name="case_close"),
]
