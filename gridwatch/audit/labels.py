"""What each audited action means, in the reader's language. The code itself stays in the log and the CSV
export; an action without a label here is shown by its code."""

import functools

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

ACTION_LABELS = {
    "area.create": _("Area created"),
    "area.update": _("Area changed"),
    "area.import": _("Grid division table imported"),
    "area.export": _("Grid division table exported"),
    "grid_team.add": _("Grid team member added"),
    "grid_team.remove": _("Grid team member removed"),
    "liaison.create": _("Commission liaison assigned"),
    "unit.create": _("Unit created"),
    "unit.set_head": _("Unit head (number one) set"),
    "cadre.create": _("Cadre registered"),
    "cadre.update": _("Cadre data changed"),
    "cadre.status": _("Cadre status changed"),
    "cadre.import": _("Cadre information form imported"),
    "cadre.export": _("Cadre information form exported"),
    "cadre.phone_view": _("Cadre phone number viewed"),
    "cadre.photo_set": _("Cadre photo set"),
    "cadre.photo_remove": _("Cadre photo removed"),
    "cadre.relation_declare": _("Relation declared"),
    "cadre.link_user": _("Cadre linked to a user account"),
    "collection_round.open": _("Data collection round opened"),
    "collection_round.submit": _("Unit submitted its data"),
    "collection_round.close": _("Data collection round closed"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.logout": _("Signed out"),
    "auth.otp_verified": _("Two-factor code accepted"),
    "auth.otp_failed": _("Two-factor code refused"),
    "auth.unlock": _("Sign-in lockout released"),
    "otp.enrol": _("Two-factor sign-in set up"),
    "user.create": _("User created"),
    "user.disable": _("User disabled"),
    "user.enable": _("User enabled"),
    "user.password_change": _("Password changed"),
    "user.logout_everywhere": _("Signed out on every device"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "audit.export": _("Audit log exported"),
    "audit.anonymous_tally": _("Reporters' actions of a day counted (reports, replies, files)"),
    "crypto.rotate_field_keys": _("Encryption keys rotated"),
    "admin.user.password_change": _("Password set by an administrator"),
    "report.view": _("Report opened"),
    # -- cases: filing and the reporter's side (the reporter's own events name no report: SECURITY.md item 1)
    "report.submit": _("Report sent through the online mailbox"),
    "report.intake": _("Report entered by staff"),
    "report.message_send": _("Message sent to the reporter"),
    "report.reporter_message": _("Reporter sent a message with the receipt code"),
    "report.identity_reveal": _("Reporter's identity revealed"),
    # -- cases: triage and routing (labels of this part go right below this line)
    "report.triage": _("Report triaged"),
    "report.route": _("Report routed again"),
    "report.duplicate": _("Report marked as a duplicate"),
    "report.invalid": _("Report not accepted"),
    "report.transfer": _("Report passed to another body"),
    "report.reroute": _("Report passed to another level"),
    # -- cases: handling and deadlines (labels of this part go right below this line)
    "report.assign": _("Case handler assigned"),
    "report.dispose": _("Case disposal decided"),
    "report.extend": _("Case time limit extended"),
    "report.note_add": _("Case note added"),
    "report.conclude": _("Case finding recorded"),
    "report.reply": _("Reply to the reporter recorded"),
    "report.close": _("Case closed"),
    # -- cases: attachments (labels of this part go right below this line)
    "report.attachment_add": _("Evidence files added to a case"),
    "report.attachment_view": _("Case attachment downloaded"),
    "report.reporter_attachment": _("Reporter added files with the receipt code"),
    # -- cases: cadre side and clarification (labels of this part go right below this line)
    "clarification.request": _("Clarification asked for by the cadre"),
    "clarification.propose": _("Clarification proposed"),
    "clarification.approve": _("Clarification approved"),
    "clarification.decline": _("Clarification declined"),
    # -- cases: export and API (labels of this part go right below this line)
    "report.export": _("Case list exported"),
    # -- supervision: sentiment diary (labels of this part go right below this line)
    "diary.create": _("Sentiment diary entry written"),
    "diary.update": _("Sentiment diary entry changed"),
    # -- supervision: checklist and cards (labels of this part go right below this line)
    "checklist.version_create": _("Checklist version made"),
    "card.start": _("Supervision card started"),
    "card.item_save": _("Supervision card item saved"),
    "card.submit": _("Supervision card submitted"),
    "card.accept": _("Supervision card accepted"),
    "card.return": _("Supervision card returned for correction"),
    "card.view": _("Supervision card opened"),
    "card.photo_view": _("Supervision card photo opened"),
    # -- supervision: register and inspections (labels of this part go right below this line)
    "register.create": _("Supervision register entry written"),
    "register.update": _("Supervision register entry changed"),
    "register.view": _("Supervision register opened"),
    "inspection.record": _("Inspection recorded"),
    "inspection.follow_up": _("Inspection followed up and closed"),
    # -- monthly: monthly reports and urgent matters (labels of this part go right below this line)
    "monthly.remarks": _("Monthly report remarks saved"),
    "monthly.submit": _("Monthly report submitted"),
    "monthly.receive": _("Monthly report received"),
    "monthly.return": _("Monthly report returned for correction"),
    "monthly.export": _("Monthly report exported"),
    "monthly.summary_export": _("Monthly reports summary exported"),
    "urgent.create": _("Urgent matter reported"),
    "urgent.view": _("Urgent matter read"),
    "urgent.acknowledge": _("Urgent matter acknowledged"),
    # -- commitments (labels of this part go right below this line)
    "commitment.create": _("Commitments written"),
    "commitment.update": _("Commitments changed"),
    "commitment.submit": _("Commitments sent for review"),
    "commitment.publish": _("Commitments approved and published"),
    "commitment.return": _("Commitments returned for changes"),
    "commitment.progress": _("Half-year fulfilment meeting recorded"),
    "commitment.rate": _("Year-end commitment rating recorded"),
    # -- formal_warnings: warning notices (labels of this part go right below this line)
    "warning.issue": _("Warning notice issued"),
    "warning.proposal_decline": _("Warning notice proposal declined"),
    "warning.followup_record": _("Warning notice follow-up recorded"),
    "warning.acknowledge": _("Warning notice acknowledged"),
    "warning.appeal": _("Warning notice appealed"),
    "warning.appeal_decide": _("Appeal against a warning notice decided"),
    # -- dashboard: the analysis pack and meetings (labels of this part go right below this line)
    "analysis_pack.export": _("Analysis pack exported"),
    "analysis_meeting.record": _("Analysis meeting recorded"),
    "analysis_meeting.correct": _("Correction added to an analysis meeting"),
    # -- evaluations (labels of this part go right below this line)
    "evaluation.create": _("Evaluation campaign created"),
    "evaluation.codes": _("Ballot codes printed"),
    "evaluation.open": _("Evaluation voting opened"),
    "evaluation.vote": _("Ballot cast"),
    "evaluation.paper_enter": _("Paper ballot entered"),
    "evaluation.paper_confirm": _("Paper ballot confirmed"),
    "evaluation.paper_discard": _("Paper ballot discarded"),
    "evaluation.close": _("Evaluation voting closed"),
    "evaluation.publish": _("Evaluation results published"),
    "evaluation.unit_grade": _("Unit annual grade recorded"),
    "evaluation.unit_grade_import": _("Unit annual grades imported"),
    "evaluation.dual_combine": _("Dual evaluation combined"),
    "evaluation.dual_export": _("Dual evaluation exported"),
    # -- portal: standards (labels of this part go right below this line)
    "standard.create": _("Standard drafted"),
    "standard.update": _("Standard draft changed"),
    "standard.new_version": _("New version of a standard drafted"),
    "standard.publish": _("Standard published"),
    "standard.withdraw": _("Standard withdrawn"),
    "standard.delete_draft": _("Standard draft deleted"),
    # -- portal: publicity (labels of this part go right below this line)
    "article.create": _("Article written"),
    "article.update": _("Article changed"),
    "article.publish": _("Article published"),
    "article.republish": _("Article published again"),
    "article.unpublish": _("Article withdrawn from the site"),
    "article.delete": _("Article draft deleted"),
    "article.image_add": _("Article image added"),
    "article.image_update": _("Article image caption changed"),
    "article.image_remove": _("Article image removed"),
    "column.create": _("Publicity column created"),
    "column.update": _("Publicity column renamed"),
    "column.move": _("Publicity column moved"),
    "column.delete": _("Publicity column deleted"),
    # -- portal: notice-board sheets (labels of this part go right below this line)
    "sheet.export": _("Notice-board sheets printed"),
}


# The actions of the log page's filter, under the names of the sections they belong to (the navigation's):
# (group label, code prefixes). An action whose prefix is in no group is listed under "Other".
ACTION_GROUPS = [
    (_("Cases"), ("report", "clarification")),
    (_("Sentiment diary"), ("diary",)),
    (_("Supervision cards"), ("checklist", "card")),
    (_("Supervision register"), ("register",)),
    (_("Inspections"), ("inspection",)),
    (_("Monthly reports"), ("monthly",)),
    (_("Urgent matters"), ("urgent",)),
    (_("Commitments"), ("commitment",)),
    (_("Warning notices"), ("warning",)),
    (_("Analysis meetings"), ("analysis_pack", "analysis_meeting")),
    (_("Democratic evaluation"), ("evaluation",)),
    (_("Standards"), ("standard",)),
    (_("Integrity culture"), ("article", "column")),
    (_("Notice-board sheets"), ("sheet",)),
    (_("Cadres"), ("cadre",)),
    (_("Units"), ("unit",)),
    (_("Data collection"), ("collection_round",)),
    (_("Areas and grids"), ("area", "grid_team", "liaison")),
    (_("Users"), ("auth", "otp", "user", "role")),
    (_("Audit log"), ("audit", "crypto", "admin")),
]

# Every change made in the Django admin is one filter choice: ``admin.`` is matched as a prefix.
ADMIN_PREFIX = "admin."

# Events that name no object on purpose: what a reporter sends is not tied to a report in the log
# (SECURITY.md item 1). Since 2026-12 a reporter's actions are counted per day (``audit.anonymous_tally``);
# events of the three kinds before it stay in the chain.
UNLINKED_ACTIONS = {"report.submit", "report.reporter_message", "report.reporter_attachment"}


def _sort_key(label):
    return "".join(lazy_pinyin(str(label))).lower()


def action_choices():
    """``[(group label, [(code, label), ...]), ...]`` for the filter: the groups in the navigation's order,
    each group's actions by their label (in pinyin order for Chinese). Worked out once per language (the
    pinyin sort of every label costs a few milliseconds)."""
    return _action_choices(get_language())


@functools.cache
def _action_choices(language):
    groups = {str(label): [] for label, _prefixes in ACTION_GROUPS}
    group_of = {prefix: str(label) for label, prefixes in ACTION_GROUPS for prefix in prefixes}
    other = str(_("Other"))
    choices = [*ACTION_LABELS.items(), (ADMIN_PREFIX, _("Changed in the administration site"))]
    for code, label in choices:
        group = group_of.get(code.split(".", 1)[0], other)
        groups.setdefault(group, []).append((code, str(label)))
    return [(group, sorted(items, key=lambda i: _sort_key(i[1]))) for group, items in groups.items() if items]


def object_note(code):
    """Why an event shows no object: on purpose for a reporter's events, else the event is about no one
    record (an export, a batch)."""
    if code in UNLINKED_ACTIONS:
        return _("Not recorded on purpose: the log does not link what a reporter sends to a report.")
    return _("This event is not about one record.")


def action_label(code):
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    if code.startswith("admin."):
        return _("Changed in the administration site")
    return code
