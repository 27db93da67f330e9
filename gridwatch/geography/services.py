"""Writes to the area tree and grid teams. Each is atomic and audited."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from gridwatch.audit.services import audit_log, diff
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.sessions import end_user_sessions

from .models import (
    CHILD_LEVEL,
    LEVEL_DEPTH,
    MAX_SUPERVISORS,
    Area,
    GridTeamMember,
    Kind,
    Level,
    Liaison,
    TeamRole,
)

CODE_LENGTH = {Level.COUNTY: 12, Level.TOWNSHIP: 12, Level.COMMUNITY: 12, Level.GRID: 15}


def validate_code(*, code, level, parent):
    """Official codes: 12-digit statistical division codes; a grid is its community's code + 3 digits."""
    if not re.fullmatch(r"\d+", code or "") or len(code) != CODE_LENGTH[level]:
        raise ValidationFailed(
            _("The code of a %(level)s must have %(n)d digits.")
            % {"level": Level(level).label, "n": CODE_LENGTH[level]},
            field="code",
        )
    if parent is None:
        if level != Level.COUNTY:
            raise ValidationFailed(_("Only a county has no parent area."), field="parent")
        return
    if CHILD_LEVEL.get(parent.level) != level:
        raise ValidationFailed(
            _("A %(child)s cannot be placed under a %(parent)s.")
            % {"child": Level(level).label, "parent": Level(parent.level).label},
            field="parent",
        )
    prefix = {Level.TOWNSHIP: parent.code[:6], Level.COMMUNITY: parent.code[:9], Level.GRID: parent.code}[
        level
    ]
    if not code.startswith(prefix):
        raise ValidationFailed(
            _("The code %(code)s does not belong to %(parent)s (%(parent_code)s).")
            % {"code": code, "parent": parent.name, "parent_code": parent.code},
            field="code",
        )


def _path(parent, code):
    return (parent.path if parent else "") + code + "/"


@transaction.atomic
def area_create(
    *, actor, code, name, level, kind, parent=None, description="", supervision_phone="", boundary=None
):
    validate_code(code=code, level=level, parent=parent)
    if Area.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("An area with the code %(code)s already exists.") % {"code": code}, field="code"
        )
    area = Area.objects.create(
        code=code,
        name=name,
        level=level,
        kind=kind,
        parent=parent,
        path=_path(parent, code),
        depth=LEVEL_DEPTH[Level(level)],
        description=description,
        supervision_phone=supervision_phone,
        boundary=boundary,
    )
    audit_log(
        actor=actor, action="area.create", obj=area, changes={"code": code, "name": name, "level": level}
    )
    return area


EDITABLE_AREA_FIELDS = ("name", "description", "supervision_phone", "boundary")


@transaction.atomic
def area_update(*, actor, area, **values):
    area = Area.objects.select_for_update().get(pk=area.pk)
    before = {f: getattr(area, f) for f in EDITABLE_AREA_FIELDS}
    for field, value in values.items():
        if field not in EDITABLE_AREA_FIELDS:
            raise ValueError(f"{field} is not editable")
        setattr(area, field, value)
    changes = diff(before, {f: getattr(area, f) for f in EDITABLE_AREA_FIELDS})
    if changes:
        area.save(update_fields=[*changes, "updated_at"])
        audit_log(actor=actor, action="area.update", obj=area, changes=changes)
    return area


@transaction.atomic
def team_member_add(*, actor, grid, user, role, note=""):
    """Add a member to a grid's supervision group: one leader, one deputy, at most five supervisors."""
    grid = Area.objects.select_for_update().get(pk=grid.pk)
    if grid.level != Level.GRID:
        raise ValidationFailed(_("Supervision groups belong to grids."))
    members = list(GridTeamMember.objects.filter(grid=grid))
    if any(m.user_id == user.pk for m in members):
        raise ValidationFailed(_("%(user)s is already in this grid's supervision group.") % {"user": user})
    if role in (TeamRole.LEADER, TeamRole.DEPUTY) and any(m.role == role for m in members):
        raise ValidationFailed(
            _("The grid already has a %(role)s; remove them first.") % {"role": TeamRole(role).label}
        )
    if role == TeamRole.SUPERVISOR and sum(m.role == TeamRole.SUPERVISOR for m in members) >= MAX_SUPERVISORS:
        raise ValidationFailed(_("A grid has at most %(n)d supervisors.") % {"n": MAX_SUPERVISORS})
    member = GridTeamMember.objects.create(grid=grid, user=user, role=role, note=note)
    audit_log(
        actor=actor,
        action="grid_team.add",
        obj=member,
        changes={"grid": grid.code, "user": user.pk, "role": role},
    )
    _forget_scope(user)
    return member


@transaction.atomic
def team_member_remove(*, actor, member):
    grid = Area.objects.select_for_update().get(pk=member.grid_id)
    if member.role == TeamRole.SUPERVISOR:
        supervisors = GridTeamMember.objects.filter(grid=grid, role=TeamRole.SUPERVISOR).count()
        if supervisors <= 1:
            raise ValidationFailed(
                _("A grid needs at least one supervisor; add another before removing this one.")
            )
    audit_log(
        actor=actor,
        action="grid_team.remove",
        obj=member,
        changes={"grid": grid.code, "user": member.user_id, "role": member.role},
    )
    member.delete()
    _end_sessions(member.user)


@transaction.atomic
def liaison_create(*, actor, user, area, townships=()):
    """Link a member of the commission's leadership to a grid (``area``; in the county seat, R4) and to
    the townships of their division of work, all of one county. A user is one liaison at most."""
    if area.level != Level.GRID:
        raise ValidationFailed(_("%(area)s is not a grid.") % {"area": area}, field="area")
    townships = sorted(townships, key=lambda t: t.code)
    county = area.path.split("/", 1)[0] + "/"
    for township in townships:
        if township.level != Level.TOWNSHIP:
            raise ValidationFailed(_("%(area)s is not a township.") % {"area": township}, field="townships")
        if not township.path.startswith(county):
            raise ValidationFailed(
                _("%(township)s is not in the county of the grid %(grid)s.")
                % {"township": township, "grid": area},
                field="townships",
            )
    if Liaison.objects.filter(user=user).exists():
        raise ValidationFailed(_("%(user)s is already a commission liaison.") % {"user": user}, field="user")
    liaison = Liaison.objects.create(user=user, grid=area)
    liaison.townships.set(townships)
    audit_log(
        actor=actor,
        action="liaison.create",
        obj=liaison,
        changes={"grid": area.code, "townships": [t.code for t in townships]},
    )
    _forget_scope(user)
    return liaison


def team_problems(grid_members):
    """What a grid's group lacks, as messages (for lists and the import check)."""
    roles = [m.role for m in grid_members]
    problems = []
    if roles.count(TeamRole.LEADER) != 1:
        problems.append(_("no grid leader"))
    if roles.count(TeamRole.DEPUTY) != 1:
        problems.append(_("no deputy leader"))
    if not 1 <= roles.count(TeamRole.SUPERVISOR) <= MAX_SUPERVISORS:
        problems.append(_("needs 1–5 supervisors"))
    return problems


def _forget_scope(user):
    if hasattr(user, "_gridwatch_scope"):
        del user._gridwatch_scope


def _end_sessions(user):
    """Losing a post ends the user's sessions (SECURITY.md item 5)."""
    end_user_sessions(user)


# --------------------------------------------------------------------------- grid division table import


class ImportRefused(ValidationFailed):
    """The table has errors; ``errors`` lists every one of them. Nothing was written."""

    def __init__(self, errors):
        super().__init__(
            _("The table has errors, so nothing was imported. Correct them and upload it again.")
        )
        self.errors = list(errors)


def kind_from_name(name, level):
    """The kind of a township or community as its name says it (…街道, …镇, …乡; …村, …社区)."""
    if level == Level.TOWNSHIP:
        if name.endswith("街道"):
            return Kind.STREET
        if name.endswith("乡"):
            return Kind.TOWNSHIP
        return Kind.TOWN
    if level == Level.COMMUNITY:
        return Kind.VILLAGE if name.endswith("村") else Kind.COMMUNITY
    return Kind.GRID


@transaction.atomic
def grid_table_import(*, actor, rows):
    """Import the grid division table (附件二): all rows or none.

    Checks every row first (``excel.check_rows``) and raises ``ImportRefused`` with all the errors if there
    is any; otherwise creates the missing townships, communities and grids and updates the names, ranges
    and phones of the existing ones, each through ``area_create``/``area_update`` (each audited), and
    records one ``area.import`` event. Team member names in the file are not read. Returns the counts
    ``{"created": {level: n}, "updated": {level: n}}``."""
    from .excel import check_rows

    # Only a county-wide role imports, and only into the county it is held on: rows of another county are
    # refused like rows of an unknown one. ``actor=None`` (commands, tests) may import into any county.
    areas = Area.objects.all() if actor is None else Area.objects.for_user(actor)
    counties = {c.code[:6]: c for c in areas.filter(level=Level.COUNTY)}
    if actor is not None and not counties:
        raise NotPermitted()
    existing = {
        a.code: a
        for a in areas.filter(level__in=[Level.TOWNSHIP, Level.COMMUNITY, Level.GRID]).select_related(
            "parent"
        )
    }
    existing.update({c.code: c for c in counties.values()})
    errors = check_rows(rows, counties=counties, existing=existing)
    if errors:
        raise ImportRefused(errors)

    created = {Level.TOWNSHIP: 0, Level.COMMUNITY: 0, Level.GRID: 0}
    updated = {Level.TOWNSHIP: 0, Level.COMMUNITY: 0, Level.GRID: 0}
    done = set()

    def upsert(*, code, level, parent, values):
        if code in done:
            return existing[code]
        done.add(code)
        area = existing.get(code)
        if area is None:
            area = area_create(
                actor=actor,
                code=code,
                level=level,
                kind=kind_from_name(values["name"], level),
                parent=parent,
                **values,
            )
            existing[code] = area
            created[level] += 1
            return area
        if any(getattr(area, field) != value for field, value in values.items()):
            area = area_update(actor=actor, area=area, **values)
            existing[code] = area
            updated[level] += 1
        return area

    for row in rows:
        county = counties[row.township_code[:6]]
        township = upsert(
            code=row.township_code, level=Level.TOWNSHIP, parent=county, values={"name": row.township_name}
        )
        community = upsert(
            code=row.community_code,
            level=Level.COMMUNITY,
            parent=township,
            values={"name": row.community_name},
        )
        upsert(
            code=row.grid_code,
            level=Level.GRID,
            parent=community,
            values={"name": row.grid_name, "description": row.description, "supervision_phone": row.phone},
        )
    result = {
        "created": {str(k): v for k, v in created.items()},
        "updated": {str(k): v for k, v in updated.items()},
    }
    audit_log(
        actor=actor,
        action="area.import",
        object_type="geography.area",
        object_label="网格划分表",
        changes={"rows": len(rows), **result},
    )
    return result
