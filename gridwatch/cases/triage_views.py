"""The triage panel of the staff case page and its forms: link the subject, circle and urgency; mark a
duplicate; not accept; pass to another body; pass to another level. Everything works without JavaScript:
the cadre search is a GET form on the case page, its results radio options of the triage form.

A refused form is shown again on the case page, beside its field, with what was typed kept (the bound
forms travel on the request to ``detail_context``)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.geography.models import Area, Level

from . import selectors, triage
from .models import Circle, ReportStatus, RoutedBecause
from .roles import CASE_DECIDERS

FORMS_ATTRIBUTE = "_gridwatch_triage_forms"
REASON_WIDGET = {"rows": 3}


class CadreRadioField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        grid = obj.supervising_grid
        return f"{obj.name} · {obj.unit.name} · {obj.position} · {grid.place()}"


class PanelForm(forms.Form):
    """The panel's forms share the case page with others: their ids carry the form's name."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"triage-{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class TriageForm(PanelForm):
    """The subject (from the search results), the circle and urgency. While the report is being handled
    only urgency is left to change."""

    id_prefix = "link"

    cadre_q = forms.CharField(required=False, widget=forms.HiddenInput)
    subject_cadre = CadreRadioField(
        label=gettext_lazy("Cadre the report is about"),
        queryset=triage.Cadre.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    circle = forms.ChoiceField(label=gettext_lazy("Circle"), choices=Circle.choices)
    urgent = forms.BooleanField(
        label=gettext_lazy("An important matter (重要事项): tell the county commission at once"),
        required=False,
    )

    def __init__(self, *args, report, user, results=(), cadre_q="", **kwargs):
        initial = {"circle": report.circle, "urgent": report.urgent, "cadre_q": cadre_q}
        super().__init__(*args, initial=initial, **kwargs)
        if report.status not in triage.TRIAGE_STATUSES:
            del self.fields["subject_cadre"], self.fields["circle"], self.fields["cadre_q"]
            return
        # Validated against every cadre the user may name; only the search results are offered.
        self.fields["subject_cadre"].queryset = triage.triage_cadres(user)
        self.offer(results)

    def offer(self, results):
        field = self.fields.get("subject_cadre")
        if field is not None:
            field.widget.choices = [(str(c.pk), field.label_from_instance(c)) for c in results]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "subject_cadre": data.get("subject_cadre"),
            "circle": data.get("circle"),
            "urgent": data["urgent"],
        }


class DuplicateForm(PanelForm):
    id_prefix = "duplicate"
    original = forms.CharField(
        label=gettext_lazy("Reference of the report it repeats"),
        max_length=8,
        help_text=gettext_lazy("The 8 characters shown on every case page, e.g. 1A2B3C4D."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=triage.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs=REASON_WIDGET),
    )


class InvalidForm(PanelForm):
    id_prefix = "invalid"
    reason_kind = forms.ChoiceField(
        label=gettext_lazy("Why it is not accepted"),
        choices=triage.InvalidReason.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=triage.REASON_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy("Required with “Other”."),
        widget=forms.Textarea(attrs=REASON_WIDGET),
    )


class TransferForm(PanelForm):
    id_prefix = "transfer"
    to_body = forms.CharField(
        label=gettext_lazy("Passed to"),
        max_length=triage.BODY_MAX_LENGTH,
        help_text=gettext_lazy("The body outside GridWatch, e.g. the commission of another county."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=triage.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs=REASON_WIDGET),
    )


class RerouteForm(PanelForm):
    id_prefix = "reroute"
    to_area = forms.ChoiceField(label=gettext_lazy("Pass it to"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=triage.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs=REASON_WIDGET),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {area.code: area for area in targets}
        self.fields["to_area"].choices = [("", _("Choose…"))] + [(a.code, area_label(a)) for a in targets]


def area_label(area):
    if area.level == "county":
        return _("%(name)s (the county commission)") % {"name": area.name}
    if area.level == "township":
        return _("%(name)s (the township commission)") % {"name": area.name}
    # From the township down, a grid named after its community without the community twice (``Area.place``).
    return _("%(place)s (%(level)s)") % {
        "place": area.place(levels=area.depth),
        "level": area.get_level_display(),
    }


# ------------------------------------------------------------------------------------------- panel


def detail_context(request, report):
    """What this part adds to the staff case page's context: the ``triage`` panel."""
    user = request.user
    bound = getattr(request, FORMS_ATTRIBUTE, {})
    area = Area.objects.filter(path=report.supervising_path).select_related("parent__parent__parent").first()
    panel = {
        "area": area,
        "area_label": area_label(area) if area is not None else report.supervising_path,
        "level": triage.path_level(report.supervising_path),
        "explanation": triage.ROUTING_EXPLANATIONS.get(report.routed_because, ""),
        "history": _history(report),
        "outcome": triage.outcome_entry(report),
        "original_visible": bool(
            report.duplicate_of_id and selectors.reports_for(user).filter(pk=report.duplicate_of_id).exists()
        ),
        "received": report.status == ReportStatus.RECEIVED,
    }
    if panel["outcome"] is not None and report.status == ReportStatus.INVALID:
        kind = panel["outcome"].details.get("reason")
        panel["invalid_reason"] = dict(triage.InvalidReason.choices).get(kind, kind)
    if report.status == ReportStatus.RECEIVED:
        panel["suggestions"] = triage.duplicate_suggestions(user=user, report=report)
        for suggestion in panel["suggestions"]:
            suggestion.hint = _("wording %(n)d%% similar") % {"n": suggestion.similarity}
    if not has_role(user, *CASE_DECIDERS):
        return {"triage": panel}
    panel["can_triage"] = report.status in triage.URGENT_STATUSES
    panel["can_close"] = report.status in triage.TRIAGE_STATUSES
    panel["can_reroute"] = report.status in triage.REROUTE_STATUSES
    if panel["can_triage"]:
        form = bound.get("triage")
        q = (form.data.get("cadre_q", "") if form is not None else request.GET.get("cadre_q", "")).strip()
        q = q[: triage.SEARCH_MAX_LENGTH]
        results = triage.cadre_search(user=user, q=q) if q and panel["received"] else []
        if form is None:
            form = TriageForm(report=report, user=user, results=results, cadre_q=q)
        else:
            form.offer(results)
        panel.update(
            triage_form=form,
            cadre_q=q,
            results=results,
            searched=bool(q),
            more=len(results) >= triage.SEARCH_LIMIT,
        )
    if panel["can_close"]:
        wanted = request.GET.get("duplicate_of", "")[:8]
        panel["duplicate_form"] = bound.get("duplicate") or DuplicateForm(initial={"original": wanted})
        panel["duplicate_open"] = bool(wanted) or "duplicate" in bound
        panel["invalid_form"] = bound.get("invalid") or InvalidForm()
        panel["transfer_form"] = bound.get("transfer") or TransferForm()
    if panel["can_reroute"]:
        panel["reroute_form"] = bound.get("reroute") or RerouteForm(
            targets=triage.reroute_targets(user=user, report=report)
        )
    panel["open"] = next(iter(bound), "")
    return {"triage": panel}


def _history(report):
    """The routing entries, each with where it went from and to in words: two queries."""
    entries = triage.routing_history(report)
    paths = {e.details.get(k) for e in entries for k in ("from", "to")} - {None}
    names = dict(Area.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    levels = dict(Level.choices)
    because = dict(RoutedBecause.choices)
    for e in entries:
        for end in ("from", "to"):
            path = e.details.get(end, "")
            level = levels.get(e.details.get(f"{end}_level"), "")
            name = names.get(path, path)
            setattr(e, f"{end}_label", f"{name} ({level})" if level else name)
        e.because_label = because.get(e.details.get("because"), "")
    return entries


# ------------------------------------------------------------------------------------------- views


def _report_for(request, pk):
    return get_for_user_or_404(
        selectors.reports_for(request.user).select_related("subject_cadre__unit", "grid__parent"),
        request.user,
        pk=pk,
    )


def _again(request, report, name, form):
    """The case page again, with the refused form beside its fields."""
    from .views import _detail

    setattr(request, FORMS_ATTRIBUTE, {name: form})
    return _detail(request, report, status=400)


def _refused(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _done(request, report, message):
    """Back to the case, or to the list when the report went where the user no longer sees it."""
    if selectors.reports_for(request.user).filter(pk=report.pk).exists():
        messages.success(request, message)
        return redirect(reverse("cases:case_detail", args=[report.pk]) + "#triage")
    area = Area.objects.filter(path=report.supervising_path).first()
    messages.success(
        request,
        _("%(message)s The report is now with %(area)s: you no longer see it.")
        % {"message": message, "area": area.name if area else report.supervising_path},
    )
    return redirect("cases:case_list")


@require_POST
@roles(*CASE_DECIDERS)
def case_triage(request, pk):
    report = _report_for(request, pk)
    form = TriageForm(request.POST, report=report, user=request.user)
    if form.is_valid():
        before = report.supervising_path
        try:
            report = triage.report_triage(actor=request.user, report=report, **form.service_kwargs())
        except DomainError as exc:
            _refused(form, exc)
        else:
            message = _("The triage was saved.")
            if report.supervising_path != before:
                message += " " + _("The report was routed again: %(why)s") % {
                    "why": report.get_routed_because_display()
                }
            return _done(request, report, message)
    return _again(request, report, "triage", form)


@require_POST
@roles(*CASE_DECIDERS)
def case_duplicate(request, pk):
    report = _report_for(request, pk)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        original = triage.report_by_reference(user=request.user, reference=form.cleaned_data["original"])
        if original is None:
            form.add_error("original", _("No report you can see has this reference."))
        else:
            try:
                report = triage.report_mark_duplicate(
                    actor=request.user, report=report, original=original, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                return _done(
                    request,
                    report,
                    _("The report was marked as a duplicate of %(ref)s.") % {"ref": original.reference},
                )
    return _again(request, report, "duplicate", form)


@require_POST
@roles(*CASE_DECIDERS)
def case_invalid(request, pk):
    report = _report_for(request, pk)
    form = InvalidForm(request.POST)
    if form.is_valid():
        try:
            report = triage.report_mark_invalid(
                actor=request.user,
                report=report,
                reason_kind=form.cleaned_data["reason_kind"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            return _done(request, report, _("The report was not accepted."))
    return _again(request, report, "invalid", form)


@require_POST
@roles(*CASE_DECIDERS)
def case_transfer(request, pk):
    report = _report_for(request, pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            report = triage.report_transfer(
                actor=request.user,
                report=report,
                to_body=form.cleaned_data["to_body"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            body = " ".join(form.cleaned_data["to_body"].split())
            return _done(request, report, _("The report was passed to %(body)s.") % {"body": body})
    return _again(request, report, "transfer", form)


@require_POST
@roles(*CASE_DECIDERS)
def case_reroute(request, pk):
    report = _report_for(request, pk)
    form = RerouteForm(request.POST, targets=triage.reroute_targets(user=request.user, report=report))
    if form.is_valid():
        to_area = form.targets.get(form.cleaned_data["to_area"])
        try:
            report = triage.report_reroute(
                actor=request.user, report=report, to_area=to_area, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            return _done(request, report, _("The report was passed to %(area)s.") % {"area": to_area.name})
    return _again(request, report, "reroute", form)


urlpatterns = [
    path("<uuid:pk>/triage/", case_triage, name="case_triage"),
    path("<uuid:pk>/duplicate/", case_duplicate, name="case_duplicate"),
    path("<uuid:pk>/not-accepted/", case_invalid, name="case_invalid"),
    path("<uuid:pk>/transfer/", case_transfer, name="case_transfer"),
    path("<uuid:pk>/reroute/", case_reroute, name="case_reroute"),
]
