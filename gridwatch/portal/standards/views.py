"""Standards and codes of conduct (亮标准, R8).

Public (no login, ``public_page``): the documents in force county-wide or for one area, each document's
page with its version history, and each earlier version. A draft or a withdrawn document answers 404.

Staff (``roles.EDITORS``): the editor's list of documents in all statuses, and the forms and steps of
``workflow.ACTIONS``. A document is reached through ``selectors.get_editable_or_404`` (outside the
editor's areas: 404); inside it, what may be done is ``workflow.available_actions`` (403 otherwise)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridwatch.audit.models import AuditEvent
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.geography.models import Area, Level

from .. import selectors as portal_selectors
from ..markup import render_markdown
from ..models import Standard, StandardKind, StandardStatus
from ..public import public_page
from . import selectors, services, workflow
from .forms import StandardForm, WithdrawForm
from .roles import EDITORS

# ------------------------------------------------------------------------------------------- public


def _township_counts():
    """Township code -> the number of its own documents in force (township, community and grid ones)."""
    counts = {}
    for path in (
        Standard.objects.filter(status=StandardStatus.PUBLISHED)
        .exclude(area__level=Level.COUNTY)
        .values_list("area__path", flat=True)
    ):
        parts = path.strip("/").split("/")
        if len(parts) >= 2:
            counts[parts[1]] = counts.get(parts[1], 0) + 1
    return counts


@public_page
def index(request):
    """The documents in force county-wide, or (``?area=<code>``) those in force in one area: the
    county's, its township's, community's and grid's own."""
    code = request.GET.get("area", "").strip()[:20]
    area = None
    if code:
        area = Area.objects.filter(code=code).select_related("parent__parent__parent").first()
        if area is None:
            raise Http404
    if area is None or area.level == Level.COUNTY:
        standards = portal_selectors.county_standards()
    else:
        standards = portal_selectors.standards_in_force(area)
    counts = _township_counts()
    townships = [(t, counts.get(t.code, 0)) for t in portal_selectors.townships()]
    context = {
        "area": area if area is not None and area.level != Level.COUNTY else None,
        "groups": selectors.by_kind(standards),
        "count": len(standards),
        "townships": townships,
    }
    return render(request, "portal/standards/index.html", context)


@public_page
def detail(request, series):
    current, history = selectors.public_document(series)
    context = {"standard": current, "current": current, "history": history}
    return render(request, "portal/standards/detail.html", context)


@public_page
def version(request, series, version):
    """An earlier version of a document in force, marked as no longer in force."""
    try:
        standard, current, history = selectors.public_version(series, version)
    except Http404:
        current, _history = selectors.public_document(series)
        if current.version == version:
            return redirect("portal:standard", series=series)
        raise
    context = {"standard": standard, "current": current, "history": history}
    return render(request, "portal/standards/detail.html", context)


# -------------------------------------------------------------------------------------------- staff


def _no_cache(response):
    add_never_cache_headers(response)
    return response


def _require(request, standard, action, *, has_draft=False):
    if action not in workflow.available_actions(standard, may_edit=True, has_draft=has_draft):
        raise PermissionDenied


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_GET
@roles(*EDITORS)
def manage(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in StandardKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in StandardStatus.values else ""
    context = {
        "documents": selectors.editor_documents(request.user, kind=kind, status=status),
        "kinds": StandardKind.choices,
        "statuses": StandardStatus.choices,
        "filters": {"kind": kind, "status": status},
    }
    return _no_cache(render(request, "portal/standards/manage_list.html", context))


def _values(form, *, with_note):
    data = form.cleaned_data
    values = {k: data[k] for k in ("title", "kind", "area", "body", "position")}
    if with_note:
        values["change_note"] = data.get("change_note", "")
    return values


def _form(request, *, mode, standard=None):
    """The editor's form: ``create`` a document, ``edit`` a draft, or write the ``new_version`` of a
    document in force. "Preview" re-renders the form with the text as the public will read it."""
    later = mode == "new_version" or (mode == "edit" and standard.version > 1)
    areas = selectors.editor_areas(request.user)
    status, preview = 200, None
    if request.method == "POST":
        form = StandardForm(request.POST, areas=areas, later_version=later)
        if "preview" in request.POST:
            # What was typed, unchecked: a preview is not the moment for "this field is required".
            preview = render_markdown(request.POST.get("body", ""))
            form = StandardForm(initial=request.POST.dict(), areas=areas, later_version=later)
        elif form.is_valid():
            try:
                if mode == "create":
                    saved = services.standard_create(actor=request.user, **_values(form, with_note=False))
                    messages.success(request, _("The draft was saved. Publish it when it is ready."))
                elif mode == "edit":
                    saved = services.standard_update(
                        actor=request.user, standard=standard, **_values(form, with_note=later)
                    )
                    messages.success(request, _("The draft was saved."))
                else:
                    saved = services.standard_new_version(
                        actor=request.user, standard=standard, **_values(form, with_note=True)
                    )
                    messages.success(
                        request,
                        _(
                            "The draft of version %(n)s was saved. The version in force stays until you publish it."
                        )
                        % {"n": saved.version},
                    )
                return redirect("portal:standard_manage_detail", pk=saved.pk)
            except DomainError as exc:
                _show_error(form, exc)
                status = 400
        else:
            status = 400
    else:
        initial = {"position": 0}
        if standard is not None:
            initial = {
                "title": standard.title,
                "kind": standard.kind,
                "area": standard.area.code,
                "position": standard.position,
                "body": standard.body,
                "change_note": standard.change_note if mode == "edit" else "",
            }
        form = StandardForm(initial=initial, areas=areas, later_version=later)
    context = {"form": form, "mode": mode, "standard": standard, "preview": preview}
    return _no_cache(render(request, "portal/standards/form.html", context, status=status))


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def create(request):
    return _form(request, mode="create")


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def edit(request, pk):
    standard = selectors.get_editable_or_404(request.user, pk)
    _require(request, standard, "edit")
    return _form(request, mode="edit", standard=standard)


@require_http_methods(["GET", "POST"])
@roles(*EDITORS)
def new_version(request, pk):
    standard = selectors.get_editable_or_404(request.user, pk)
    draft = Standard.objects.filter(series=standard.series, status=StandardStatus.DRAFT).only("pk").first()
    if draft is not None and standard.status == StandardStatus.PUBLISHED:
        messages.info(request, _("This document already has a draft of its next version: edit that draft."))
        return redirect("portal:standard_edit", pk=draft.pk)
    _require(request, standard, "new_version")
    return _form(request, mode="new_version", standard=standard)


def _withdraw_reason(standard):
    if standard.status != StandardStatus.WITHDRAWN:
        return ""
    event = (
        AuditEvent.objects.filter(action="standard.withdraw", object_id=str(standard.pk))
        .only("changes")
        .order_by("-seq")
        .first()
    )
    return (event.changes or {}).get("reason", "") if event else ""


def _detail(request, standard, *, withdraw_form=None, status=200):
    versions = selectors.series_versions(standard)
    has_draft = any(v.status == StandardStatus.DRAFT for v in versions)
    draft = next((v for v in versions if v.status == StandardStatus.DRAFT), None)
    in_force = next((v for v in versions if v.status == StandardStatus.PUBLISHED), None)
    context = {
        "standard": standard,
        "versions": versions,
        "draft": draft,
        "in_force": in_force,
        "actions": workflow.available_actions(standard, may_edit=True, has_draft=has_draft),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "withdraw_reason": _withdraw_reason(standard),
    }
    return _no_cache(render(request, "portal/standards/manage_detail.html", context, status=status))


@require_GET
@roles(*EDITORS)
def manage_detail(request, pk):
    return _detail(request, selectors.get_editable_or_404(request.user, pk))


@require_POST
@roles(*EDITORS)
def publish(request, pk):
    standard = selectors.get_editable_or_404(request.user, pk)
    _require(request, standard, "publish")
    try:
        services.standard_publish(actor=request.user, standard=standard)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Version %(n)s is in force and on the public pages.") % {"n": standard.version}
        )
    return redirect("portal:standard_manage_detail", pk=standard.pk)


@require_POST
@roles(*EDITORS)
def withdraw(request, pk):
    standard = selectors.get_editable_or_404(request.user, pk)
    _require(request, standard, "withdraw")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.standard_withdraw(
                actor=request.user, standard=standard, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The document was withdrawn: it is no longer on the public pages."))
            return redirect("portal:standard_manage_detail", pk=standard.pk)
    return _detail(request, standard, withdraw_form=form, status=400)


@require_POST
@roles(*EDITORS)
def delete(request, pk):
    standard = selectors.get_editable_or_404(request.user, pk)
    _require(request, standard, "delete")
    previous = (
        Standard.objects.filter(series=standard.series).exclude(pk=standard.pk).order_by("-version").first()
    )
    try:
        services.standard_delete_draft(actor=request.user, standard=standard)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:standard_manage_detail", pk=standard.pk)
    messages.success(request, _("The draft was deleted."))
    if previous is not None:
        return redirect("portal:standard_manage_detail", pk=previous.pk)
    return redirect("portal:standard_manage")
