from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import REGISTRY_EDITORS, REGISTRY_READERS, Role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.geography.models import Area, Level

from . import excel, selectors, services
from .forms import (
    CadreForm,
    CadreStatusForm,
    CadreTableUploadForm,
    RelationForm,
    RoundForm,
    UnitForm,
    UnitHeadForm,
)
from .models import Cadre, CadreStatus, CollectionRound, Rank, RoundStatus, Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ERRORS_SHOWN = 1000
ROUND_READERS = (*REGISTRY_EDITORS, Role.OFFICE)
EXPORTERS = (*REGISTRY_EDITORS, Role.OFFICE)


# ---------------------------------------------------------------------------------------------- cadres


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def cadre_list(request):
    filters = {
        "q": request.GET.get("q", "").strip()[:50],
        "unit": request.GET.get("unit") or None,
        "status": request.GET.get("status") if request.GET.get("status") in CadreStatus.values else None,
        "rank": request.GET.get("rank") if request.GET.get("rank") in Rank.values else None,
    }
    area_code = request.GET.get("area") or ""
    area = None
    if area_code:
        area = Area.objects.for_user(request.user).filter(code=area_code).first()
        filters["area_path"] = area.path if area else "-"
    try:
        page = paginate(
            request, selectors.cadre_list(user=request.user, **filters), settings.GRIDWATCH_PAGE_SIZE
        )
    except Exception as exc:  # a malformed unit id in the query string
        if exc.__class__.__name__ != "ValidationError":
            raise
        filters["unit"] = None
        page = paginate(
            request, selectors.cadre_list(user=request.user, **filters), settings.GRIDWATCH_PAGE_SIZE
        )
    context = {
        "page": page,
        "filters": filters,
        "area": area,
        "units": Unit.objects.for_user(request.user).order_by("name").only("id", "name"),
        "townships": Area.objects.for_user(request.user).filter(level=Level.TOWNSHIP).only("code", "name"),
        "statuses": CadreStatus.choices,
        "ranks": Rank.choices,
        "can_edit": has_role(request.user, *REGISTRY_EDITORS),
    }
    template = "people/cadre_list.html#results" if request.htmx else "people/cadre_list.html"
    return render(request, template, context)


def _detail_context(request, cadre, **extra):
    context = {"cadre": cadre, "timeline": selectors.cadre_timeline(user=request.user, cadre=cadre)[:200]}
    context["can_edit"] = has_role(request.user, *REGISTRY_EDITORS) and selectors.editor_scope(
        request.user
    ).covers_cadre(cadre)
    # Links only where they lead somewhere: a cadre reading their own file has no cadre list, and a unit
    # liaison sees their unit's cadres but not the grids that supervise them.
    context["can_list"] = has_role(request.user, *REGISTRY_READERS)
    context["grid_visible"] = (
        context["can_list"]
        and Area.objects.for_user(request.user).filter(pk=cadre.supervising_grid_id).exists()
    )
    context["unit_visible"] = (
        context["can_list"] and Unit.objects.for_user(request.user).filter(pk=cadre.unit_id).exists()
    )
    # Who recorded a finding or a clarification is the commission's business: the cadre and their unit do
    # not learn which officer handled a case about the cadre.
    context["commission_reader"] = has_role(request.user, Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF)
    if has_role(request.user, Role.COUNTY_STAFF):
        context["relations"] = selectors.declared_relations(user=request.user, cadre=cadre)
        context.setdefault("relation_form", RelationForm())
    context.update(extra)
    return context


def _cadre_for(request, pk):
    return get_for_user_or_404(
        Cadre.objects.select_related(
            "unit", "residence_grid__parent__parent", "supervising_grid__parent__parent"
        ),
        request.user,
        pk=pk,
    )


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS, Role.CADRE)
def cadre_detail(request, pk):
    """The one-person-one-file page (一人一档): registry data and the timeline."""
    cadre = _cadre_for(request, pk)
    return render(request, "people/cadre_detail.html", _detail_context(request, cadre))


@require_POST
@roles(*REGISTRY_READERS, Role.CADRE)
def cadre_phone(request, pk):
    """Show a cadre's phone: a sensitive read, audited each time."""
    cadre = _cadre_for(request, pk)
    phone = services.cadre_phone_reveal(actor=request.user, cadre=cadre)
    if request.htmx:
        return render(request, "people/cadre_detail.html#phone", {"cadre": cadre, "phone": phone})
    # Without JavaScript the form posts here: answer with the whole page, the number shown in place.
    return render(request, "people/cadre_detail.html", {**_detail_context(request, cadre), "phone": phone})


@require_http_methods(["GET"])
@roles(Role.CADRE)
def my_file(request):
    cadre = request.user.cadre
    return cadre_detail(request, pk=cadre.pk)


def _editable_cadre_for(request, pk):
    """Out of sight answers 404; in sight but not the editor's to change (another unit) answers 403."""
    cadre = _cadre_for(request, pk)
    if not selectors.editor_scope(request.user).covers_cadre(cadre):
        raise PermissionDenied
    return cadre


def _supervised_outside(scope, *, unit, supervising_grid):
    """An officer may not register a cadre who would then be supervised outside their jurisdiction (another
    township for township staff, another county for county staff)."""
    if unit.pk in scope.unit_ids:
        return False
    return not any(supervising_grid.path.startswith(p) for p in scope.area_paths)


def _save_cadre(request, form, cadre=None):
    """Create or update from a valid form; service refusals go beside their field. Returns the cadre or
    ``None`` when the form now holds errors (nothing was saved)."""
    data = dict(form.cleaned_data)
    scope = selectors.editor_scope(request.user)
    supervising = data["supervising_grid"] or services.default_supervising_grid(
        unit=data["unit"], residence_grid=data["residence_grid"]
    )
    if _supervised_outside(scope, unit=data["unit"], supervising_grid=supervising):
        form.add_error(
            "supervising_grid",
            _("The cadre would be supervised in %(grid)s, outside your jurisdiction.")
            % {"grid": supervising.name},
        )
        return None
    data["supervising_grid"] = supervising
    try:
        if cadre is None:
            return services.cadre_create(actor=request.user, **data)
        return services.cadre_update(actor=request.user, cadre=cadre, **data)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


@require_http_methods(["GET", "POST"])
@roles(*REGISTRY_EDITORS)
def cadre_create(request):
    units = selectors.editor_units(request.user)
    grids = selectors.editor_grids(request.user)
    if request.method == "POST":
        form = CadreForm(request.POST, units=units, grids=grids)
        if form.is_valid():
            cadre = _save_cadre(request, form)
            if cadre is not None:
                messages.success(request, _("%(name)s was entered in the registry.") % {"name": cadre.name})
                return redirect("people:cadre_detail", pk=cadre.pk)
    else:
        initial = {}
        unit = units.filter(pk=request.GET.get("unit")).first() if _is_uuid(request.GET.get("unit")) else None
        if unit is not None:
            initial["unit"] = unit
        form = CadreForm(initial=initial, units=units, grids=grids)
    return render(request, "people/cadre_form.html", {"form": form, "cadre": None})


@require_http_methods(["GET", "POST"])
@roles(*REGISTRY_EDITORS)
def cadre_edit(request, pk):
    cadre = _editable_cadre_for(request, pk)
    units = selectors.editor_units(request.user) | Unit.objects.filter(pk=cadre.unit_id)
    grids = selectors.editor_grids(request.user)
    if request.method == "POST":
        form = CadreForm(request.POST, units=units.distinct().order_by("name"), grids=grids, cadre=cadre)
        if form.is_valid():
            saved = _save_cadre(request, form, cadre)
            if saved is not None:
                messages.success(request, _("The registry data was saved."))
                return redirect("people:cadre_detail", pk=cadre.pk)
    else:
        default = services.default_supervising_grid(unit=cadre.unit, residence_grid=cadre.residence_grid)
        initial = {
            f: getattr(cadre, f)
            for f in ("name", "gender", "birth_year", "unit", "position", "rank", "phone")
        }
        initial["residence_grid"] = cadre.residence_grid.code
        initial["supervising_grid"] = (
            "" if cadre.supervising_grid_id == default.pk else cadre.supervising_grid.code
        )
        form = CadreForm(initial=initial, units=units.distinct().order_by("name"), grids=grids, cadre=cadre)
    return render(request, "people/cadre_form.html", {"form": form, "cadre": cadre})


@require_http_methods(["GET", "POST"])
@roles(*REGISTRY_EDITORS)
def cadre_status(request, pk):
    """Transferred, retired, or serving again, with a note that lands in the file."""
    cadre = _editable_cadre_for(request, pk)
    if request.method == "POST":
        form = CadreStatusForm(request.POST)
        if form.is_valid():
            try:
                services.cadre_change_status(actor=request.user, cadre=cadre, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The status was changed."))
                return redirect("people:cadre_detail", pk=cadre.pk)
    else:
        form = CadreStatusForm(initial={"status": cadre.status})
    return render(request, "people/cadre_status.html", {"form": form, "cadre": cadre})


@require_POST
@roles(Role.COUNTY_STAFF)
def cadre_relation_add(request, pk):
    """County staff record that a user has a relation to the cadre (conflict of interest)."""
    cadre = _cadre_for(request, pk)
    form = RelationForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            form.add_error("username", _("No active user has this user name."))
        else:
            try:
                services.relation_declare(
                    actor=request.user,
                    user=user,
                    cadre=cadre,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                form = RelationForm()
                if not request.htmx:
                    messages.success(request, _("The relation was recorded."))
                    return redirect("people:cadre_detail", pk=cadre.pk)
    context = _detail_context(request, cadre, relation_form=form)
    if request.htmx:
        return render(request, "people/cadre_detail.html#relations", context)
    return render(request, "people/cadre_detail.html", context, status=200)


# ---------------------------------------------------------------------------------------------- 附件一


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError):
        return False
    return True


@require_http_methods(["GET"])
@roles(*EXPORTERS)
def cadre_export(request):
    """The cadre information form (附件一) of the user's jurisdiction, phones included: an audited export.
    ``?unit=`` narrows it to one unit (a unit's pre-filled template for a data-collection round)."""
    unit = None
    if request.GET.get("unit"):
        if not _is_uuid(request.GET["unit"]):
            raise Http404
        unit = get_for_user_or_404(Unit, request.user, pk=request.GET["unit"])
    content, count = excel.build_workbook(selectors.cadre_table(user=request.user, unit=unit))
    audit_log(
        actor=request.user,
        action="cadre.export",
        object_type="people.cadre",
        object_label=excel.SHEET_TITLE,
        changes={"rows": count, "format": "xlsx", "unit": unit.name if unit else ""},
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"附件一-{unit.name + '-' if unit else ''}{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _import(request, form):
    """Run an upload through the checks and the import; returns the page's context pieces."""
    problem, errors, result = None, [], None
    if form.is_valid():
        try:
            rows = excel.read_table(form.cleaned_data["file"])
            result = services.cadre_table_import(actor=request.user, rows=rows)
        except excel.FileProblem as exc:
            problem = exc.message
        except services.ImportRefused as exc:
            problem, errors = exc.message, exc.errors
        except DomainError as exc:
            problem = exc.message
    return {
        "problem": problem,
        "errors": errors[:MAX_ERRORS_SHOWN],
        "errors_total": len(errors),
        "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
        "result": result,
    }


@require_http_methods(["GET", "POST"])
@roles(*REGISTRY_EDITORS)
def cadre_import(request):
    """Upload the cadre information form (附件一): every row checked, all or nothing."""
    context = {"problem": None, "errors": [], "result": None}
    form = CadreTableUploadForm()
    if request.method == "POST":
        form = CadreTableUploadForm(request.POST, request.FILES)
        context.update(_import(request, form))
        if context["result"] is not None:
            form = CadreTableUploadForm()
    context.update(form=form, headers=excel.HEADERS)
    template = "people/cadre_import.html#outcome" if request.htmx else "people/cadre_import.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------- units


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def unit_list(request):
    q = request.GET.get("q", "").strip()[:50]
    page = paginate(request, selectors.unit_list(user=request.user, q=q), settings.GRIDWATCH_PAGE_SIZE)
    context = {"page": page, "q": q, "can_create": has_role(request.user, Role.COUNTY_STAFF)}
    template = "people/unit_list.html#results" if request.htmx else "people/unit_list.html"
    return render(request, template, context)


def _unit_context(request, unit, **extra):
    cadres = list(selectors.unit_cadres(user=request.user, unit=unit))
    context = {
        "unit": unit,
        "cadres": cadres,
        "submissions": selectors.unit_submissions(user=request.user, unit=unit)[:50],
        "can_set_head": has_role(request.user, Role.COUNTY_STAFF),
        "can_add_cadre": has_role(request.user, *REGISTRY_EDITORS),
    }
    if context["can_set_head"]:
        context["head_form"] = UnitHeadForm(
            initial={"head": unit.head_id}, cadres=Cadre.objects.filter(unit=unit, status=CadreStatus.SERVING)
        )
    context.update(extra)
    return context


def _unit_for(request, pk):
    return get_for_user_or_404(Unit.objects.select_related("area", "head"), request.user, pk=pk)


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def unit_detail(request, pk):
    unit = _unit_for(request, pk)
    return render(request, "people/unit_detail.html", _unit_context(request, unit))


@require_http_methods(["GET", "POST"])
@roles(Role.COUNTY_STAFF)
def unit_create(request):
    areas = Area.objects.for_user(request.user)
    if request.method == "POST":
        form = UnitForm(request.POST, areas=areas)
        if form.is_valid():
            try:
                unit = services.unit_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The unit %(name)s was created.") % {"name": unit.name})
                return redirect("people:unit_detail", pk=unit.pk)
    else:
        form = UnitForm(areas=areas)
    return render(request, "people/unit_form.html", {"form": form})


@require_POST
@roles(Role.COUNTY_STAFF)
def unit_set_head(request, pk):
    """Set the unit's number one (一把手), one of its serving cadres."""
    unit = _unit_for(request, pk)
    form = UnitHeadForm(request.POST, cadres=Cadre.objects.filter(unit=unit, status=CadreStatus.SERVING))
    if form.is_valid():
        try:
            services.unit_set_head(actor=request.user, unit=unit, head=form.cleaned_data["head"])
        except DomainError as exc:
            form.add_error("head", exc.message)
        else:
            messages.success(request, _("The number one was saved."))
            return redirect("people:unit_detail", pk=unit.pk)
    return render(request, "people/unit_detail.html", _unit_context(request, unit, head_form=form))


# ---------------------------------------------------------------------------------------------- rounds


@require_http_methods(["GET", "POST"])
@roles(*ROUND_READERS)
def round_list(request):
    """Data-collection rounds (R21); county staff open a new one here."""
    can_open = has_role(request.user, Role.COUNTY_STAFF)
    form = RoundForm() if can_open else None
    if request.method == "POST":
        if not can_open:
            raise PermissionDenied
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                rnd = services.round_open(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The round %(title)s was opened.") % {"title": rnd.title})
                return redirect("people:round_detail", pk=rnd.pk)
    rounds = selectors.round_list(user=request.user)[:100]
    return render(
        request,
        "people/round_list.html",
        {"rounds": rounds, "form": form, "can_open": can_open, "today": timezone.localdate()},
    )


def _liaison_units(request):
    scope = selectors.editor_scope(request.user)
    return Unit.objects.for_user(request.user).filter(pk__in=list(scope.unit_ids)).order_by("name")


def _unit_cadres_with_gaps(unit):
    """Serving cadres of a unit with what is missing for the round, without decrypting any phone."""
    cadres = (
        Cadre.objects.filter(unit=unit, status=CadreStatus.SERVING)
        .defer("phone")
        .annotate(has_phone=ExpressionWrapper(~Q(phone=""), output_field=BooleanField()))
        .order_by("name_pinyin", "id")
    )
    labels = {f.name: f.verbose_name for f in Cadre._meta.fields}
    rows = []
    for cadre in cadres:
        missing = [
            labels[f] for f in services.REQUIRED_FOR_COMPLETENESS if f != "phone" and not getattr(cadre, f)
        ]
        if not cadre.has_phone:
            missing.append(labels["phone"])
        rows.append({"cadre": cadre, "missing": missing})
    return rows


def _round_context(request, rnd, **extra):
    today = timezone.localdate()
    context = {"round": rnd, "today": today, "overdue": rnd.deadline < today, "can_close": False}
    county_view = has_role(request.user, Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF)
    if county_view:
        units = list(selectors.round_completeness(user=request.user, round=rnd))
        for unit in units:
            unit.late = unit.submitted_at is None and rnd.deadline < today
        context.update(
            units=units,
            submitted_count=sum(1 for u in units if u.submitted_at),
            late_count=sum(1 for u in units if u.late),
            can_close=has_role(request.user, Role.COUNTY_STAFF) and rnd.status == RoundStatus.OPEN,
        )
    else:
        sections = []
        for unit in _liaison_units(request):
            rows = _unit_cadres_with_gaps(unit)
            submission = unit.submissions.filter(round=rnd).first()
            sections.append(
                {
                    "unit": unit,
                    "rows": rows,
                    "submission": submission,
                    "incomplete": sum(1 for r in rows if r["missing"]),
                }
            )
        context["sections"] = sections
        context["upload_form"] = CadreTableUploadForm()
        context["headers"] = excel.HEADERS
    context["county_view"] = county_view
    context.update(extra)
    return context


@require_http_methods(["GET"])
@roles(*ROUND_READERS)
def round_detail(request, pk):
    """County and township staff: the completeness of every unit. A unit liaison: their unit's cadres,
    what each lacks, the pre-filled form, the upload and the submit button."""
    rnd = get_object_or_404(CollectionRound, pk=pk)
    context = _round_context(request, rnd)
    template = (
        "people/round_detail.html#units"
        if request.htmx and context["county_view"]
        else "people/round_detail.html"
    )
    return render(request, template, context)


@require_POST
@roles(Role.COUNTY_STAFF)
def round_close(request, pk):
    rnd = get_object_or_404(CollectionRound, pk=pk)
    if rnd.status == RoundStatus.OPEN:
        services.round_close(actor=request.user, round=rnd)
        messages.success(request, _("The round was closed."))
    return redirect("people:round_detail", pk=rnd.pk)


@require_POST
@roles(Role.UNIT_LIAISON)
def round_submit(request, pk):
    """A unit liaison confirms their unit's data; refused (with the incomplete cadres) if any lacks data."""
    rnd = get_object_or_404(CollectionRound, pk=pk)
    unit_id = request.POST.get("unit")
    if not _is_uuid(unit_id):
        raise Http404
    unit = get_object_or_404(_liaison_units(request), pk=unit_id)
    try:
        services.unit_submit(actor=request.user, round=rnd, unit=unit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(unit)s's data was submitted.") % {"unit": unit.name})
    return redirect("people:round_detail", pk=rnd.pk)


@require_POST
@roles(Role.UNIT_LIAISON)
def round_import(request, pk):
    """The upload on a round's page: the same import, shown on the round page."""
    rnd = get_object_or_404(CollectionRound, pk=pk)
    form = CadreTableUploadForm(request.POST, request.FILES)
    outcome = _import(request, form)
    if outcome["result"] is not None:
        messages.success(
            request,
            _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.") % outcome["result"],
        )
        return redirect("people:round_detail", pk=rnd.pk)
    return render(
        request, "people/round_detail.html", _round_context(request, rnd, upload_form=form, **outcome)
    )
