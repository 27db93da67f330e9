"""Pages of the analysis pack and of the integrity analysis meetings (廉情分析会, R15).

The pack's period and scope travel in the query string (``?period=2026-Q4&township=522729101000``): a
period the select does not offer falls back to the last full month (the select shows it), a township outside the reader's jurisdiction is the 404
of one that does not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role, user_roles
from gridwatch.audit.services import audit_log
from gridwatch.cases import receipts
from gridwatch.core.errors import DomainError, NotPermitted
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles

from . import exports, selectors, services
from .forms import CorrectionForm, MeetingForm
from .pack import document, period_label, present, recused_note, scope_label, unchecked_note
from .periods import last_full_month, parse_period, period_choices
from .roles import MEETING_READERS, PACK_READERS, RECORDERS


def _period(request, today):
    """The period asked for when the select offers it, else the last full month (the select then shows the
    period used, never one that is not there)."""
    period = parse_period(request.GET.get("period"))
    offered = {key for _group, items in period_choices(today) for key, _label in items}
    return period if period is not None and period.key in offered else last_full_month(today)


def _pack_request(request, *, with_names):
    """``(pack, period, township, townships)`` from the query string; ``with_names`` for the page only
    (an export never names a cadre)."""
    today = timezone.localdate()
    period = _period(request, today)
    townships = selectors.pack_townships(request.user)
    township = selectors.pack_township(townships, request.GET.get("township", "").strip())
    pack = selectors.analysis_pack(
        user=request.user,
        period=period,
        township=township,
        townships=townships,
        today=today,
        with_names=with_names and selectors.may_see_names(request.user),
    )
    return pack, period, township, townships


def _query(period, township):
    query = f"period={period.key}"
    return f"{query}&township={township.code}" if township is not None else query


@require_http_methods(["GET"])
@roles(*PACK_READERS)
def pack_view(request):
    """The figures a meeting discusses, for a period and a scope, each linking to its list."""
    pack, period, township, townships = _pack_request(request, with_names=True)
    context = {
        "pack": pack,
        "sections": present(pack, roles=user_roles(request.user)),
        "scope_label": scope_label(pack),
        "period_label": period.label,
        "period_choices": period_choices(timezone.localdate()),
        "period_key": period.key,
        "townships": townships,
        "township_code": township.code if township else "",
        "all_label": selectors.scope_of(request.user, None, townships)["name"] or _("All your areas"),
        "query": _query(period, township),
        "can_record": has_role(request.user, *RECORDERS),
        "live": True,
    }
    return render(request, "dashboard/pack.html", context)


def _audit_export(request, pack, fmt):
    audit_log(
        actor=request.user,
        action="analysis_pack.export",
        object_type="dashboard.pack",
        object_label=_("Analysis pack"),
        changes={"period": pack["period"], "scope": pack["scope"]["code"], "format": fmt},
    )


def _file_response(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _title(pack):
    return _("Integrity analysis pack: %(scope)s, %(period)s") % {
        "scope": scope_label(pack),
        "period": period_label(pack),
    }


def _filename(pack, extension):
    scope = pack["scope"]["code"] or _("my-areas")
    name = _("analysis-pack")
    return f"{name}-{scope}-{pack['period']}.{extension}"


@require_http_methods(["GET"])
@roles(*PACK_READERS)
def pack_xlsx(request):
    """The pack as an Excel workbook: the page's figures (an audited export)."""
    pack, _period, _township, _townships = _pack_request(request, with_names=False)
    content = exports.workbook(document(pack, title=_title(pack)))
    _audit_export(request, pack, "xlsx")
    return _file_response(content, exports.XLSX, _filename(pack, "xlsx"))


@require_http_methods(["GET"])
@roles(*PACK_READERS)
def pack_pdf(request):
    """The pack as a PDF, to print for the meeting (an audited export)."""
    pack, period, township, _townships = _pack_request(request, with_names=False)
    try:
        content = exports.pdf(document(pack, title=_title(pack)))
    except DomainError as exc:  # no Chinese font installed: say so rather than print empty boxes
        messages.error(request, exc.message)
        return redirect(f"{reverse('dashboard:pack')}?{_query(period, township)}")
    _audit_export(request, pack, "pdf")
    return _file_response(content, exports.PDF, _filename(pack, "pdf"))


# ------------------------------------------------------------------------------------------- meetings


@require_http_methods(["GET"])
@roles(*MEETING_READERS)
def meeting_list(request):
    page = paginate(request, selectors.meeting_list(request.user), settings.GRIDWATCH_PAGE_SIZE)
    context = {"page": page, "can_record": has_role(request.user, *RECORDERS)}
    return render(request, "dashboard/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@roles(*RECORDERS)
def meeting_create(request):
    """Record a meeting: the pack's figures for its period and scope are frozen with it."""
    areas = selectors.meeting_areas(request.user)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, areas=areas, today=today)
        token = request.POST.get("submission", "")
        claim = receipts.submission_claim(token) if form.is_valid() else None
        if claim == "used":
            messages.warning(request, _("This meeting was already recorded: the form was sent twice."))
            return redirect("dashboard:meeting_list")
        if claim == "invalid":
            form.add_error(None, _("The form has expired. Check what you typed and send it again."))
        elif claim == "ok":
            data = form.cleaned_data
            try:
                meeting = services.meeting_record(
                    actor=request.user,
                    area=data["area"],
                    held_on=data["held_on"],
                    period=data["period"],
                    attendees=data["attendees"],
                    problems=data["problems"],
                    decisions=data["decisions"],
                    today=today,
                )
            except NotPermitted:
                receipts.submission_release(token)
                raise PermissionDenied from None
            except DomainError as exc:
                receipts.submission_release(token)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The meeting was recorded, with the figures as they are today."))
                return redirect("dashboard:meeting_detail", pk=meeting.pk)
        status = 400
    else:
        form = MeetingForm(
            initial={"held_on": today, "period": last_full_month(today).key, "area": areas.first()},
            areas=areas,
            today=today,
        )
    context = {"form": form, "submission": receipts.submission_token_new()}
    response = render(request, "dashboard/meeting_form.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _detail(request, meeting, *, form=None, status=200):
    may_correct = has_role(request.user, *RECORDERS) and (
        selectors.meeting_areas(request.user).filter(pk=meeting.area_id).exists()
    )
    # The figures as this reader may read them: those counting a cadre they are recused from are left out.
    snapshot = selectors.snapshot_for_reader(request.user, meeting.snapshot)
    context = {
        "meeting": meeting,
        "pack": snapshot,
        "sections": present(snapshot) if snapshot else [],
        "recused_note": recused_note() if snapshot and snapshot.get("recused") else "",
        "unchecked_note": unchecked_note() if snapshot and snapshot.get("unchecked") else "",
        "scope_label": scope_label(snapshot) if snapshot else meeting.area.name,
        "period_label": period_label(snapshot) if snapshot else meeting.period_label,
        "corrections": list(meeting.corrections.select_related("written_by")),
        "may_correct": may_correct,
        "form": form or (CorrectionForm() if may_correct else None),
        "submission": receipts.submission_token_new() if may_correct else "",
        "live": False,
    }
    return render(request, "dashboard/meeting_detail.html", context, status=status)


@require_http_methods(["GET"])
@roles(*MEETING_READERS)
def meeting_detail(request, pk):
    return _detail(request, selectors.meeting_for_user_or_404(request.user, pk))


@require_POST
@roles(*RECORDERS)
def meeting_correct(request, pk):
    meeting = selectors.meeting_for_user_or_404(request.user, pk)
    form = CorrectionForm(request.POST)
    token = request.POST.get("submission", "")
    # The same one-time token as the meeting's form: a correction sent twice is added once.
    claim = receipts.submission_claim(token) if form.is_valid() else None
    if claim == "used":
        messages.warning(request, _("This correction was already added: the form was sent twice."))
        return redirect("dashboard:meeting_detail", pk=meeting.pk)
    if claim == "invalid":
        form.add_error(None, _("The form has expired. Check what you typed and send it again."))
    elif claim == "ok":
        try:
            services.meeting_correct(actor=request.user, meeting=meeting, text=form.cleaned_data["text"])
        except NotPermitted:
            receipts.submission_release(token)
            raise PermissionDenied from None
        except DomainError as exc:
            receipts.submission_release(token)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The correction was added beneath the record."))
            return redirect("dashboard:meeting_detail", pk=meeting.pk)
    return _detail(request, meeting, form=form, status=400)
