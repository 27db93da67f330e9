from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role, user_roles
from gridwatch.accounts.roles import COUNTY_WIDE_ROLES, GEOGRAPHY_EDITORS, REGISTRY_READERS, Role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404

from . import excel, selectors, services
from .forms import AreaForm, GridTableUploadForm, TeamAddForm, TeamRemoveForm
from .models import Area, GridTeamMember, Level

# Who edits areas and grid teams: county staff anywhere, township staff inside their township.
AREA_EDITORS = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
LIAISON_READERS = (Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ERRORS_SHOWN = 1000


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def area_list(request):
    held = user_roles(request.user)
    return render(
        request,
        "geography/area_list.html",
        {
            "areas": selectors.roots_for(request.user),
            "can_import": bool(held & set(GEOGRAPHY_EDITORS)),
            "can_see_liaisons": bool(held & set(LIAISON_READERS)),
        },
    )


def _area_for(request, code):
    return get_for_user_or_404(Area.objects.select_related("parent__parent__parent"), request.user, code=code)


def _detail_context(request, area, **extra):
    can_edit = bool(user_roles(request.user) & set(AREA_EDITORS))
    context = {"area": area, "can_edit": can_edit, "can_manage_team": can_edit and area.is_grid, **extra}
    if area.is_grid:
        team = selectors.grid_team(grid=area)
        context.update(team=team, problems=services.team_problems(team))
        context.setdefault("team_form", TeamAddForm())
    return context


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def area_detail(request, code):
    area = _area_for(request, code)
    children = list(selectors.area_children(user=request.user, parent=area))
    if area.level == Level.COMMUNITY:
        for child in children:
            child.problems = services.team_problems(list(child.team_members.all()))
    return render(request, "geography/area_detail.html", _detail_context(request, area, children=children))


@require_http_methods(["GET", "POST"])
@roles(*AREA_EDITORS)
def area_edit(request, code):
    """Edit an area's name, range and supervision phone; codes and the tree change only by import."""
    area = _area_for(request, code)
    if request.method == "POST":
        form = AreaForm(request.POST)
        if form.is_valid():
            try:
                services.area_update(actor=request.user, area=area, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The area was saved."))
                return redirect("geography:area_detail", code=area.code)
    else:
        form = AreaForm(initial={f: getattr(area, f) for f in ("name", "description", "supervision_phone")})
    return render(request, "geography/area_edit.html", {"area": area, "form": form})


def _grid_for(request, code):
    grid = _area_for(request, code)
    if not grid.is_grid:
        raise Http404
    return grid


def _team_response(request, grid, *, ok_message=None, error=None, form=None):
    """After a team change: the group's fragment for htmx, otherwise back to the grid page."""
    if request.htmx:
        context = _detail_context(request, grid, team_error=error, team_ok=ok_message)
        if form is not None:
            context["team_form"] = form
        return render(request, "geography/area_detail.html#team", context)
    if error:
        messages.error(request, error)
    elif ok_message:
        messages.success(request, ok_message)
    return redirect("geography:area_detail", code=grid.code)


@require_POST
@roles(*AREA_EDITORS)
def team_add(request, code):
    """Add an existing user to a grid's supervision group; the service refuses a sixth supervisor, a
    second leader or deputy."""
    grid = _grid_for(request, code)
    form = TeamAddForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _team_response(request, grid, error=error, form=form)
    user = get_user_model().objects.filter(username=form.cleaned_data["username"], is_active=True).first()
    if user is None:
        return _team_response(request, grid, error=_("No active user has this user name."), form=form)
    try:
        member = services.team_member_add(
            actor=request.user,
            grid=grid,
            user=user,
            role=form.cleaned_data["role"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _team_response(request, grid, error=str(exc.message), form=form)
    return _team_response(
        request,
        grid,
        ok_message=_("%(user)s joined the group as %(role)s.")
        % {"user": user, "role": member.get_role_display()},
    )


@require_POST
@roles(*AREA_EDITORS)
def team_remove(request, code):
    grid = _grid_for(request, code)
    form = TeamRemoveForm(request.POST)
    member = None
    if form.is_valid():
        member = (
            GridTeamMember.objects.for_user(request.user)
            .filter(grid=grid, user__username=form.cleaned_data["username"])
            .select_related("user")
            .first()
        )
    if member is None:
        raise Http404
    try:
        services.team_member_remove(actor=request.user, member=member)
    except DomainError as exc:
        return _team_response(request, grid, error=str(exc.message))
    return _team_response(request, grid, ok_message=_("%(user)s left the group.") % {"user": member.user})


@require_http_methods(["GET"])
@roles(*LIAISON_READERS)
def liaison_list(request):
    """Commission leaders and the townships and grid each is linked to: county staff and the office see
    those of their county, a liaison their own."""
    county_wide = has_role(request.user, *COUNTY_WIDE_ROLES)
    liaisons = selectors.liaison_list(user=request.user, only_own=not county_wide)
    return render(request, "geography/liaison_list.html", {"liaisons": liaisons, "everything": county_wide})


@require_http_methods(["GET", "POST"])
@roles(*GEOGRAPHY_EDITORS)
def import_export(request):
    """The grid division table (附件二): download it, or upload it to create and update areas."""
    form = GridTableUploadForm()
    problem, errors, result = None, [], None
    if request.method == "POST":
        form = GridTableUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = excel.read_table(form.cleaned_data["file"])
                result = services.grid_table_import(actor=request.user, rows=rows)
            except excel.FileProblem as exc:
                problem = exc.message
            except services.ImportRefused as exc:
                problem, errors = exc.message, exc.errors
            except DomainError as exc:
                problem = exc.message
            else:
                form = GridTableUploadForm()
    context = {
        "form": form,
        "problem": problem,
        "errors": errors[:MAX_ERRORS_SHOWN],
        "errors_total": len(errors),
        "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
        "result": result
        and {
            level: {kind: result[kind][level] for kind in ("created", "updated")}
            for level in ("township", "community", "grid")
        },
        "grid_count": Area.objects.for_user(request.user).filter(level=Level.GRID).count(),
        "headers": excel.HEADERS,
    }
    return render(request, "geography/import_export.html", context)


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def grid_table_export(request):
    """The grid division table of the user's jurisdiction as .xlsx (an audited export)."""
    grids = list(selectors.grid_table(user=request.user))
    county = grids[0].parent.parent.parent if grids else None
    title = f"{county.name}网格划分表" if county else excel.SHEET_TITLE
    content = excel.build_workbook(grids, title=title)
    audit_log(
        actor=request.user,
        action="area.export",
        object_type="geography.area",
        object_label=excel.SHEET_TITLE,
        changes={"rows": len(grids), "format": "xlsx"},
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{excel.SHEET_TITLE}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
