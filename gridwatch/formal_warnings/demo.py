"""The demo's warning notices (R15): the leading-group office issues a notice from each finding the demo's
case handling proposed for one (a partly substantiated finding in the showcase data), so the demo shows a
notice in force with the unit's warning education open, and the office's queue empty.

Every step goes through the services. No new report is filed: the demo's case counts stay as they were
(a cadre at their third notice would need two more verified findings)."""

from django.db.models import Q

PROBLEMS = {
    # A problem written for the cadre from the finding's summary, keyed by the summary's beginning.
    "经核实，其家属在小区公共绿地种菜属实": "家属占用小区公共绿地种菜，本人知情后未及时劝阻，带头遵守公共秩序、管好身边人的意识不强。",
}


def _problem(report):
    summary = report.finding_summary or ""
    for start, problem in PROBLEMS.items():
        if summary.startswith(start):
            return problem
    return summary


def seed(gen):
    from gridwatch.cases.models import Report

    from . import services
    from .models import WarningNotice

    office = gen.users["office"]
    proposals = Report.objects.filter(
        Q(warning_proposed=True), ~Q(pk__in=WarningNotice.objects.values("report_id"))
    ).order_by("finding_on", "id")
    issued = [
        services.notice_issue(actor=office, report=report, problem=_problem(report)) for report in proposals
    ]
    gen.out(f"warning notices: {len(issued)}")
    return issued
