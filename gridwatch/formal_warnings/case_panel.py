"""What became of a finding proposed for a warning notice, on the staff case page (``cases.panels``).

The case's handlers proposed it; the issuers follow it here. Without this panel the case page kept showing
"proposed for a warning notice" after the notice was issued or the proposal declined, and the handler had
no way to learn which. The panel says it to whoever reads the case:

- waiting: no notice and no decline yet; an issuer who may follow it gets the two buttons;
- issued: the notice's reference, rung on the ladder, date and status, linked for those who read notices
  (``selectors.notices_for``: the cadre's unit reads the notice there, not here);
- declined: when, by whom and why.

At most four queries (two for a reader who issues no notice), and none for a report not proposed.
"""

from django.urls import reverse

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.cases import panels

from . import selectors
from .models import ProposalDecline, WarningNotice
from .roles import ISSUERS

TEMPLATE = "formal_warnings/_case_panel.html"


@panels.register
def warning_panel(request, report):
    if not report.warning_proposed or report.subject_cadre_id is None:
        return None
    user = request.user
    notice = (
        WarningNotice.objects.filter(report_id=report.pk)
        .only("pk", "reference", "ordinal", "issued_on", "status")
        .first()
    )
    if notice is not None:
        readable = selectors.notices_for(user).filter(pk=notice.pk).exists()
        return {
            "template": TEMPLATE,
            "notice": notice,
            "notice_url": reverse("formal_warnings:detail", args=[notice.pk]) if readable else "",
        }
    decline = ProposalDecline.objects.filter(report_id=report.pk).select_related("declined_by").first()
    if decline is not None:
        return {"template": TEMPLATE, "decline": decline}
    may_follow = has_role(user, *ISSUERS) and selectors.proposals_for(user).filter(pk=report.pk).exists()
    return {"template": TEMPLATE, "waiting": True, "may_follow": may_follow}
