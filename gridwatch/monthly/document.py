"""The monthly report as one plain document: a title, meta rows, and sections of tables and paragraphs.

The report page, the Excel file and the PDF are all drawn from ``report_document``, so the three cannot
differ. Labels are translated here, in the reader's language; the figures come from ``compile_month`` (a
draft, live) or the snapshot frozen at submission.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridwatch.cases.models import Channel, Circle, Finding
from gridwatch.cases.models import ReportStatus as CaseStatus
from gridwatch.supervision.models import CardStatus, RegisterAspect

from . import workflow
from .compile import NO_CIRCLE
from .models import ReportStatus

FORM_TITLE = "《县社区网格干部监督信息报告表》"


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _circle(value):
    if value == NO_CIRCLE or not value:
        return _("No particular circle")
    return _label(Circle, value)


def _table(heading, columns, rows, numeric=(), compact=False, widths=None):
    return {
        "kind": "table",
        "compact": compact,
        "widths": widths,
        "heading": heading,
        "columns": [str(c) for c in columns],
        "rows": rows,
        "numeric": [i in numeric for i in range(len(columns))],
    }


def _counts(heading, first_column, mapping, label):
    rows = [[label(key), value] for key, value in mapping.items()]
    rows.append([_("Total"), sum(mapping.values())])
    return _table(heading, [first_column, _("Number")], rows, numeric=(1,), compact=True)


def _notable_status(item):
    if item["kind"] == "concern":
        return _label(CardStatus, item["status"])
    if item["kind"] == "case":
        parts = [_label(CaseStatus, item["status"])]
        if item.get("finding"):
            parts.append(_label(Finding, item["finding"]))
        if item.get("urgent"):
            parts.append(_("urgent"))
        return " · ".join(parts)
    return _("Acknowledged by the county") if item["status"] == "acknowledged" else _("Sent to the county")


def _notable_kind(kind):
    return {
        "concern": _("Item of concern on a card"),
        "case": _("Case"),
        "urgent": _("Urgent matter"),
    }[kind]


def _notable_what(item):
    if item["kind"] == "concern":
        language = translation.get_language() or ""
        if language.startswith("en") and item.get("what_en"):
            return item["what_en"]
    if item["kind"] == "case":
        return _("Case %(ref)s") % {"ref": item["what"]}
    return item["what"]


def report_document(*, township, month, figures, report=None, hidden_cadres=frozenset(), today=None):
    """The report for ``township`` and ``month`` as ``{"title", "meta", "sections", "withheld"}``.

    ``hidden_cadres``: ids (str) of cadres the reader is conflicted with (回避): their notable items are
    left out (and counted in ``withheld``); the figures are counts and stay whole."""
    status = workflow.status_of(report)
    title = _("%(form)s %(township)s, %(month)s") % {
        "form": FORM_TITLE,
        "township": township.name,
        "month": _("%(year)s-%(month)02d") % {"year": month.year, "month": month.month},
    }
    meta = [
        [_("Township"), township.name],
        [_("Month"), month.strftime("%Y-%m")],
        [_("Status"), _label(ReportStatus, status)],
        [_("Due by"), workflow.due_date(month).isoformat()],
    ]
    if report is not None and report.submitted_at:
        meta.append([_("Submitted at"), timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")])
        meta.append([_("Submitted late"), _("yes") if report.late else _("no")])
    if report is not None and report.received_at:
        meta.append([_("Received at"), timezone.localtime(report.received_at).strftime("%Y-%m-%d %H:%M")])
    if status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        meta.append([_("Figures"), _("compiled live from the month's records (frozen when submitted)")])

    cards, concerns, register, diary = (figures[k] for k in ("cards", "concerns", "register", "diary"))
    reports, concluded = figures["reports"], figures["concluded"]
    sections = [
        _table(
            _("Summary"),
            [_("Item"), _("Number")],
            [
                [_("Supervision cards"), cards["total"]],
                [_("Items of concern on sent cards"), concerns["total"]],
                [_("Register entries"), register["total"]],
                [_("Sentiment diary entries"), diary["total"]],
                [_("Reports received"), reports["total"]],
                [_("of which urgent"), reports["urgent"]],
                [_("Cases concluded"), concluded["total"]],
            ],
            numeric=(1,),
            compact=True,
        ),
    ]
    sections.append(
        _counts(
            _("Supervision cards by status"), _("Status"), cards["by_status"], lambda v: _label(CardStatus, v)
        )
    )
    sections.append(
        _counts(
            _("Register entries by heading"),
            _("Heading"),
            register["by_aspect"],
            lambda v: _label(RegisterAspect, v),
        )
    )
    sections.append(
        _counts(
            _("Reports received by channel"),
            _("Channel"),
            reports["by_channel"],
            lambda v: _label(Channel, v),
        )
    )
    sections.append(
        _counts(
            _("Reports received by status"),
            _("Status"),
            reports["by_status"],
            lambda v: _label(CaseStatus, v),
        )
    )
    sections.append(
        _counts(
            _("Cases concluded by finding"),
            _("Finding"),
            concluded["by_finding"],
            lambda v: _label(Finding, v),
        )
    )
    circles = [*Circle.values, NO_CIRCLE]
    sections.append(
        _table(
            _("By circle"),
            [_("Circle"), _("Items of concern"), _("Diary entries"), _("Reports received")],
            [
                [
                    _circle(c),
                    concerns["by_circle"].get(c, 0),
                    diary["by_circle"].get(c, 0),
                    reports["by_circle"].get(c, 0),
                ]
                for c in circles
            ]
            + [[_("Total"), concerns["total"], diary["total"], reports["total"]]],
            numeric=(1, 2, 3),
        )
    )
    sections.append(
        _table(
            _("By grid"),
            [
                _("Community"),
                _("Grid"),
                _("Cards"),
                _("Items of concern"),
                _("Register entries"),
                _("Diary entries"),
                _("Reports received"),
            ],
            [
                [
                    g["community"],
                    g["name"],
                    g["cards"],
                    g["concerns"],
                    g["register"],
                    g["diary"],
                    g["reports"],
                ]
                for g in figures["grids"]
            ],
            numeric=(2, 3, 4, 5, 6),
            widths=[2.2, 2.8, 1, 1.2, 1.2, 1.2, 1.2],
        )
    )
    shown = [
        item
        for item in figures["notable"]
        if not item.get("cadre_id") or item["cadre_id"] not in hidden_cadres
    ]
    withheld = len(figures["notable"]) - len(shown)
    sections.append(
        _table(
            _("Notable items"),
            [_("Date"), _("Kind"), _("Cadre"), _("Unit"), _("Circle"), _("What"), _("Status"), _("Grid")],
            [
                [
                    item["date"],
                    _notable_kind(item["kind"]),
                    item["cadre"],
                    item["unit"],
                    _circle(item["circle"]),
                    _notable_what(item),
                    _notable_status(item),
                    item["grid"],
                ]
                for item in shown
            ],
            widths=[1.7, 1.6, 1.4, 1.7, 1.4, 2.8, 1.6, 1.8],
        )
    )
    if figures.get("notable_more"):
        sections.append(
            {
                "kind": "paragraphs",
                "heading": _("Notable items not listed"),
                "paragraphs": [
                    ngettext(
                        "%(n)d more notable item is not listed: a report lists the %(max)d newest.",
                        "%(n)d more notable items are not listed: a report lists the %(max)d newest.",
                        figures["notable_more"],
                    )
                    % {"n": figures["notable_more"], "max": len(figures["notable"])}
                ],
            }
        )
    sections.append(
        {
            "kind": "paragraphs",
            "heading": _("Remarks of the township commission"),
            "paragraphs": [p for p in (report.remarks if report else "").splitlines() if p.strip()]
            or [_("No remarks.")],
        }
    )
    if report is not None and status == ReportStatus.RETURNED and report.return_reason:
        sections.append(
            {
                "kind": "paragraphs",
                "heading": _("Returned for correction: the county's reason"),
                "paragraphs": report.return_reason.splitlines(),
            }
        )
    return {"title": title, "meta": meta, "sections": sections, "withheld": withheld}


def page_blocks(sections):
    """The sections as the page lays them out: consecutive two-column tables side by side on wide screens."""
    blocks = []
    for section in sections:
        compact = bool(section.get("compact"))
        if compact and blocks and blocks[-1]["pair"]:
            blocks[-1]["sections"].append(section)
        else:
            blocks.append({"pair": compact, "sections": [section]})
    return blocks
