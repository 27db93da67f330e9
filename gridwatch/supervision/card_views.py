"""Supervision cards (R11) and the four-circles checklist (R5).

Cards are reached through jurisdiction and recusal alone (``card_selectors.cards_for``): another grid or
township, the cadre the card is about, their unit and a declared relation get the 404 of a card that does
not exist. Inside it, what a reader may do is decided by their post in the card's grid and the card's
status (``cards.available_actions``; 403 otherwise).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.people.models import Cadre

from . import card_selectors as sel
from . import cards, checklist
from .card_forms import CardItemForm, CardReviewForm, CardSubmitForm, ChecklistFormSet, ChecklistNoteForm
from .models import CardItem, CardRating, CardStatus, ChecklistVersion, SupervisionCard
from .roles import CARD_READERS, CARD_REVIEWERS, CARD_WRITERS, CHECKLIST_EDITORS, CHECKLIST_READERS

STATUS_BADGE = {
    CardStatus.DRAFT: "amber",
    CardStatus.SUBMITTED: "blue",
    CardStatus.RETURNED: "red",
    CardStatus.REVIEWED: "green",
}


def _month(value):
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def _card_for(request, pk):
    try:
        return sel.card_for_page(request.user, pk)
    except (SupervisionCard.DoesNotExist, ValueError):
        raise Http404 from None


def _item_for(card, position):
    item = CardItem.objects.filter(card=card, checklist_item__position=position).select_related(
        "checklist_item"
    )
    item = item.first()
    if item is None:
        raise Http404
    item.card = card
    return item


def _card_url(card, anchor=""):
    return reverse("supervision:card_detail", args=[card.pk]) + (f"#{anchor}" if anchor else "")


# -------------------------------------------------------------------------------------------- overview


@require_http_methods(["GET"])
@roles(*CARD_READERS)
def card_overview(request):
    """A grid's cadres and their card of the month: those still without one first."""
    grids = sel.overview_grids(request.user)
    code = request.GET.get("grid", "")
    grid = next((g for g in grids if g.code == code), grids[0] if grids else None)
    current = sel.this_month()
    month = _month(request.GET.get("month")) or current
    month = min(month.replace(day=1), current)
    rows = sel.overview(user=request.user, grid=grid, month=month) if grid is not None else []
    may_start = grid is not None and month in sel.fillable_months() and sel.may_write(request.user, grid.pk)
    counts = {status: 0 for status in CardStatus.values}
    for _cadre, card in rows:
        if card is not None:
            counts[card.status] += 1
    context = {
        "grids": grids,
        "grid": grid,
        "month": month,
        "previous": sel.previous_month(month),
        "next": sel.next_month(month) if month < current else None,
        "rows": [(cadre, card, STATUS_BADGE.get(card.status) if card else None) for cadre, card in rows],
        "missing": sum(1 for _cadre, card in rows if card is None),
        "counts": counts,
        "may_start": may_start,
    }
    return render(request, "supervision/cards/overview.html", context)


@require_POST
@roles(*CARD_WRITERS)
def card_start(request):
    """Start (or open, if a team mate already did) the card of a cadre of the writer's grid."""
    cadre = get_for_user_or_404(
        Cadre.objects.select_related("supervising_grid"), request.user, pk=request.POST.get("cadre", "")
    )
    month = _month(request.POST.get("month")) or sel.this_month()
    try:
        card = cards.card_start(actor=request.user, cadre=cadre, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(
            reverse("supervision:card_overview") + f"?grid={cadre.supervising_grid.code}&month={month:%Y-%m}"
        )
    return redirect("supervision:card_detail", pk=card.pk)


# ---------------------------------------------------------------------------------------------- detail


def _item_forms(card, items, editable, bound=None):
    rows = []
    for item in items:
        if bound is not None and bound[0] == item.pk:
            form = bound[1]
        elif editable:
            form = CardItemForm(
                prefix=f"i{item.checklist_item.position}", initial={"rating": item.rating, "note": item.note}
            )
        else:
            form = None
        rows.append((item, form))
    return rows


def _detail(request, card, *, status=200, bound_item=None, submit_form=None, review_form=None, error=None):
    user = request.user
    actions = cards.available_actions(card, user)
    items = sel.card_items(card)
    for item in items:
        item.card = card
    editable = "save" in actions
    rows = _item_forms(card, items, editable, bound_item)
    circles = [
        (value, label, [row for row in rows if row[0].checklist_item.circle == value])
        for value, label, _items in checklist.grouped([])
    ]
    context = {
        "card": card,
        "badge": STATUS_BADGE.get(card.status),
        "circles": circles,
        "answered": sum(1 for i in items if i.rating),
        "total": len(items),
        "concerns": sum(1 for i in items if i.rating == CardRating.CONCERN),
        "actions": actions,
        "editable": editable,
        "submit_form": submit_form or CardSubmitForm(initial={"summary": card.summary}),
        "review_form": review_form or CardReviewForm(),
        "error": error,
    }
    cards.card_open(actor=user, card=card)
    response = render(request, "supervision/cards/card_detail.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET"])
@roles(*CARD_READERS)
def card_detail(request, pk):
    """The card: to fill item by item while it is a draft (or returned), to review once submitted, to read
    afterwards. Opening it is an audited read (the notes are about a person)."""
    return _detail(request, _card_for(request, pk))


@require_POST
@roles(*CARD_WRITERS)
def card_item_save(request, pk, position):
    """Save one item as the supervisor goes: with htmx the item's fragment comes back in place; without
    JavaScript the page comes back at that item."""
    card = _card_for(request, pk)
    if "save" not in cards.available_actions(card, request.user):
        raise PermissionDenied
    item = _item_for(card, position)
    form = CardItemForm(request.POST, request.FILES, prefix=f"i{position}")
    saved = False
    if form.is_valid():
        try:
            item = cards.card_item_save(
                actor=request.user,
                item=item,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
                remove_photo=form.cleaned_data["remove_photo"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            saved = True
    if request.htmx:
        items = sel.card_items(card)
        item.card = card
        if saved:
            form = CardItemForm(prefix=f"i{position}", initial={"rating": item.rating, "note": item.note})
        context = {
            "card": card,
            "item": item,
            "form": form,
            "editable": True,
            "saved": saved,
            "answered": sum(1 for i in items if i.rating),
            "total": len(items),
            "oob": True,
        }
        response = render(
            request,
            "supervision/cards/card_detail.html#item",
            context,
            status=200 if saved or form.is_valid() else 400,
        )
        add_never_cache_headers(response)
        return response
    if saved:
        messages.success(request, _("Item %(n)s saved.") % {"n": position})
        return redirect(_card_url(card, f"item-{position}"))
    return _detail(request, card, status=400, bound_item=(item.pk, form))


@require_POST
@roles(*CARD_WRITERS)
def card_submit(request, pk):
    card = _card_for(request, pk)
    if "submit" not in cards.available_actions(card, request.user):
        raise PermissionDenied
    form = CardSubmitForm(request.POST)
    if form.is_valid():
        try:
            cards.card_submit(actor=request.user, card=card, summary=form.cleaned_data["summary"])
        except DomainError as exc:
            return _detail(request, card, status=400, submit_form=form, error=exc.message)
        messages.success(request, _("The card was submitted to the grid leader."))
        return redirect("supervision:card_detail", pk=card.pk)
    return _detail(request, card, status=400, submit_form=form)


@require_POST
@roles(*CARD_REVIEWERS)
def card_review(request, pk):
    card = _card_for(request, pk)
    if not {"accept", "return"} & cards.available_actions(card, request.user):
        raise PermissionDenied
    form = CardReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            cards.card_review(actor=request.user, card=card, accept=accept, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("The card was accepted.") if accept else _("The card was returned for correction.")
            )
            return redirect("supervision:card_detail", pk=card.pk)
    return _detail(request, card, status=400, review_form=form)


@require_http_methods(["GET"])
@roles(*CARD_READERS)
def card_photo(request, pk, position):
    """An item's photo, to those who may read the card; each opening is audited."""
    card = _card_for(request, pk)
    item = _item_for(card, position)
    if not item.photo:
        raise Http404
    try:
        handle = cards.card_photo_open(actor=request.user, item=item)
    except FileNotFoundError as exc:
        raise Http404 from exc
    # As a download, like report attachments (SECURITY.md item 7), though it is a re-encoded JPEG.
    response = FileResponse(handle, as_attachment=True, filename=f"{position}.jpg", content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


# ------------------------------------------------------------------------------------------- checklist


@require_http_methods(["GET"])
@roles(*CHECKLIST_READERS)
def checklist_view(request):
    """The current checklist (or an older version) and the list of versions."""
    versions = list(ChecklistVersion.objects.select_related("created_by").order_by("-number"))
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), versions[0] if versions else None)
    items = checklist.version_items(version) if version is not None else []
    context = {
        "versions": versions,
        "version": version,
        "current": versions[0] if versions else None,
        "circles": checklist.grouped(items),
        "can_edit": has_role(request.user, *CHECKLIST_EDITORS),
    }
    return render(request, "supervision/cards/checklist.html", context)


@require_http_methods(["GET", "POST"])
@roles(*CHECKLIST_EDITORS)
def checklist_edit(request):
    """Change, add, remove and reorder items; saving makes the next version, with a note of what changed."""
    current = checklist.current_version()
    items = checklist.version_items(current) if current is not None else []
    status = 200
    error = None
    if request.method == "POST":
        formset = ChecklistFormSet(request.POST, prefix="items")
        note_form = ChecklistNoteForm(request.POST)
        if formset.is_valid() and note_form.is_valid():
            try:
                version = checklist.checklist_edit(
                    actor=request.user, items=formset.items(), note=note_form.cleaned_data["note"]
                )
            except DomainError as exc:
                if exc.field == "note":
                    note_form.add_error("note", exc.message)
                else:
                    error = exc.message
            else:
                messages.success(request, _("Checklist version %(n)s was saved.") % {"n": version.number})
                return redirect(reverse("supervision:checklist") + f"?version={version.number}")
        status = 400
    else:
        formset = ChecklistFormSet(
            prefix="items",
            initial=[
                {"circle": i.circle, "text_zh": i.text_zh, "text_en": i.text_en, "ORDER": n}
                for n, i in enumerate(items, start=1)
            ],
        )
        note_form = ChecklistNoteForm()
    context = {"formset": formset, "note_form": note_form, "current": current, "error": error}
    response = render(request, "supervision/cards/checklist_edit.html", context, status=status)
    add_never_cache_headers(response)
    return response
