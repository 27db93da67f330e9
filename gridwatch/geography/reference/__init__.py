"""Reference geography: versioned files of official statistical division codes, and their loader.

``changshun.json`` holds 长顺县 (522729) with its 7 township-level units and 95 communities and villages.
``load_reference`` is idempotent: it creates missing areas through ``area_create``, brings names (and the
descriptions the file gives) up to date through ``area_update``, and never creates an area twice.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from gridwatch.geography import services
from gridwatch.geography.models import Area, Kind, Level

DEFAULT_FILE = Path(__file__).with_name("changshun.json")

LEVEL_OF_KIND = {
    Kind.COUNTY: Level.COUNTY,
    Kind.STREET: Level.TOWNSHIP,
    Kind.TOWN: Level.TOWNSHIP,
    Kind.TOWNSHIP: Level.TOWNSHIP,
    Kind.COMMUNITY: Level.COMMUNITY,
    Kind.VILLAGE: Level.COMMUNITY,
}


@dataclass
class LoadResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    # Differences the loader does not repair by itself (kind, level or parent of an existing area).
    conflicts: list = field(default_factory=list)


def read_reference(path=DEFAULT_FILE):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def iter_areas(node, parent_code=None):
    """(entry, parent code) for the node and everything under it, parents first."""
    yield node, parent_code
    for child in node.get("children", ()):
        yield from iter_areas(child, node["code"])


def township_seats(path=DEFAULT_FILE):
    """township code → code of the community or village where its government sits (where the file says)."""
    county = read_reference(path)["county"]
    return {t["code"]: t["seat"] for t in county.get("children", ()) if t.get("seat")}


@transaction.atomic
def load_reference(*, actor=None, path=DEFAULT_FILE):
    result = LoadResult()
    by_code = {}
    for entry, parent_code in iter_areas(read_reference(path)["county"]):
        kind = Kind(entry["kind"])
        level = LEVEL_OF_KIND[kind]
        parent = by_code.get(parent_code) if parent_code else None
        area = Area.objects.filter(code=entry["code"]).first()
        if area is None:
            area = services.area_create(
                actor=actor,
                code=entry["code"],
                name=entry["name"],
                level=level,
                kind=kind,
                parent=parent,
                description=entry.get("description", ""),
            )
            result.created.append(area)
        else:
            wanted = {"name": entry["name"]}
            if "description" in entry:
                wanted["description"] = entry["description"]
            changes = {k: v for k, v in wanted.items() if getattr(area, k) != v}
            if changes:
                area = services.area_update(actor=actor, area=area, **changes)
                result.updated.append(area)
            else:
                result.unchanged += 1
            if area.kind != kind or area.level != level or area.parent_id != getattr(parent, "pk", None):
                result.conflicts.append(area)
        by_code[entry["code"]] = area
    return result
