"""The analysis pack as the reader sees it: sections of blocks (figures, bar charts, a table) drawn from
the pack's plain data (``selectors.analysis_pack``, or a meeting's snapshot). The page, the Excel workbook
and the PDF are all made from ``present``, so they always show the same numbers.

A figure links to the list it comes from when the reader may open that list (the list enforces its own
jurisdiction); a meeting's frozen figures link nowhere (the lists show today's rows, not the meeting's).
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gridwatch.cases.models import Channel, Circle, Finding, ReportStatus
from gridwatch.cases.roles import CASE_READERS
from gridwatch.formal_warnings.models import FollowUpKind, NoticeStatus
from gridwatch.formal_warnings.roles import READERS as WARNING_READERS
from gridwatch.monthly.roles import READERS as MONTHLY_READERS
from gridwatch.monthly.roles import URGENT_READERS
from gridwatch.supervision.models import CardStatus, InspectionKind
from gridwatch.supervision.roles import CARD_READERS, DIARY_READERS, INSPECTION_READERS

from .periods import parse_period

# The lists that filter by township: the others would show more than a township's figure counts.
TOWNSHIP_FILTERED = frozenset({"supervision:inspection_list"})


class Links:
    """URLs of the lists behind the figures, for a reader holding ``roles`` (``None``: no links). When the
    figures are of a township that is less than the reader's whole scope (``partial``), only the lists that
    filter by township are linked: a county-wide list is not that township's figure."""

    def __init__(self, roles, *, partial=False):
        self.roles = roles
        self.partial = partial

    def __call__(self, name, readers, **query):
        if self.roles is None or not self.roles & set(readers):
            return ""
        if self.partial and name not in TOWNSHIP_FILTERED:
            return ""
        url = reverse(name)
        query = {k: v for k, v in query.items() if v}
        return f"{url}?{urlencode(query)}" if query else url


def _stat(label, n, url="", note=""):
    return {"label": str(label), "n": n, "url": url, "note": str(note)}


def _bars(title, rows, *, note=""):
    """A bar chart: ``rows`` of (label, n, url); each bar's length is its share of the largest."""
    top = max((n for _label, n, _url in rows), default=0)
    return {
        "kind": "bars",
        "title": str(title),
        "note": str(note),
        "rows": [
            {"label": str(label), "n": n, "url": url, "pct": round(100 * n / top) if top else 0}
            for label, n, url in rows
        ],
        "total": sum(n for _label, n, _url in rows),
    }


def _table(title, columns, numeric, rows, *, url=""):
    """A table: ``rows`` of cells under ``columns``; ``numeric`` says which columns hold numbers."""
    return {
        "kind": "table",
        "title": str(title),
        "columns": [str(c) for c in columns],
        "rows": rows,
        "url": url,
        "head": [{"label": str(c), "num": num} for c, num in zip(columns, numeric, strict=True)],
        "body": [[{"v": v, "num": num} for v, num in zip(row, numeric, strict=True)] for row in rows],
    }


def _stats(items):
    return {"kind": "stats", "items": items}


def _cases(pack, link):
    c = pack.get("cases")
    if c is None:
        return None
    townships = pack.get("townships", {})
    by_township = [(townships.get(row["code"], row["code"]), row["n"], "") for row in c["by_township"]]
    if c.get("elsewhere"):
        by_township.append((_("County level or other areas"), c["elsewhere"], ""))
    return {
        "id": "cases",
        "heading": _("Reports and cases"),
        "blocks": [
            _stats(
                [
                    _stat(
                        _("Reports received in the period"),
                        c["received"],
                        link("cases:case_list", CASE_READERS),
                    ),
                    _stat(_("Of them overdue now"), c["received_overdue"]),
                    _stat(
                        _("Open now (all periods)"),
                        c["open_now"],
                        link("cases:case_list", CASE_READERS, status="open"),
                    ),
                    _stat(
                        _("Overdue now (all periods)"),
                        c["overdue_now"],
                        link("cases:case_list", CASE_READERS, status="open", overdue="1"),
                    ),
                ]
            ),
            _bars(_("Received by township"), by_township),
            _bars(
                _("Received by circle"),
                [
                    (label, c["by_circle"].get(value, 0), link("cases:case_list", CASE_READERS, circle=value))
                    for value, label in Circle.choices
                ],
            ),
            _bars(
                _("Received by channel"),
                [
                    (
                        label,
                        c["by_channel"].get(value, 0),
                        link("cases:case_list", CASE_READERS, channel=value),
                    )
                    for value, label in Channel.choices
                ],
            ),
            _bars(
                _("Status now of the reports received in the period"),
                [
                    (label, c["by_status"].get(value, 0), link("cases:case_list", CASE_READERS, status=value))
                    for value, label in ReportStatus.choices
                ],
            ),
            _bars(
                _("Findings concluded in the period"),
                [(label, c["findings"].get(value, 0), "") for value, label in Finding.choices],
            ),
            _stats([_stat(_("Clarifications approved in the period"), c["clarifications"])]),
        ],
    }


MONTH_STATES = {
    "running": lambda: _("Month in progress"),
    "not_due": lambda: _("Not yet due"),
    "past_due": lambda: _("Past the due day"),
}


def _monthly(pack, link):
    m = pack.get("monthly") or {}
    blocks = []
    if "months" in m:
        blocks.append(_monthly_table(m, link))
    if "urgent" in m:
        blocks.append(
            _stats(
                [
                    _stat(
                        _("Urgent matters reported in the period"),
                        m["urgent"],
                        link("monthly:urgent_list", URGENT_READERS),
                    )
                ]
            )
        )
    return {"id": "monthly", "heading": _("Monthly information reports"), "blocks": blocks}


def _monthly_table(m, link):
    rows = [
        [
            row["month"],
            row["on_time"],
            row["late"],
            row["returned"],
            row["not_sent"],
            f"{MONTH_STATES[row['state']]()} ({row['due']})",
        ]
        for row in m["months"]
    ]
    return _table(
        _("Townships' reports by month (%(n)s townships)") % {"n": m["townships"]},
        [
            _("Month"),
            _("On time"),
            _("Late"),
            _("Returned for correction"),
            _("Not sent"),
            _("Due day"),
        ],
        [False, True, True, True, True, False],
        rows,
        url=link("monthly:index", MONTHLY_READERS),
    )


def _supervision(pack, link):
    s = pack.get("supervision") or {}
    township = pack["scope"]["code"] if pack["scope"].get("level") == "township" else ""
    stats, blocks = [], []
    if "cards_total" in s:
        stats += [
            _stat(
                _("Supervision cards of the period"),
                s["cards_total"],
                link("supervision:card_overview", CARD_READERS),
            ),
            _stat(_("Items of concern on the cards sent"), s["concerns"]),
        ]
        blocks.append(
            _bars(
                _("Supervision cards by status"),
                [(label, s["cards"].get(value, 0), "") for value, label in CardStatus.choices],
            )
        )
    if "diary" in s:
        stats.append(
            _stat(_("Sentiment diary entries"), s["diary"], link("supervision:diary_list", DIARY_READERS))
        )
    if "inspections_total" in s:

        def inspections(**query):
            return link("supervision:inspection_list", INSPECTION_READERS, township=township, **query)

        stats += [
            _stat(_("Inspections in the period"), s["inspections_total"], inspections()),
            _stat(
                _("Inspections with corrections open now"),
                s["inspections_open_now"],
                inspections(status="open"),
            ),
            _stat(_("Corrections overdue now"), s["inspections_overdue_now"], inspections(status="overdue")),
        ]
        blocks.append(
            _bars(
                _("Inspections by kind"),
                [
                    (label, s["inspections"].get(value, 0), inspections(kind=value))
                    for value, label in InspectionKind.choices
                ],
            )
        )
    if stats:
        blocks.insert(0, _stats(stats))
    return {"id": "supervision", "heading": _("Supervision in the grids"), "blocks": blocks}


def _warnings(pack, link):
    w = pack.get("warnings")
    if w is None:
        return None
    blocks = [
        _stats(
            [
                _stat(
                    _("Warning notices issued in the period"),
                    w["issued"],
                    link("formal_warnings:list", WARNING_READERS),
                ),
                _stat(
                    _("In force now"),
                    w["in_force_now"],
                    link("formal_warnings:list", WARNING_READERS, status=NoticeStatus.IN_FORCE),
                ),
                _stat(
                    _("Appeals under review now"),
                    w["appealed_now"],
                    link("formal_warnings:list", WARNING_READERS, status=NoticeStatus.APPEALED),
                ),
                _stat(
                    _("Notices with a follow-up overdue now"),
                    w["notices_overdue_now"],
                    link("formal_warnings:list", WARNING_READERS, overdue="1"),
                ),
                _stat(_("Cadres at 3 notices or more"), w["cadres_at_3"]),
                _stat(_("Cadres at 5 notices or more"), w["cadres_at_5"]),
            ]
        ),
        _bars(
            _("Notices issued in the period, by status now"),
            [(label, w["issued_by_status"].get(value, 0), "") for value, label in NoticeStatus.choices],
        ),
        _bars(
            _("Follow-ups overdue now, by kind"),
            [(label, w["follow_ups_overdue_now"].get(value, 0), "") for value, label in FollowUpKind.choices],
        ),
    ]
    if w.get("ladder_cadres"):
        blocks.append(
            _table(
                _("Cadres at the ladder's thresholds (notices not withdrawn)"),
                [_("Cadre"), _("Notices")],
                [False, True],
                [[row["name"], row["n"]] for row in w["ladder_cadres"]],
            )
        )
    return {"id": "warnings", "heading": _("Warning notices"), "blocks": blocks}


def present(pack, *, roles=None):
    """The sections of ``pack`` that hold a figure (a part the reader may not count is not in the pack);
    ``roles`` (the reader's) turns on the links to the lists behind the figures."""
    link = Links(roles, partial=bool(pack.get("scope", {}).get("partial")))
    sections = [_cases(pack, link), _monthly(pack, link), _supervision(pack, link), _warnings(pack, link)]
    return [section for section in sections if section is not None and section["blocks"]]


def recused_note():
    return _("Some figures of this record are not shown to you: you are recused from a matter they count.")


def unchecked_note():
    return _(
        "Some figures of this record are not shown: it was recorded before the cadres they count were kept, "
        "so they cannot be checked against anyone's recusals."
    )


def scope_label(pack):
    return pack["scope"].get("name") or _("All your areas")


def period_label(pack):
    period = parse_period(pack["period"])
    return period.label if period else pack["period"]


# ------------------------------------------------------------------------------------------- document


def document(pack, *, title):
    """Title, meta lines and sections of tables: what the Excel workbook and the PDF hold."""
    meta = [
        (_("Scope"), scope_label(pack)),
        (_("Period"), period_label(pack)),
        (_("Figures as of"), pack["as_of"]),
    ]
    if pack.get("recused"):
        meta.append((_("Note"), recused_note()))
    if pack.get("unchecked"):
        meta.append((_("Note"), unchecked_note()))
    sections = []
    for section in present(pack):
        tables = []
        for block in section["blocks"]:
            if block["kind"] == "stats":
                tables.append(
                    {
                        "title": "",
                        "columns": [_("Figure"), _("Number")],
                        "rows": [[i["label"], i["n"]] for i in block["items"]],
                    }
                )
            elif block["kind"] == "bars":
                tables.append(
                    {
                        "title": block["title"],
                        "columns": [block["title"], _("Number")],
                        "rows": [[r["label"], r["n"]] for r in block["rows"]],
                    }
                )
            else:
                tables.append({"title": block["title"], "columns": block["columns"], "rows": block["rows"]})
        sections.append({"heading": section["heading"], "tables": tables})
    return {"title": title, "meta": meta, "sections": sections}
