"""The supervision register (干部监督工作登记册, R10): the register by grid (facts only), a cadre's register
grouped by the six headings (an audited read), and the entry form (on a phone).

Cadres and entries are reached through jurisdiction and recusal (``register.register_entries_for``,
``register.register_cadre_for``): another grid or township, the cadre themself, their unit and a declared
relation get the 404 of a page that does not exist. Inside it, who may write is decided by role and grid
(403)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.cases import receipts
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles
from gridwatch.people.models import Cadre

from . import register
from .models import RegisterAspect, RegisterEntry
from .register_forms import RegisterEntryForm
from .roles import REGISTER_READERS, REGISTER_WRITERS


def _uuid(value):
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _show_error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET"])
@roles(*REGISTER_READERS)
def register_list(request):
    """The register of the reader's grids, newest first, by grid and heading: who, what heading, when, by
    whom; the text is read on the cadre's register page."""
    grids = list(register.register_grids(request.user))
    code = request.GET.get("grid", "")
    grid = next((g for g in grids if g.code == code), None)
    aspect = request.GET.get("aspect", "")
    if aspect not in RegisterAspect.values:
        aspect = ""
    page = paginate(
        request,
        register.register_list(user=request.user, grid=grid, aspect=aspect),
        settings.GRIDWATCH_PAGE_SIZE,
    )
    context = {
        "page": page,
        "grids": grids,
        "grid": grid,
        "aspects": RegisterAspect.choices,
        "cadres": register.grid_cadres(request.user, grid) if grid is not None else None,
        "filters": {"grid": grid.code if grid else "", "aspect": aspect},
        "can_write": has_role(request.user, *REGISTER_WRITERS),
    }
    return render(request, "supervision/register/list.html", context)


def _writable_aspects(user, cadre):
    """The headings ``user`` may add to in the cadre's grid: the assessment only for its party organisation."""
    aspects = [v for v in RegisterAspect.values if v != RegisterAspect.PARTY_ASSESSMENT]
    if register.may_write(user, cadre.supervising_grid_id, RegisterAspect.PARTY_ASSESSMENT):
        aspects.append(RegisterAspect.PARTY_ASSESSMENT.value)
    return aspects


@require_http_methods(["GET"])
@roles(*REGISTER_READERS)
def register_cadre(request, pk):
    """One cadre's register, grouped by the six headings. Reading it is audited."""
    try:
        cadre = register.register_cadre_for(request.user, pk)
    except (Cadre.DoesNotExist, ValueError):
        raise Http404 from None
    sections = register.cadre_register(user=request.user, cadre=cadre)
    count = sum(len(entries) for _value, _label, entries in sections)
    register.audit_read(actor=request.user, cadre=cadre, count=count)
    writable = has_role(request.user, *REGISTER_WRITERS) and register.may_write(
        request.user, cadre.supervising_grid_id
    )
    editable = register.editable_ids(request.user, [e for _v, _l, entries in sections for e in entries])
    context = {
        "cadre": cadre,
        "sections": sections,
        "count": count,
        "can_write": writable,
        "editable": editable,
        "writable_aspects": _writable_aspects(request.user, cadre) if writable else [],
    }
    response = render(request, "supervision/register/cadre.html", context)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@roles(*REGISTER_WRITERS)
def register_create(request):
    """A new entry (``?cadre=`` picks the cadre from their register page). A one-time token keeps a double
    tap on a slow network to one entry."""
    cadres = register.cadre_choices(request.user)
    aspects = register.aspect_choices(request.user)
    status = 200
    if request.method == "POST":
        form = RegisterEntryForm(request.POST, cadres=cadres, aspects=aspects)
        if form.is_valid():
            token = request.POST.get("submission", "")
            claim = receipts.submission_claim(token)
            if claim == "used":
                messages.warning(
                    request, _("This register entry was already saved: the form was sent twice.")
                )
                return redirect("supervision:register_list")
            if claim == "invalid":
                form.add_error(None, _("The form has expired. Check what you typed and send it again."))
            else:
                try:
                    entry = register.register_entry_create(actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    receipts.submission_release(token)
                    _show_error(form, exc)
                else:
                    messages.success(request, _("The register entry was saved."))
                    return redirect("supervision:register_cadre", pk=entry.cadre_id)
        status = 400
    else:
        initial = {"recorded_on": timezone.localdate()}
        chosen = _uuid(request.GET.get("cadre"))
        if chosen is not None and cadres.filter(pk=chosen).exists():
            initial["cadre"] = chosen
        aspect = request.GET.get("aspect", "")
        if aspect in dict(aspects):
            initial["aspect"] = aspect
        form = RegisterEntryForm(initial=initial, cadres=cadres, aspects=aspects)
    context = {"form": form, "submission": receipts.submission_token_new()}
    response = render(request, "supervision/register/form.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@roles(*REGISTER_WRITERS)
def register_update(request, pk):
    """The author or a writer of the entry's grid corrects it. The form shows the text: an audited read."""
    try:
        entry = (
            register.register_entries_for(request.user)
            .select_related("cadre__unit", "grid__parent", "author")
            .get(pk=pk)
        )
    except (RegisterEntry.DoesNotExist, ValueError):
        raise Http404 from None
    if not register.may_edit(request.user, entry):
        raise PermissionDenied
    aspects = register.aspect_choices(request.user)
    if entry.aspect not in dict(aspects):  # pragma: no cover - may_edit keeps the assessment to its writers
        raise PermissionDenied
    kwargs = {"cadres": Cadre.objects.none(), "aspects": aspects, "show_cadre": False}
    status = 200
    if request.method == "POST":
        form = RegisterEntryForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                register.register_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("The register entry was saved."))
                return redirect("supervision:register_cadre", pk=entry.cadre_id)
        status = 400
    else:
        register.audit_read(actor=request.user, entry=entry)
        form = RegisterEntryForm(
            initial={"aspect": entry.aspect, "recorded_on": entry.recorded_on, "content": entry.content},
            **kwargs,
        )
    response = render(
        request, "supervision/register/form.html", {"form": form, "entry": entry}, status=status
    )
    add_never_cache_headers(response)
    return response
