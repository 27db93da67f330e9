"""Reports: the public mailbox and follow-up (no sign-in), and the staff case pages.

The receipt code travels only in POST bodies and in the pages answering them: the page that shows a new
code is rendered from the POST itself (no redirect that could carry it), and those pages are ``no-store``.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.core.errors import DomainError
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import public, roles
from gridwatch.core.scoping import get_for_user_or_404, get_scope
from gridwatch.geography.models import Area, Level
from gridwatch.people.models import Cadre, CadreStatus

from . import receipts, selectors, services
from .forms import STAFF_CHANNELS, FollowUpForm, MessageForm, ReportForm, grid_queryset
from .models import Channel, Circle, ReporterIdentity
from .roles import CASE_STAFF


def _no_store(response):
    add_never_cache_headers(response)
    return response


def _submit(request, form, *, actor, channel, grid, fallback_path):
    """Call the service with a valid form; returns ``(report, code)`` or ``None`` with the error placed
    beside its field."""
    data = form.cleaned_data
    named = data.get("named")
    try:
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
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


# --------------------------------------------------------------------------------------------- public


@public
@require_http_methods(["GET", "POST"])
def report_form(request, code=None):
    """The supervision mailbox (监督信箱): county-wide, or a grid's, where the cadres supervised in the grid
    can be picked."""
    if code is not None:
        grid = Area.objects.filter(level=Level.GRID, code=code).select_related("parent__parent").first()
        if grid is None:
            raise Http404
        county_path = grid.path.split("/", 1)[0] + "/"
        cadres = (
            Cadre.objects.filter(supervising_grid=grid, status=CadreStatus.SERVING)
            .select_related("unit")
            .order_by("name_pinyin", "id")
        )
    else:
        grid, cadres = None, None
        county = Area.objects.filter(level=Level.COUNTY).order_by("path").first()
        if county is None:
            raise Http404
        county_path = county.path
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, cadres=cadres)
        if form.is_spam:
            form.add_error(None, _("The report could not be sent. Reload the page and try again."))
            status = 400
        elif form.is_valid():
            if not receipts.submission_allowed(request):
                form.add_error(None, _("Too many reports from this connection. Please try again in an hour."))
                status = 429
            else:
                result = _submit(
                    request, form, actor=None, channel=Channel.WEB, grid=grid, fallback_path=county_path
                )
                if result is not None:
                    report, code = result
                    return _no_store(
                        render(request, "cases/report_done.html", {"code": code, "report": report})
                    )
    else:
        form = ReportForm(cadres=cadres)
    response = render(request, "cases/report_form.html", {"form": form, "grid": grid}, status=status)
    return _no_store(response)


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
                context.update(report=report, code=code, message_form=MessageForm())
                if request.POST.get("action") == "reply":
                    message_form = MessageForm(request.POST)
                    if message_form.is_valid():
                        services.report_message_from_reporter(
                            report=report, body=message_form.cleaned_data["body"]
                        )
                        context["sent"] = True
                    else:
                        context["message_form"] = message_form
                context["thread"] = selectors.report_messages(report)
    return _no_store(render(request, "cases/follow_up.html", context, status=status))


# ---------------------------------------------------------------------------------------------- staff


def _report_for(request, pk):
    return get_for_user_or_404(
        selectors.reports_for(request.user).select_related("subject_cadre__unit", "grid__parent"),
        request.user,
        pk=pk,
    )


@require_http_methods(["GET"])
@roles(*CASE_STAFF)
def case_list(request):
    filters = {
        "circle": request.GET.get("circle") if request.GET.get("circle") in Circle.values else None,
        "channel": request.GET.get("channel") if request.GET.get("channel") in Channel.values else None,
    }
    page = paginate(
        request, selectors.report_list(user=request.user, **filters), settings.GRIDWATCH_PAGE_SIZE
    )
    context = {"page": page, "filters": filters, "circles": Circle.choices, "channels": Channel.choices}
    return render(request, "cases/case_list.html", context)


def _detail(request, report, message_form=None, status=200):
    context = {
        "report": report,
        "thread": selectors.report_messages(report),
        "identity_given": ReporterIdentity.objects.filter(report=report).exists(),
        "message_form": message_form or MessageForm(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@require_http_methods(["GET"])
@roles(*CASE_STAFF)
def case_detail(request, pk):
    return _detail(request, _report_for(request, pk))


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
    kwargs = {"cadres": cadres, "grids": grids, "channels": STAFF_CHANNELS}
    if request.method == "POST":
        form = ReportForm(request.POST, **kwargs)
        if form.is_valid():
            scope = get_scope(request.user)
            result = _submit(
                request,
                form,
                actor=request.user,
                channel=form.cleaned_data["channel"],
                grid=form.cleaned_data.get("grid"),
                fallback_path=scope.area_paths[0] if scope.area_paths else "",
            )
            if result is not None:
                report, code = result
                context = {"code": code, "report": report, "staff": True}
                return _no_store(render(request, "cases/report_done.html", context))
    else:
        form = ReportForm(**kwargs)
    return render(request, "cases/intake_form.html", {"form": form})
