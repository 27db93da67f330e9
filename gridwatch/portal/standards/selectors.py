"""Reads of the standards and codes of conduct (亮标准, R8).

Staff reads start from ``editable_standards(user)``: the versions whose area lies inside an area where the
user holds an editor role (``roles.EDITORS``); out of it answers 404. The public reads
(``public_document``, ``public_version``) see only the version in force and the versions it replaced, and
nothing of a document that is withdrawn or still a draft. Each costs one query whatever the number of
versions."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q
from django.http import Http404

from gridwatch.accounts.models import RoleAssignment
from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area

from ..models import Standard, StandardKind, StandardStatus
from .roles import EDITORS

PUBLIC_STATUSES = (StandardStatus.PUBLISHED, StandardStatus.SUPERSEDED)


# ------------------------------------------------------------------------------------------ editors


def editor_paths(user):
    """The area paths where ``user`` holds an editor role, without those inside another (one query, then
    kept on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, "_standard_editor_paths", None)
    if cached is None:
        paths = set(
            RoleAssignment.objects.filter(user=user, role__in=list(EDITORS), area__isnull=False).values_list(
                "area__path", flat=True
            )
        )
        cached = tuple(sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths)))
        user._standard_editor_paths = cached
    return cached


def _within(lookup, paths):
    q = Q(pk__in=[])
    for prefix in paths:
        q |= Q(**prefix_range(lookup, prefix))
    return q


def may_edit(user, area):
    return area is not None and any(area.path.startswith(p) for p in editor_paths(user))


def editor_areas(user):
    """The areas ``user`` may write a standard for, from the county down to the grids, in tree order."""
    return (
        Area.objects.filter(_within("path", editor_paths(user)))
        .select_related("parent__parent")
        .order_by("path")
    )


def editable_standards(user):
    return Standard.objects.filter(_within("area__path", editor_paths(user)))


def get_editable_or_404(user, pk):
    try:
        return (
            editable_standards(user)
            .select_related("area__parent__parent", "created_by", "published_by")
            .get(pk=pk)
        )
    except (Standard.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass
class Document:
    """All versions of one standard, newest first, for the editor's list."""

    series: object
    versions: list = field(default_factory=list)

    @property
    def latest(self):
        return self.versions[0]

    @property
    def in_force(self):
        return next((v for v in self.versions if v.status == StandardStatus.PUBLISHED), None)

    @property
    def draft(self):
        return next((v for v in self.versions if v.status == StandardStatus.DRAFT), None)

    @property
    def withdrawn(self):
        return self.in_force is None and any(v.status == StandardStatus.WITHDRAWN for v in self.versions)


def editor_documents(user, *, kind="", status=""):
    """The documents of the editor's areas, each with all its versions, in the order of their areas (one
    query). ``kind`` keeps the documents whose newest version is of that kind, ``status`` those with a
    version in that status."""
    rows = editable_standards(user).select_related("area__parent").order_by("series", "-version")
    documents = {}
    for row in rows:
        documents.setdefault(row.series, Document(series=row.series)).versions.append(row)
    chosen = [
        doc
        for doc in documents.values()
        if (not kind or doc.latest.kind == kind)
        and (not status or any(v.status == status for v in doc.versions))
    ]
    return sorted(
        chosen, key=lambda d: (d.latest.area.path, d.latest.position, d.latest.title, str(d.series))
    )


def series_versions(standard):
    """Every version of ``standard``'s document, newest first (one query)."""
    return list(
        Standard.objects.filter(series=standard.series).select_related("published_by").order_by("-version")
    )


# ------------------------------------------------------------------------------------------- public


def _public_versions(series):
    return list(
        Standard.objects.filter(series=series, status__in=PUBLIC_STATUSES)
        .select_related("area__parent__parent__parent")
        .order_by("-version")
    )


def public_document(series):
    """The version in force of a document and the versions it replaced (newest first); 404 for a document
    not in force (a draft, or withdrawn)."""
    versions = _public_versions(series)
    if not versions or versions[0].status != StandardStatus.PUBLISHED:
        raise Http404
    return versions[0], versions[1:]


def public_version(series, version):
    """An earlier version of a document in force, with the document's version in force and history."""
    current, history = public_document(series)
    for earlier in history:
        if earlier.version == version:
            return earlier, current, history
    raise Http404


def by_kind(standards):
    """``standards`` grouped by kind: (kind label, rows), codes of conduct first; in each group the order
    ``standards`` came in."""
    order = {StandardKind.CODE: 0, StandardKind.STANDARD: 1}  # the code of conduct first, as on the grid page
    rows = sorted(standards, key=lambda s: order.get(s.kind, 9))
    return [(StandardKind(kind).label, list(group)) for kind, group in groupby(rows, key=lambda s: s.kind)]
