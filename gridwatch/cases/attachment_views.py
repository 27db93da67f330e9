"""The attachments of a case: the list on the case page, the authorising download, and evidence added by
the handlers (SECURITY.md item 7). Files are never served from a media URL: each download passes through
``attachment_download``, which checks jurisdiction and recusal and records the read in the audit log."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import authenticated, roles
from gridwatch.core.scoping import get_for_user_or_404

from . import attachments, selectors
from .roles import CASE_READERS, CASE_STAFF


class EvidenceForm(forms.Form):
    attachments = attachments.AttachmentsField(label=gettext_lazy("Add evidence files"))


def detail_context(request, report):
    """What this part adds to the staff case page's context: the list, and the evidence form for those who
    handle the case (bound, with its errors, after a refused upload)."""
    form = getattr(request, "_evidence_form", None)
    return {
        "attachments": attachments.attachment_list(report),
        "evidence_form": form or EvidenceForm(),
    }


@require_GET
@authenticated
def attachment_download(request, pk):
    """One attachment, as a download, to those who may read its case. Anyone else (another township, the
    subject cadre, the subject's unit, a declared relation, a user without a case role) gets 404, the same
    as a file that does not exist."""
    if not has_role(request.user, *CASE_READERS):
        raise Http404
    attachment = attachments.attachment_for_user(request.user, pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachments.report_attachment_open(actor=request.user, attachment=attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.display_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # no-store: no copy stays in a browser's or a proxy's cache
    return response


@require_POST
@roles(*CASE_STAFF)
def attachment_add(request, pk):
    """Evidence files added by a handler of the case."""
    report = get_for_user_or_404(selectors.reports_for(request.user), request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with attachments.discarded_on_failure():
                stored = attachments.report_attachment_add(
                    actor=request.user, report=report, files=form.cleaned_data["attachments"]
                )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            count = len(stored)
            text = ngettext(
                "%(count)s file was added to the case.", "%(count)s files were added to the case.", count
            )
            messages.success(request, text % {"count": count})
            return redirect("cases:case_detail", pk=report.pk)
    from .views import _detail  # the case page renders every part; it imports this module

    request._evidence_form = form
    return _detail(request, report, status=400)


urlpatterns = [
    path("attachments/<uuid:pk>/", attachment_download, name="attachment_download"),
    path("<uuid:pk>/attachments/", attachment_add, name="attachment_add"),
]
