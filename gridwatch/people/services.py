"""Writes to the cadre registry. Each is atomic, audited, and (for cadres) recorded in the cadre's file."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gridwatch.accounts.jurisdiction import forget_scope
from gridwatch.audit.services import audit_log, diff
from gridwatch.core.errors import ValidationFailed
from gridwatch.core.text import pinyin_full, pinyin_initials, prefix_range
from gridwatch.core.text import untranslated as _msgid
from gridwatch.geography.models import Area, Level

from .models import (
    Cadre,
    CadreFileEntry,
    CadreStatus,
    CollectionRound,
    DeclaredRelation,
    FileEntryKind,
    RelationKind,
    Unit,
    UnitKind,
    UnitSubmission,
)

CADRE_FIELDS = (
    "name",
    "gender",
    "birth_year",
    "unit",
    "position",
    "rank",
    "residence_grid",
    "supervising_grid",
    "phone",
    "status",
)
# Fields whose values never go into the audit log or the file in clear.
SECRET_FIELDS = {"phone"}


def default_supervising_grid(*, unit, residence_grid):
    """R16: the residence grid, except that a township's cadres are supervised in their township's grid
    (the grid of the community or village where the township government sits: its first grid)."""
    if unit.kind == UnitKind.TOWNSHIP and unit.area.level == Level.TOWNSHIP:
        if residence_grid.path.startswith(unit.area.path):
            return residence_grid
        township_grid = (
            Area.objects.filter(level=Level.GRID, **prefix_range("path", unit.area.path))
            .order_by("path")
            .first()
        )
        if township_grid is not None:
            return township_grid
    return residence_grid


def _validate_cadre(values):
    year = values.get("birth_year")
    this_year = timezone.localdate().year
    if year is not None and not (this_year - 80 <= int(year) <= this_year - 18):
        raise ValidationFailed(
            _("The year of birth %(year)s is not plausible.") % {"year": year}, field="birth_year"
        )
    for field in ("residence_grid", "supervising_grid"):
        grid = values.get(field)
        if grid is not None and grid.level != Level.GRID:
            raise ValidationFailed(_("%(area)s is not a grid.") % {"area": grid}, field=field)
    phone = values.get("phone") or ""
    if phone and not (phone.replace("-", "").replace(" ", "").isdigit() and 7 <= len(phone) <= 20):
        raise ValidationFailed(
            _("The phone number %(phone)s is not valid.") % {"phone": phone}, field="phone"
        )


def _printable(values):
    out = {}
    for key, value in values.items():
        if key in SECRET_FIELDS:
            out[key] = "***" if value else ""
        elif hasattr(value, "pk"):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def _file_entry(*, cadre, actor, title, details, title_params=None, note=""):
    """``title`` is an untranslated message (gettext_noop): the file is read in the reader's language,
    not in the language of whoever happened to write it. A free text goes to the encrypted ``note``, never
    into ``details``."""
    if title_params:
        details = {**details, "title_params": title_params}
    return CadreFileEntry.objects.create(
        cadre=cadre,
        at=timezone.now(),
        kind=FileEntryKind.REGISTRY,
        title=title,
        details=details,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def cadre_create(
    *,
    actor,
    name,
    gender,
    birth_year,
    unit,
    position,
    rank,
    residence_grid,
    supervising_grid=None,
    phone="",
    status=CadreStatus.SERVING,
    user=None,
    record=True,
):
    values = dict(
        name=name.strip(),
        gender=gender,
        birth_year=birth_year,
        unit=unit,
        position=position.strip(),
        rank=rank,
        residence_grid=residence_grid,
        phone=phone.strip(),
        status=status,
    )
    values["supervising_grid"] = supervising_grid or default_supervising_grid(
        unit=unit, residence_grid=residence_grid
    )
    _validate_cadre(values)
    cadre = Cadre(
        **values,
        user=user,
        name_pinyin=pinyin_full(values["name"]),
        name_initials=pinyin_initials(values["name"]),
        supervising_path=values["supervising_grid"].path,
    )
    cadre.save()
    if record:
        printable = _printable(values)
        _file_entry(
            cadre=cadre,
            actor=actor,
            title=gettext_noop("Entered in the registry"),
            details={"values": printable},
        )
        audit_log(actor=actor, action="cadre.create", obj=cadre, changes=printable)
    return cadre


@transaction.atomic
def cadre_update(*, actor, cadre, **values):
    """Change registry fields; the change is recorded in the cadre's file with before and after."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    unknown = set(values) - set(CADRE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {unknown}")
    before = {f: getattr(cadre, f) for f in CADRE_FIELDS}
    if "residence_grid" in values and "supervising_grid" not in values:
        unit = values.get("unit", cadre.unit)
        if (
            cadre.supervising_grid_id
            == default_supervising_grid(unit=cadre.unit, residence_grid=cadre.residence_grid).pk
        ):
            values["supervising_grid"] = default_supervising_grid(
                unit=unit, residence_grid=values["residence_grid"]
            )
    merged = {**before, **values}
    _validate_cadre(merged)
    for field, value in values.items():
        setattr(cadre, field, value.strip() if isinstance(value, str) else value)
    after = {f: getattr(cadre, f) for f in CADRE_FIELDS}
    changed = [f for f in CADRE_FIELDS if before[f] != after[f]]
    if not changed:
        return cadre
    cadre.name_pinyin, cadre.name_initials = pinyin_full(cadre.name), pinyin_initials(cadre.name)
    cadre.supervising_path = cadre.supervising_grid.path
    cadre.save()
    changes = diff(_printable({f: before[f] for f in changed}), _printable({f: after[f] for f in changed}))
    _file_entry(
        cadre=cadre, actor=actor, title=gettext_noop("Registry data changed"), details={"changes": changes}
    )
    audit_log(actor=actor, action="cadre.update", obj=cadre, changes=changes)
    return cadre


@transaction.atomic
def cadre_link_user(*, actor, cadre, user):
    """Give a cadre their account: signed in, the user reads their own file (the cadre role). An account
    is one cadre's, a cadre has one account. Audited; not a registry fact, so not written in the file."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.user_id == user.pk:
        return cadre
    if cadre.user_id is not None:
        raise ValidationFailed(_("%(cadre)s already has an account.") % {"cadre": cadre}, field="user")
    if Cadre.objects.filter(user=user).exists():
        raise ValidationFailed(
            _("The account %(user)s is already linked to another cadre.") % {"user": user.get_username()},
            field="user",
        )
    cadre.user = user
    cadre.save(update_fields=["user", "updated_at"])
    audit_log(actor=actor, action="cadre.link_user", obj=cadre, changes={"user": user.get_username()})
    forget_scope(user)
    return cadre


def cadre_phone_reveal(*, actor, cadre):
    """Reading a cadre's phone is a sensitive read: it is audited every time."""
    audit_log(actor=actor, action="cadre.phone_view", obj=cadre)
    return cadre.phone


@transaction.atomic
def unit_create(*, actor, name, kind, area, head=None):
    if Unit.objects.filter(name=name.strip()).exists():
        raise ValidationFailed(_("A unit named %(name)s already exists.") % {"name": name}, field="name")
    unit = Unit.objects.create(name=name.strip(), kind=kind, area=area, head=head)
    audit_log(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes={"name": unit.name, "kind": kind, "area": area.code},
    )
    return unit


@transaction.atomic
def unit_set_head(*, actor, unit, head):
    if head is not None and head.unit_id != unit.pk:
        raise ValidationFailed(_("The number one must be a cadre of the unit."), field="head")
    before = str(unit.head) if unit.head_id else ""
    unit.head = head
    unit.save(update_fields=["head", "updated_at"])
    audit_log(
        actor=actor,
        action="unit.set_head",
        obj=unit,
        changes=diff({"head": before}, {"head": str(head or "")}),
    )
    return unit


@transaction.atomic
def round_open(*, actor, title, deadline: datetime.date):
    if deadline < timezone.localdate():
        raise ValidationFailed(_("The deadline cannot be in the past."), field="deadline")
    rnd = CollectionRound.objects.create(title=title, deadline=deadline, opened_by=actor)
    audit_log(actor=actor, action="collection_round.open", obj=rnd, changes={"deadline": deadline})
    return rnd


@transaction.atomic
def round_close(*, actor, round):
    round.status = "closed"
    round.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="collection_round.close", obj=round)
    return round


@transaction.atomic
def unit_submit(*, actor, round, unit):
    """A unit confirms its cadres' data for the round; refused if a cadre's record is incomplete."""
    if round.status != "open":
        raise ValidationFailed(_("This round is closed."))
    incomplete = [
        c.name for c in Cadre.objects.filter(unit=unit, status=CadreStatus.SERVING) if missing_fields(c)
    ]
    if incomplete:
        raise ValidationFailed(
            _("These cadres' data is incomplete: %(names)s.") % {"names": "、".join(incomplete[:20])}
        )
    count = Cadre.objects.filter(unit=unit, status=CadreStatus.SERVING).count()
    submission, created = UnitSubmission.objects.update_or_create(
        round=round,
        unit=unit,
        defaults={"submitted_at": timezone.now(), "submitted_by": actor, "cadre_count": count},
    )
    audit_log(actor=actor, action="collection_round.submit", obj=submission, changes={"cadres": count})
    return submission


REQUIRED_FOR_COMPLETENESS = ("name", "gender", "birth_year", "position", "rank", "phone")


def missing_fields(cadre):
    return [f for f in REQUIRED_FOR_COMPLETENESS if not getattr(cadre, f)]


@transaction.atomic
def cadre_change_status(*, actor, cadre, status, note):
    """A cadre is transferred, retires or serves again; the note says why and lands in the file."""
    if status not in CadreStatus.values:
        raise ValidationFailed(_("Choose a status."), field="status")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say why the status changes."), field="note")
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.status == status:
        raise ValidationFailed(_("The cadre already has this status."), field="status")
    before = cadre.status
    cadre.status = status
    cadre.save(update_fields=["status", "updated_at"])
    changes = diff({"status": before}, {"status": status})
    _file_entry(
        cadre=cadre,
        actor=actor,
        title=gettext_noop("Status changed: %(status)s"),
        title_params={"status": _msgid(CadreStatus(status).label)},
        details={"changes": changes},
        note=note,
    )
    audit_log(actor=actor, action="cadre.status", obj=cadre, changes=changes)
    return cadre


@transaction.atomic
def relation_declare(*, actor, user, cadre, kind, note=""):
    """Record that ``user`` has a relation to ``cadre``; conflict-of-interest rules route cases around it."""
    if kind not in RelationKind.values:
        raise ValidationFailed(_("Choose the kind of relation."), field="kind")
    if DeclaredRelation.objects.filter(user=user, cadre=cadre).exists():
        raise ValidationFailed(
            _("A relation of this user to this cadre is already recorded."), field="username"
        )
    relation = DeclaredRelation.objects.create(user=user, cadre=cadre, kind=kind, note=(note or "").strip())
    audit_log(
        actor=actor,
        action="cadre.relation_declare",
        obj=cadre,
        changes={"user": user.get_username(), "kind": kind},
    )
    return relation


class ImportRefused(ValidationFailed):
    """The cadre information form has errors; ``errors`` lists every one of them. Nothing was written."""

    def __init__(self, errors):
        super().__init__(
            _("The table has errors, so nothing was imported. Correct them and upload it again.")
        )
        self.errors = list(errors)


@transaction.atomic
def cadre_table_import(*, actor, rows):
    """Import the cadre information form (附件一): every row is checked first (``excel.check_rows``); any
    error refuses the whole file. A row matching a cadre the importer may edit (same name, unit and year
    of birth) updates it (the history goes to the file); any other row registers a new cadre."""
    from . import excel

    checked, errors = excel.check_rows(rows, user=actor)
    if errors:
        raise ImportRefused(errors)
    created = updated = unchanged = 0
    for item in checked:
        values = item.values
        if item.existing is None:
            cadre_create(actor=actor, **values)
            created += 1
            continue
        if values["supervising_grid"] is None:
            values.pop("supervising_grid")
        before = item.existing.updated_at
        cadre = cadre_update(actor=actor, cadre=item.existing, **values)
        if cadre.updated_at != before:
            updated += 1
        else:
            unchanged += 1
    audit_log(
        actor=actor,
        action="cadre.import",
        object_type="people.cadre",
        object_label="附件一",
        changes={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return {"created": created, "updated": updated, "unchanged": unchanged}
