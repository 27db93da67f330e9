import csv
import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from gridwatch.accounts.roles import AUDIT_READERS
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles

from .labels import ACTION_LABELS, ADMIN_PREFIX, action_choices
from .models import AuditEvent
from .services import audit_log

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that Excel or WPS will not run as a formula (CSV injection): a leading quote disarms it."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _filtered(request):
    qs = AuditEvent.objects.order_by("-seq")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action in ACTION_LABELS:  # one action of the list: that action only
        qs = qs.filter(action=action)
    elif action:
        # A family (``admin.``: every change made in the admin), or a code typed into the address before the
        # filter was a list (``?action=cadre``): every action it begins, as the filter read it then.
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    return qs, {"action": action, "actor": actor}


@require_http_methods(["GET"])
@roles(*AUDIT_READERS)
def event_list(request):
    qs, filters = _filtered(request)
    page = paginate(request, qs, settings.GRIDWATCH_PAGE_SIZE * 2)
    known = filters["action"] in ACTION_LABELS or filters["action"] == ADMIN_PREFIX
    context = {
        "page": page,
        "filters": filters,
        "action_choices": action_choices(),
        # A code typed into the address (``?action=cadre.``) stays visible in the filter.
        "other_action": "" if known else filters["action"],
    }
    return render(request, "audit/event_list.html", context)


@require_http_methods(["GET"])
@roles(*AUDIT_READERS)
def event_export(request):
    """CSV of the (filtered) log; the export itself is an audit event."""
    qs, filters = _filtered(request)
    audit_log(actor=request.user, action="audit.export", object_type="audit.auditevent", changes=filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["seq", "at", "actor", "action", "object_type", "object_id", "object", "changes", "hash"])
    for ev in qs.iterator(chunk_size=2000):
        writer.writerow(
            [
                ev.seq,
                timezone.localtime(ev.at).isoformat(),
                *map(
                    spreadsheet_safe,
                    [
                        ev.actor_label,
                        ev.action,
                        ev.object_type,
                        ev.object_id,
                        ev.object_label,
                        json.dumps(ev.changes, ensure_ascii=False, sort_keys=True),
                    ],
                ),
                ev.hash,
            ]
        )
    return response
