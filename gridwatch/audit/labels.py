"""What each audited action means, in the reader's language. The code itself stays in the log and the CSV
export; an action without a label here is shown by its code."""

from django.utils.translation import gettext_lazy as _

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
    "crypto.rotate_field_keys": _("Encryption keys rotated"),
    "admin.user.password_change": _("Password set by an administrator"),
    "report.view": _("Report opened"),
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
}


def action_label(code):
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    if code.startswith("admin."):
        return _("Changed in the administration site")
    return code
