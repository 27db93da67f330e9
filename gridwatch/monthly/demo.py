"""Demo data of the monthly information report (R13) and urgent matters: the reports of the seven
townships for the two months before the demo's day, and two urgent matters.

- The month before last: five received on time, 摆所镇's received but sent late, 敦操乡's missing (never
  sent).
- Last month: 长寨街道 and 代化镇 received, 广顺镇 submitted and waiting, 摆所镇 returned for correction,
  白云山镇 a draft with remarks, 鼓扬镇 and 敦操乡 not yet sent (missing once the due day has passed).

Everything goes through the services; the submission and receipt times are then set back to plausible days
of the month they belong to. No random draw (``gen.rng`` is not touched).
"""

import datetime

from django.utils import timezone

from gridwatch.geography.models import Area, Level
from gridwatch.people.models import Cadre, CadreStatus

from . import services, workflow
from .models import MonthlyReport, ReportTransition

REMARKS = {
    "cz": "本月各网格监督卡按时收回，和平社区反映个别干部周末在小区棋牌室打牌至深夜，已提醒所在单位关注；"
    "群众反映件均已按时转办。",
    "gs": "本月走访群众较多，南场社区农贸市场周边秩序问题已转镇综治办；一件属实问题已按程序处理。",
    "bs": "本月未发现突出作风问题，登记册记录完整。",
    "dh": "本月网格监督员走访到位，群众满意度较高，无重要事项。",
    "bys": "数据正在核对中，拟于下月初报送。",
    "gy": "",
    "dc": "",
}
RETURN_REASON = "网格分项数与登记册不一致，请核对摆所社区第1网格的登记条目后重新报送。"
URGENT = [
    (
        "gs",
        None,
        "social",
        "干部参与婚宴醉酒并与群众争执",
        "据南场社区网格员报告，某局干部周六在村民婚宴上饮酒过量，与同桌群众发生争执，现场有人拍摄视频并在微信群传播。"
        "网格长已到场劝解，双方情绪平稳。建议县纪委关注舆情。",
    ),
    (
        "grid_leader",
        "showcase",
        "family",
        "干部家属经营场所涉嫌违规占道",
        "和平社区第1网格巡查发现，一名干部配偶经营的门店长期占用人行道堆放货物，群众多次投诉未果，有人称“有关系不怕查”。",
    ),
]


def _township_user(gen, short):
    return gen.users.get(f"{short}_jiwei")


def _backdate(report, *, submitted=None, received=None, returned=None):
    """Set the report's times (and its steps') to the days they would have happened on."""
    tz = timezone.get_current_timezone()
    fields = {}
    if submitted is not None:
        at = datetime.datetime.combine(submitted, datetime.time(16, 30), tzinfo=tz)
        fields.update(submitted_at=at, late=workflow.is_late(report.month, submitted))
        ReportTransition.objects.filter(report=report, action="submit").update(at=at)
    if received is not None or returned is not None:
        at = datetime.datetime.combine(received or returned, datetime.time(10, 0), tzinfo=tz)
        ReportTransition.objects.filter(report=report).exclude(action="submit").update(at=at)
        if received is not None:
            fields["received_at"] = at
    MonthlyReport.objects.filter(pk=report.pk).update(**fields)


def _send(gen, township, month, short, *, submit_on, receive=True, return_reason=""):
    actor = _township_user(gen, short)
    report = services.report_submit(actor=actor, township=township, month=month, remarks=REMARKS[short])
    county = gen.users["county_staff"]
    next_day = min(submit_on + datetime.timedelta(days=1), timezone.localdate())
    if return_reason:
        services.report_return(actor=county, report=report, reason=return_reason)
        _backdate(report, submitted=submit_on, returned=next_day)
    elif receive:
        services.report_receive(actor=county, report=report)
        _backdate(report, submitted=submit_on, received=next_day)
    else:
        _backdate(report, submitted=submit_on)
    return report


def seed(gen):
    today = timezone.localdate()
    last = workflow.previous_month(today)
    before = workflow.previous_month(last)
    townships = {t.code: t for t in Area.objects.filter(level=Level.TOWNSHIP)}
    short = {
        "522729001000": "cz",
        "522729101000": "gs",
        "522729103000": "bs",
        "522729104000": "dh",
        "522729105000": "bys",
        "522729106000": "gy",
        "522729209000": "dc",
    }
    by_short = {s: townships[code] for code, s in short.items() if code in townships}
    if len(by_short) < 7 or "county_staff" not in gen.users:
        gen.out("monthly reports: skipped (the demo county is incomplete)")
        return
    due_before = workflow.due_date(before)
    # The month before last: on time (two days before it is due), 摆所镇 late, 敦操乡 missing.
    for s in ("cz", "gs", "dh", "bys", "gy"):
        _send(gen, by_short[s], before, s, submit_on=due_before - datetime.timedelta(days=2))
    _send(gen, by_short["bs"], before, "bs", submit_on=due_before + datetime.timedelta(days=3))
    # Last month: sent on its 1st or 2nd (never after today).
    first = last.replace(day=28) + datetime.timedelta(days=4)
    first = first.replace(day=1)
    sent_on = min(today, first + datetime.timedelta(days=1))
    _send(gen, by_short["cz"], last, "cz", submit_on=first)
    _send(gen, by_short["dh"], last, "dh", submit_on=sent_on)
    _send(gen, by_short["gs"], last, "gs", submit_on=sent_on, receive=False)
    _send(gen, by_short["bs"], last, "bs", submit_on=first, return_reason=RETURN_REASON)
    services.report_remarks_save(
        actor=_township_user(gen, "bys"), township=by_short["bys"], month=last, remarks=REMARKS["bys"]
    )
    # Two urgent matters: one from 广顺镇's commission (acknowledged), one from the showcase grid's leader.
    from gridwatch.core.demo.generator import SHOWCASE_GRID

    county = gen.users["county_staff"]
    for index, (username, where, circle, title, details) in enumerate(URGENT):
        actor = gen.users[username] if username in gen.users else _township_user(gen, username)
        area = Area.objects.get(code=SHOWCASE_GRID) if where == "showcase" else by_short[username]
        cadre = (
            Cadre.objects.filter(supervising_path__startswith=area.path, status=CadreStatus.SERVING)
            .exclude(unit__kind="township")
            .exclude(user__isnull=False)
            .order_by("name_pinyin", "id")
            .first()
        )
        matter = services.urgent_matter_create(
            actor=actor, area=area, circle=circle, title=title, details=details, cadre=cadre
        )
        if index == 0:
            services.urgent_matter_acknowledge(actor=county, matter=matter)
    gen.out(f"monthly reports: {MonthlyReport.objects.count()}, urgent matters: {len(URGENT)}")
