"""The supervision register (干部监督工作登记册, R10): reads and writes.

The community party organisation and the grid leader and deputy record, per cadre, what they observe
under five headings (life style, family relations, neighbour relations, social morality, part in community
welfare activities); the party organisation alone writes the sixth, its main assessment.

Reads start from ``register_entries_for``: the user's jurisdiction (the entry's grid) minus the entries about
a cadre they are conflicted with (回避: themselves, a cadre of their unit, a declared relation), as for the
diary. Opening a cadre's register, or an entry's form, shows encrypted text about a person: each is an
audited read. No audit event holds what was recorded.

Each entry leaves a line in the cadre's file (一人一档, R1) of the kind "observation": the heading and the
date, never the text. Observations are not shown to the cadre themself (``people.selectors.cadre_timeline``).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.text import prefix_range
from gridwatch.core.text import untranslated as _msgid
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreFileEntry, CadreStatus, FileEntryKind

from .models import RegisterAspect, RegisterEntry

CONTENT_MAX_LENGTH = 5000
# The order the register's headings are printed in (the form's order of 附件).
ASPECTS = list(RegisterAspect)
REGISTER_VIEW = "register.view"
FILE_TITLE = gettext_noop("Supervision register: %(heading)s, recorded on %(date)s")


# ----------------------------------------------------------------------------------------------- reads


def register_entries_for(user):
    """The entries ``user`` may read: their jurisdiction, less those about a cadre they are conflicted
    with."""
    return RegisterEntry.objects.for_user(user).exclude(cadre_id__in=conflicted_cadres(user))


def register_list(*, user, grid=None, aspect=None):
    """The entries ``user`` may read, newest first, without their text (a list shows facts only)."""
    qs = register_entries_for(user)
    if grid is not None:
        qs = qs.filter(grid=grid)
    if aspect:
        qs = qs.filter(aspect=aspect)
    return (
        qs.defer("content")
        .select_related("grid__parent", "cadre__unit", "author")
        .order_by("-recorded_on", "-created_at", "id")
    )


def register_grids(user):
    """The grids of the reader's jurisdiction, for the list's grid filter."""
    return Area.objects.for_user(user).filter(level=Level.GRID).select_related("parent").order_by("path")


def grid_cadres(user, grid):
    """The serving cadres supervised in ``grid`` whose register ``user`` may open (not those they are
    conflicted with)."""
    return (
        Cadre.objects.for_user(user)
        .filter(supervising_grid=grid, status=CadreStatus.SERVING)
        .exclude(id__in=conflicted_cadres(user))
        .select_related("unit")
        .order_by("name_pinyin", "id")
    )


def register_cadre_for(user, pk):
    """The cadre whose register ``user`` opens: in their jurisdiction and not one they are conflicted with;
    otherwise ``Cadre.DoesNotExist`` (the view's 404)."""
    return (
        Cadre.objects.for_user(user)
        .exclude(id__in=conflicted_cadres(user))
        .select_related("unit", "supervising_grid__parent")
        .get(pk=pk)
    )


def cadre_register(*, user, cadre):
    """``[(heading value, heading label, [entries])]`` for the six headings, in order, each newest first."""
    entries = (
        register_entries_for(user)
        .filter(cadre=cadre)
        .select_related("author", "grid")
        .order_by("-recorded_on", "-created_at", "id")
    )
    grouped = {aspect.value: [] for aspect in ASPECTS}
    for entry in entries:
        grouped[entry.aspect].append(entry)
    return [(aspect.value, aspect.label, grouped[aspect.value]) for aspect in ASPECTS]


def _assessor_paths(user):
    return list(
        RoleAssignment.objects.filter(user=user, role=Role.COMMUNITY_ORG, area__isnull=False).values_list(
            "area__path", flat=True
        )
    )


def writer_grids(user, *, assessor=False):
    """The grids ``user`` keeps the register of: those of the communities they hold the party
    organisation's role on, and (unless ``assessor``) those they are grid leader or deputy of."""
    q = Q(pk__in=[])
    for path in _assessor_paths(user):
        q |= Q(**prefix_range("path", path))
    if not assessor:
        posts = GridTeamMember.objects.filter(user=user, role__in=[TeamRole.LEADER, TeamRole.DEPUTY])
        q |= Q(pk__in=posts.values("grid_id"))
    return Area.objects.filter(q, level=Level.GRID).select_related("parent").order_by("path")


def may_write(user, grid_id, aspect=None):
    """Whether ``user`` may write under ``aspect`` (any heading when ``None``) in the grid."""
    assessor = aspect == RegisterAspect.PARTY_ASSESSMENT
    return writer_grids(user, assessor=assessor).filter(pk=grid_id).exists()


def may_edit(user, entry):
    """The author, or whoever may write the entry's heading in its grid."""
    return entry.author_id == user.pk or may_write(user, entry.grid_id, entry.aspect)


def editable_ids(user, entries):
    """The ids of ``entries`` that ``user`` may correct (``may_edit`` for a page of entries, in two
    queries)."""
    if not entries:
        return set()
    grids = set(writer_grids(user).values_list("pk", flat=True))
    assessed = set(writer_grids(user, assessor=True).values_list("pk", flat=True))
    return {
        e.pk
        for e in entries
        if e.author_id == user.pk
        or e.grid_id in (assessed if e.aspect == RegisterAspect.PARTY_ASSESSMENT else grids)
    }


def aspect_choices(user):
    """The headings ``user`` may write under: the six for the party organisation, five for the grid team."""
    if _assessor_paths(user):
        return list(RegisterAspect.choices)
    return [(v, label) for v, label in RegisterAspect.choices if v != RegisterAspect.PARTY_ASSESSMENT]


def cadre_choices(user, *, keep=None):
    """The serving cadres supervised in the grids whose register ``user`` keeps, less those they are
    conflicted with; ``keep`` is the cadre an entry already names."""
    wanted = Q(supervising_grid__in=writer_grids(user).values("pk"), status=CadreStatus.SERVING)
    if keep is not None:
        wanted |= Q(pk=keep)
    return (
        Cadre.objects.filter(wanted)
        .exclude(id__in=conflicted_cadres(user))
        .select_related("unit", "supervising_grid")
        .order_by("name_pinyin", "id")
    )


def audit_read(*, actor, cadre=None, entry=None, count=None):
    """The read of register text about a person: a cadre's register page or an entry's form."""
    if entry is not None:
        audit_log(actor=actor, action=REGISTER_VIEW, obj=entry, object_label=_label(entry))
    else:
        audit_log(actor=actor, action=REGISTER_VIEW, obj=cadre, changes={"entries": count})


# ---------------------------------------------------------------------------------------------- writes


def _label(entry):
    # No cadre and no text in the audit trail's label: the grid, the heading and the date.
    return f"{entry.grid.code} · {entry.aspect} · {entry.recorded_on.isoformat()}"


def _clean(*, aspect, recorded_on, content):
    if aspect not in RegisterAspect.values:
        raise ValidationFailed(_("Choose one of the register's headings."), field="aspect")
    if recorded_on is None:
        raise ValidationFailed(_("Give the date of what you record."), field="recorded_on")
    if recorded_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="recorded_on")
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(_("Write what you observed."), field="content")
    if len(content) > CONTENT_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it under %(n)d characters.") % {"n": CONTENT_MAX_LENGTH}, field="content"
        )
    return {"aspect": aspect, "recorded_on": recorded_on, "content": content}


def _file_details(entry):
    date = entry.recorded_on.isoformat()
    return {
        "register_entry": str(entry.pk),
        "heading": entry.aspect,
        "date": date,
        "title_params": {"heading": _msgid(RegisterAspect(entry.aspect).label), "date": date},
    }


@transaction.atomic
def register_entry_create(*, actor, cadre, aspect, recorded_on, content):
    """An entry about ``cadre`` in the register of the cadre's supervising grid, by the party organisation
    of its community or its grid leader or deputy. Writes the cadre's file line (heading and date)."""
    cadre = Cadre.objects.select_related("supervising_grid").get(pk=cadre.pk)
    grid = cadre.supervising_grid
    if not may_write(actor, grid.pk):
        raise NotPermitted
    if aspect == RegisterAspect.PARTY_ASSESSMENT and not may_write(actor, grid.pk, aspect):
        raise NotPermitted(_("Only the community party organisation writes its assessment."))
    if Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(actor)).exists():
        raise ValidationFailed(
            _("You may not write about this cadre: you are conflicted (回避)."), field="cadre"
        )
    values = _clean(aspect=aspect, recorded_on=recorded_on, content=content)
    entry = RegisterEntry.objects.create(cadre=cadre, grid=grid, author=actor, **values)
    CadreFileEntry.objects.create(
        cadre=cadre,
        at=timezone.now(),
        kind=FileEntryKind.OBSERVATION,
        title=FILE_TITLE,
        details=_file_details(entry),
        recorded_by=actor,
    )
    audit_log(
        actor=actor,
        action="register.create",
        obj=entry,
        object_label=_label(entry),
        changes={"grid": grid.code, "aspect": entry.aspect, "recorded_on": entry.recorded_on},
    )
    return entry


@transaction.atomic
def register_entry_update(*, actor, entry, aspect, recorded_on, content):
    """A correction by the author or by a writer of the entry's grid (the party organisation's assessment
    stays the party organisation's). The file line follows the heading and the date."""
    entry = RegisterEntry.objects.select_for_update(of=("self",)).select_related("grid").get(pk=entry.pk)
    if not register_entries_for(actor).filter(pk=entry.pk).exists() or not may_edit(actor, entry):
        raise NotPermitted
    if aspect == RegisterAspect.PARTY_ASSESSMENT and not may_write(actor, entry.grid_id, aspect):
        raise NotPermitted(_("Only the community party organisation writes its assessment."))
    values = _clean(aspect=aspect, recorded_on=recorded_on, content=content)
    before = {name: getattr(entry, name) for name in values}
    for name, value in values.items():
        setattr(entry, name, value)
    changed = [name for name in values if getattr(entry, name) != before[name]]
    if not changed:
        return entry
    entry.save(update_fields=[*changed, "updated_at"])
    if "aspect" in changed or "recorded_on" in changed:
        CadreFileEntry.objects.filter(
            cadre_id=entry.cadre_id, kind=FileEntryKind.OBSERVATION, details__register_entry=str(entry.pk)
        ).update(details=_file_details(entry))
    audit_log(
        actor=actor,
        action="register.update",
        obj=entry,
        object_label=_label(entry),
        # Names of the changed fields, and the heading and date (facts, not what was recorded).
        changes={"fields": changed, "aspect": entry.aspect, "recorded_on": entry.recorded_on},
    )
    return entry
