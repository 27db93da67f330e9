"""Reports: the public mailbox and follow-up (no sign-in), and the staff case pages.

The receipt code travels only in POST bodies and in the pages answering them: the page that shows a new
code is rendered from the POST itself (no redirect that could carry it), and those pages are ``no-store``.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import public, roles
from gridwatch.core.scoping import get_for_user_or_404, get_scope
from gridwatch.geography.models import Area, Level
from gridwatch.geography.selectors import request_counties
from gridwatch.people.models import Cadre, CadreStatus

from . import (
    attachment_views,
    attachments,
    cadre_views,
    export_views,
    handling_views,
    panels,
    receipts,
    selectors,
    services,
    triage,
    triage_views,
)
from .forms import (
    STAFF_CHANNELS,
    FollowUpForm,
    MessageForm,
    ReporterMessageForm,
    ReportForm,
    RevealForm,
    grid_queryset,
)
from .models import Channel, Circle
from .roles import CASE_DECIDERS, CASE_READERS, CASE_STAFF


def _no_store(response):
    add_never_cache_headers(response)
    return response


ALREADY_FILED = object()


def _submit_once(request, form, *, allowed=None, **kwargs):
    """File the report of a valid form once per submission token (SECURITY.md item 10). Returns
    ``(report, code)``, ``ALREADY_FILED`` when a report was filed with this token before, or ``None`` with
    the error placed on the form. ``allowed`` is a last check (the rate limit) run only for a new
    submission: it returns ``None`` or ``(message, status)``. The token is given back whenever nothing was
    filed, so that the corrected form can be sent."""
    token = request.POST.get("submission", "")
    claim = receipts.submission_claim(token)
    if claim == "used":
        return ALREADY_FILED
    if claim == "invalid":
        form.add_error(None, _("The form has expired. Check what you typed and send it again."))
        form.refusal_status = 400
        return None
    try:
        refusal = allowed() if allowed is not None else None
        if refusal is not None:
            form.add_error(None, refusal[0])
            form.refusal_status = refusal[1]
            result = None
        else:
            result = _submit(request, form, **kwargs)
    except BaseException:
        receipts.submission_release(token)
        raise
    if result is None:
        receipts.submission_release(token)
    return result


def _already_filed(request, *, staff=False):
    return _no_store(render(request, "cases/report_already.html", {"staff": staff}))


def _submit(request, form, *, actor, channel, grid, fallback_path):
    """Call the service with a valid form; returns ``(report, code)`` or ``None`` with the error placed
    beside its field."""
    data = form.cleaned_data
    named = data.get("named")
    try:
        with attachments.discarded_on_failure():
            return services.report_submit(
                actor=actor,
                channel=channel,
                circle=data["circle"],
                what=data["what"],
                when=data.get("when", ""),
                where=data.get("where", ""),
                grid=grid,
                subject_cadre=data.get("subject_cadre"),
                subject_name=data.get("subject_name", ""),
                subject_unit_text=data.get("subject_unit_text", ""),
                reporter_name=data.get("reporter_name", "") if named else "",
                reporter_phone=data.get("reporter_phone", "") if named else "",
                fallback_path=fallback_path,
                attachments=data.get("attachments") or (),
            )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


# --------------------------------------------------------------------------------------------- public


# What the grid mailbox reads of the grid (its page names the township and the community) and of the
# cadres it lists (``forms.CadreChoiceField``) and routes by (``routing.route``).
GRID_FIELDS = ("code", "name", "path", "parent__name", "parent__parent__name")
CADRE_FIELDS = (
    "name",
    "position",
    "supervising_grid_id",
    "supervising_path",
    "unit__name",
    "unit__kind",
    "unit__area__path",
)


@public
@require_http_methods(["GET", "POST"])
def report_form(request, code=None):
    """The supervision mailbox (监督信箱): county-wide, or a grid's, where the cadres supervised in the grid
    can be picked."""
    if code is not None:
        # Only the columns the page, the form and the routing read (``only``: a mask of a few fields costs
        # less to build than one deferring the large ones; docs/performance.md, "Report POST").
        grid = (
            Area.objects.filter(level=Level.GRID, code=code)
            .select_related("parent__parent")
            .only(*GRID_FIELDS)
            .first()
        )
        if grid is None:
            raise Http404
        county_path = grid.path.split("/", 1)[0] + "/"
        # The unit's kind and area for the routing (``routing.level_conflicts``); the phone is never read.
        cadres = (
            Cadre.objects.filter(supervising_grid=grid, status=CadreStatus.SERVING)
            .select_related("unit__area")
            .only(*CADRE_FIELDS)
            .order_by("name_pinyin", "id")
        )
    else:
        grid, cadres = None, None
        counties = request_counties(request)  # the query the page's header reads too
        if not counties:
            raise Http404
        county_path = counties[0].path
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, cadres=cadres)
        if form.is_spam:
            form.add_error(None, _("The report could not be sent. Reload the page and try again."))
            status = 400
        elif form.is_valid():

            def allowed():
                if receipts.submission_allowed(request):
                    return None
                return _("Too many reports from this connection. Please try again in an hour."), 429

            result = _submit_once(
                request,
                form,
                allowed=allowed,
                actor=None,
                channel=Channel.WEB,
                grid=grid,
                fallback_path=county_path,
            )
            if result is ALREADY_FILED:
                return _already_filed(request)
            if result is not None:
                report, code = result
                return _no_store(render(request, "cases/report_done.html", {"code": code, "report": report}))
            status = getattr(form, "refusal_status", 200)
    else:
        form = ReportForm(cadres=cadres)
    # Every rendering of the form carries a fresh submission token.
    context = {"form": form, "grid": grid, "submission": receipts.submission_token_new()}
    return _no_store(render(request, "cases/report_form.html", context, status=status))


@public
@require_http_methods(["GET", "POST"])
def follow_up(request):
    """Status and messages of a report, for whoever holds its receipt code."""
    context = {"form": FollowUpForm(request.POST or None)}
    status = 200
    if request.method == "POST":
        form = context["form"]
        if receipts.follow_up_locked(request):
            form.add_error(
                None, _("Too many wrong codes from this connection. Please try again in 15 minutes.")
            )
            status = 429
        elif form.is_valid():
            code = receipts.receipt_normalise(form.cleaned_data["code"])
            report = selectors.report_by_receipt(code)
            if report is None:
                # Unknown and malformed codes answer the same.
                receipts.wrong_code(request)
                form.add_error("code", _("No report has this receipt code. Check it and try again."))
            else:
                context.update(report=report, code=code, message_form=ReporterMessageForm())
                if request.POST.get("action") == "reply":
                    message_form = ReporterMessageForm(request.POST, request.FILES)
                    if message_form.is_valid():
                        data = message_form.cleaned_data
                        try:
                            with attachments.discarded_on_failure():
                                services.report_message_from_reporter(
                                    report=report, body=data["body"], attachments=data["attachments"]
                                )
                        except DomainError as exc:
                            field = exc.field if exc.field in message_form.fields else None
                            message_form.add_error(field, exc.message)
                        else:
                            context["sent"] = bool(data["body"].strip())
                            context["files_added"] = len(data["attachments"])
                    if message_form.errors:
                        context["message_form"] = message_form
                context["thread"] = selectors.report_messages(report)
                context["files"] = attachments.reporter_files(report)
    return _no_store(render(request, "cases/follow_up.html", context, status=status))


# ---------------------------------------------------------------------------------------------- staff


def _report_for(request, pk):
    return get_for_user_or_404(
        selectors.reports_for(request.user).select_related("subject_cadre__unit", "grid__parent"),
        request.user,
        pk=pk,
    )


@require_http_methods(["GET"])
@roles(*CASE_READERS)
def case_list(request):
    """The cases of the user's jurisdiction, less those they are recused from; the same filters as the
    export (``export_views.case_filters``)."""
    filters = export_views.case_filters(request.GET)
    can_take = has_role(request.user, *CASE_STAFF)
    # "Handled by me" is a box only case staff have: an address that carries it for anyone else would
    # filter (to nothing) with no box on the page to clear it.
    filters["mine"] = filters["mine"] and can_take
    page = paginate(
        request,
        selectors.report_list(user=request.user, **filters),
        settings.GRIDWATCH_PAGE_SIZE,
        wide=selectors.report_list(user=request.user, wide=True, **filters),
    )
    today = timezone.localdate()
    rows = list(page.object_list)
    for report in rows:
        report.next_due = selectors.report_next_due(report)
        report.is_overdue = report.next_due is not None and report.next_due < today
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "statuses": export_views.STATUS_FILTERS,
        "circles": Circle.choices,
        "channels": Channel.choices,
        "can_take": can_take,
        "can_export": has_role(request.user, *export_views.EXPORTERS),
        "export_query": export_views.filters_query(filters),
    }
    template = "cases/case_list.html#results" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


def _detail(request, report, message_form=None, status=200, reveal_form=None, revealed=None):
    identity_given = selectors.identity_given(report)
    # Only county commission staff may reveal a named reporter, and only they see the reveals.
    county = has_role(request.user, Role.COUNTY_STAFF)
    context = {
        "report": report,
        "thread": selectors.report_messages(report),
        "identity_given": identity_given,
        "message_form": message_form or MessageForm(),
        "can_reveal": county and identity_given,
        "reveal_form": reveal_form or RevealForm(),
        "reveals": selectors.identity_reveals(report) if county else None,
        "revealed": revealed,
        # Panels that change the case show only to those who may: the office and liaisons only read.
        "can_handle": selectors.acts_on(request.user, report, CASE_STAFF),
        "can_decide": selectors.acts_on(request.user, report, CASE_DECIDERS),
    }
    for part in (triage_views, handling_views, attachment_views, cadre_views, export_views):
        context.update(part.detail_context(request, report))
    context["case_panels"] = panels.panels_for(request, report)
    return render(request, "cases/case_detail.html", context, status=status)


@require_http_methods(["GET"])
@roles(*CASE_READERS)
def case_detail(request, pk):
    report = _report_for(request, pk)
    # Reading a report is a read of sensitive data (SECURITY.md item 8): one event per page view.
    audit_log(actor=request.user, action=selectors.REPORT_VIEW, obj=report)
    return _detail(request, report)


@require_POST
@roles(*CASE_STAFF)
def case_message(request, pk):
    """A message to the reporter, who reads it with the receipt code."""
    report = _report_for(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.report_message_send(actor=request.user, report=report, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The message was sent. The reporter reads it with the receipt code."))
            return redirect("cases:case_detail", pk=report.pk)
    return _detail(request, report, message_form=form, status=400)


@require_POST
@roles(Role.COUNTY_STAFF)
def case_identity_reveal(request, pk):
    """A named reporter's name and phone, to county commission staff who give a reason (SECURITY.md item
    3). The identity is shown in this response only (never stored in a URL or a flash message) and the
    reveal is audited."""
    report = _report_for(request, pk)
    if not selectors.identity_given(report):
        raise Http404
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            identity = services.report_identity_reveal(
                actor=request.user, report=report, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _no_store(_detail(request, report, revealed=identity))
    return _no_store(_detail(request, report, reveal_form=form, status=400))


def _picked_cadre(form, value):
    """The cadre posted as picked, if the user may name them (one query), else ``None``."""
    try:
        return form.fields["subject_cadre"].clean(value) if value else None
    except ValidationError:
        return None


def _cadre_search(request, form, picked):
    """Offers on ``form`` the picked cadre and the cadres matching the posted search (one query)."""
    q = (request.POST.get("cadre_q") or "").strip()[: triage.SEARCH_MAX_LENGTH]
    cadres = form.fields["subject_cadre"].queryset
    results = triage.cadre_search(user=request.user, q=q, within=cadres) if q else []
    offered = [picked] if picked is not None else []
    offered += [c for c in results if picked is None or c.pk != picked.pk]
    form.offer(offered)
    return {
        "cadre_searched": bool(q),
        "cadre_results": results,
        "cadre_more": len(results) >= triage.SEARCH_LIMIT,
    }


@require_http_methods(["GET", "POST"])
@roles(*CASE_STAFF)
def case_intake(request):
    """A report taken by staff: on the supervision phone, in person, by letter, or a grid supervisor's
    own. The reporter is given the receipt code to follow up."""
    cadres = (
        Cadre.objects.for_user(request.user)
        .filter(status=CadreStatus.SERVING)
        .exclude(id__in=selectors.conflicted_cadres(request.user))
        .select_related("unit")
        .order_by("name_pinyin", "id")
    )
    grids = grid_queryset(request.user)
    kwargs = {"cadres": cadres, "grids": grids, "channels": STAFF_CHANNELS, "offered": ()}
    search = {}
    if request.method == "POST" and "find_cadre" in request.POST:
        # The "Find" button: the form again with what was typed, the search results and no errors; nothing
        # is filed and the submission token is not claimed. (Files chosen cannot be kept by a browser.)
        form = ReportForm(**kwargs)
        form.initial = {name: request.POST[name] for name in form.fields if name in request.POST}
        picked = _picked_cadre(form, request.POST.get("subject_cadre"))
        search = _cadre_search(request, form, picked)
        search["cadre_files_dropped"] = bool(request.FILES)
    elif request.method == "POST":
        form = ReportForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            scope = get_scope(request.user)
            result = _submit_once(
                request,
                form,
                actor=request.user,
                channel=form.cleaned_data["channel"],
                grid=form.cleaned_data.get("grid"),
                fallback_path=scope.area_paths[0] if scope.area_paths else "",
            )
            if result is ALREADY_FILED:
                return _already_filed(request, staff=True)
            if result is not None:
                report, code = result
                context = {"code": code, "report": report, "staff": True}
                return _no_store(render(request, "cases/report_done.html", context))
        # Refused: the picked cadre stays picked (already read by the validation), the search shown again.
        search = _cadre_search(request, form, form.cleaned_data.get("subject_cadre"))
    else:
        form = ReportForm(**kwargs)
    context = {"form": form, "submission": receipts.submission_token_new(), **search}
    return _no_store(render(request, "cases/intake_form.html", context))
