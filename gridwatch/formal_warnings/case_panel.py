"""What became of a finding proposed for a warning notice, on the staff case page (``cases.panels``).

The case's handlers proposed it; the issuers follow it here. Without this panel the case page kept showing
"proposed for a warning notice" after the notice was issued or the proposal declined, and the handler had
no way to learn which. The panel says it to whoever reads the case:

- waiting: no notice and no decline yet; an issuer who may follow it gets the two buttons;
- issued: the notice's reference, rung on the ladder, date and status, linked, for those who read the
  notice (``selectors.notices_for``);
- declined: when, by whom and why, for those who read notices (``roles.READERS``).

A case reader who reads no notices (a grid team, a community organisation) learns only that a notice was
issued or not: the rung is the cadre's count of notices in force, and the status tells of an appeal,
neither of which is theirs to read (docs/workflows/warning-notices.md, "Who").

At most four queries, and none for a report not proposed.
"""

from django.urls import reverse

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.cases import panels

from . import selectors
from .models import ProposalDecline, WarningNotice
from .roles import ISSUERS, READERS

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
        readable = has_role(user, *READERS) and selectors.notices_for(user).filter(pk=notice.pk).exists()
        return {
            "template": TEMPLATE,
            "issued": True,
            "notice": notice if readable else None,
            "notice_url": reverse("formal_warnings:detail", args=[notice.pk]) if readable else "",
        }
    decline = ProposalDecline.objects.filter(report_id=report.pk).select_related("declined_by").first()
    if decline is not None:
        # Its reason and who declined are read like a notice would be: a reader role over the cadre's area
        # (a grid post held beside a reader role elsewhere does not count), and no conflict with the cadre.
        readable = (
            has_role(user, *READERS)
            and selectors.reader_scope(user).covers_path(report.supervising_path)
            and not selectors.is_conflicted(user, report.subject_cadre_id)
        )
        return {"template": TEMPLATE, "declined": True, "decline": decline if readable else None}
    may_follow = has_role(user, *ISSUERS) and selectors.proposals_for(user).filter(pk=report.pk).exists()
    return {"template": TEMPLATE, "waiting": True, "may_follow": may_follow}
