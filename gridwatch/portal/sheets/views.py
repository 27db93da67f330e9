"""Notice-board sheets (公示牌, R6/R7/R8/R23) as PDF, A4 or A3 (``?size=a3``).

- ``grid_sheet``: one grid's sheet, public like the grid page it prints (only published things).
- ``township_sheets`` / ``community_sheets``: every grid of a township (county staff, the office, that
  township's commission staff) or of a community (those, and the community's party organisation) in one
  PDF, one sheet per grid; an audited export.
- ``sheet_index``: the townships and communities the user may print, with their links.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.core.pdf import FontMissing
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.geography.models import Area, Level

from ..public import public_page
from ..selectors import grid_pages, public_area
from . import document

# Who prints a township's sheets (their townships: the county-wide roles all of them).
TOWNSHIP_PRINTERS = frozenset({Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF})
# Who prints a community's sheets: those, and the community's party organisation.
COMMUNITY_PRINTERS = TOWNSHIP_PRINTERS | {Role.COMMUNITY_ORG}
INDEX_READERS = COMMUNITY_PRINTERS

PDF = "application/pdf"
SHEET_CACHE_SECONDS = 24 * 3600  # the date printed on a sheet is part of its key


def page_size(request):
    size = request.GET.get("size", "").lower()
    return size if size in document.SIZES else document.DEFAULT_SIZE


def report_url(request, grid):
    """The absolute address of the grid's report form, which the sheet's QR code opens: on the portal's
    public address (``GRIDWATCH_PUBLIC_URL``) when set, else on the address of this request."""
    path = reverse("portal:report_grid", args=[grid.code])
    base = settings.GRIDWATCH_PUBLIC_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _pdf_response(content, filename, *, attachment):
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response


def _filename(area, size):
    return f"{_('notice-board')}-{area.code}-{size.upper()}.pdf"


@public_page
def grid_sheet(request, code):
    """One grid's sheet, to print and post in the grid."""
    grid = public_area(code, Level.GRID)
    size = page_size(request)
    # Drawing a sheet takes a second or more of CPU (the Chinese font is read and subset each time): a drawn
    # PDF is kept for a day under a digest of everything it prints, so it is drawn again only when something
    # published changes (never stale), and a visitor cannot make the server draw the same sheet twice.
    url = report_url(request, grid)
    pages = grid_pages(grid)
    key = "portal:sheet:" + document.fingerprint(pages, size=size, report_url=lambda g: url)
    content = cache.get(key)
    if content is None:
        try:
            content = document.sheets_pdf(pages, size=size, report_url=lambda g: url)
        except FontMissing as exc:
            context = {"message": exc.message, "code": grid.code}
            return render(request, "portal/sheets/unavailable.html", context, status=503)
        cache.set(key, content, SHEET_CACHE_SECONDS)
    return _pdf_response(content, _filename(grid, size), attachment=False)


def _batch(request, area):
    size = page_size(request)
    pages = grid_pages(area)
    if not pages:
        messages.info(request, _("%(area)s has no grid to print.") % {"area": area.name})
        return redirect("portal:sheet_index")
    try:
        content = document.sheets_pdf(pages, size=size, report_url=lambda g: report_url(request, g))
    except FontMissing as exc:
        messages.error(request, exc.message)
        return redirect("portal:sheet_index")
    audit_log(
        actor=request.user,
        action="sheet.export",
        obj=area,
        object_type="geography.area",
        object_label=area.name,
        changes={"area": area.code, "level": area.level, "grids": len(pages), "size": size},
    )
    response = _pdf_response(content, _filename(area, size), attachment=True)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@roles(*TOWNSHIP_PRINTERS)
def township_sheets(request, code):
    """The sheets of every grid of a township in one PDF, in the order of the grid division table."""
    township = get_for_user_or_404(Area.objects.filter(level=Level.TOWNSHIP), request.user, code=code)
    return _batch(request, township)


@require_GET
@roles(*COMMUNITY_PRINTERS)
def community_sheets(request, code):
    """The sheets of every grid of a community (village) in one PDF."""
    community = get_for_user_or_404(Area.objects.filter(level=Level.COMMUNITY), request.user, code=code)
    return _batch(request, community)


@require_GET
@roles(*INDEX_READERS)
def sheet_index(request):
    """The townships and communities (those with grids) of the user's areas, with the links to print their
    sheets."""
    communities = list(
        Area.objects.for_user(request.user)
        .filter(level=Level.COMMUNITY)
        .select_related("parent")
        .annotate(grid_count=Count("children"))
        .filter(grid_count__gt=0)
        .order_by("path")
    )
    by_township = {}
    for community in communities:
        by_township.setdefault(community.parent_id, (community.parent, []))[1].append(community)
    printable = set()
    if has_role(request.user, *TOWNSHIP_PRINTERS):
        printable = set(
            Area.objects.for_user(request.user).filter(level=Level.TOWNSHIP).values_list("pk", flat=True)
        )
    sections = [
        {
            "township": township,
            "communities": members,
            "grid_count": sum(c.grid_count for c in members),
            "printable": township.pk in printable,
        }
        for township, members in by_township.values()
    ]
    return render(request, "portal/sheets/index.html", {"sections": sections})
