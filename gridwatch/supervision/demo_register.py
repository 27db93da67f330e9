"""Demo data of the supervision register (R10) and the inspections of grids (R22), in the showcase grid
(长寨街道和平社区第1网格): the party organisation's and the grid team's entries about three cadres, and two
inspections by the leading-group office, one followed up and closed, one open with corrections due. Besides,
two inspections of last month elsewhere (``last_month_steps``, played by the generator on their days): the
office's regular inspection of a 广顺镇 grid, followed up and closed, and the liaison's random inspection in
代化镇, its corrections still open.

No random draw (``gen.rng`` is not touched): the rest of the demo stays as it was. The entries go through the
services, so they are audited and written to the cadres' files as any other."""

from datetime import timedelta

from django.utils import timezone

from gridwatch.core.demo.generator import SHOWCASE_GRID
from gridwatch.geography.models import Area

from .inspections import cadre_choices as inspection_cadres
from .inspections import inspection_follow_up, inspection_record
from .models import InspectionKind, RegisterAspect
from .register import cadre_choices, register_entry_create

# (author, which cadre, heading, days ago, what was recorded)
REGISTER = [
    (
        "heping_party",
        0,
        RegisterAspect.LIFE_STYLE,
        40,
        "生活简朴，居住在单位分配的老旧住房，无大操大办行为；上下班多步行，未发现出入高档娱乐场所。",
    ),
    (
        "grid_leader",
        0,
        RegisterAspect.NEIGHBOUR_RELATIONS,
        26,
        "与邻里关系融洽，主动协调三单元楼道堆放杂物问题；邻居反映其为人热心，无以权压人现象。",
    ),
    (
        "grid_deputy",
        0,
        RegisterAspect.COMMUNITY_WELFARE,
        12,
        "参加社区“河长清河”志愿活动两次、文明城市创建入户宣传一次，签到表在社区存档。",
    ),
    (
        "heping_party",
        0,
        RegisterAspect.PARTY_ASSESSMENT,
        5,
        "该同志八小时以外表现良好，能主动到社区报到并参加组织生活，群众评价较高。社区党支部评价：好。",
    ),
    (
        "grid_leader",
        1,
        RegisterAspect.FAMILY_RELATIONS,
        33,
        "家庭和睦，赡养父母；配偶在县城经营小超市，经营手续齐全，未发现利用其职务便利谋利的情况。",
    ),
    (
        "grid_deputy",
        1,
        RegisterAspect.SOCIAL_MORALITY,
        18,
        "小区物业反映其车辆多次占用消防通道停放，经网格长提醒后已改正，近两周未再发生。",
    ),
    (
        "heping_party",
        1,
        RegisterAspect.PARTY_ASSESSMENT,
        4,
        "总体表现较好，遵守社会公德方面曾有不足，已当面提醒并及时改正。社区党支部评价：较好。",
    ),
    (
        "grid_leader",
        2,
        RegisterAspect.LIFE_STYLE,
        9,
        "有居民反映其周末常在小区棋牌室打牌，经走访核实为邻里间娱乐，未发现赌博情形，已提醒注意影响。",
    ),
]


def _showcase_cadres(gen, showcase):
    """Three cadres of the showcase grid that the party organisation and the grid leader and deputy may all
    write about (none of them conflicted), by name: ids are random."""
    allowed = None
    for username in ("heping_party", "grid_leader", "grid_deputy"):
        ids = set(
            cadre_choices(gen.users[username]).filter(supervising_grid=showcase).values_list("pk", flat=True)
        )
        allowed = ids if allowed is None else allowed & ids
    cadre = getattr(gen.users.get("cadre"), "cadre", None) if "cadre" in gen.users else None
    pool = list(
        cadre_choices(gen.users["heping_party"])
        .filter(pk__in=allowed or [])
        .order_by("name_pinyin", "id")[:3]
    )
    # The demo cadre's own register (if they live in the grid) shows that they do not see it themself.
    if cadre is not None and cadre.pk in (allowed or set()) and cadre not in pool:
        pool = [cadre, *pool[:2]]
    return pool


def seed(gen):
    showcase = Area.objects.get(code=SHOWCASE_GRID)
    today = timezone.localdate()
    cadres = _showcase_cadres(gen, showcase)
    written = 0
    for username, which, aspect, days_ago, content in REGISTER:
        if which >= len(cadres):
            continue
        register_entry_create(
            actor=gen.users[username],
            cadre=cadres[which],
            aspect=aspect,
            recorded_on=today - timedelta(days=days_ago),
            content=content,
        )
        written += 1
    office = gen.users["office"]
    named = list(inspection_cadres(office, showcase).filter(pk__in=[c.pk for c in cadres[:1]]))
    closed = inspection_record(
        actor=office,
        grid=showcase,
        kind=InspectionKind.REGULAR,
        inspected_on=today - timedelta(days=45),
        findings="网格监督小组按月走访，民情日记记录完整；公开栏监督电话已更新，但监督卡有两张未按时提交，"
        "干部监督工作登记册个别条目缺少日期。",
        corrections="一、补交未按时提交的监督卡；二、补全登记册条目日期，今后逐条注明时间、地点。",
        correct_by=today - timedelta(days=30),
        cadres=named,
    )
    inspection_follow_up(
        actor=office,
        inspection=closed,
        follow_up="经复查，两张监督卡已补交并经网格长审核，登记册条目日期已补全，整改到位，予以销号。",
    )
    inspection_record(
        actor=office,
        grid=showcase,
        kind=InspectionKind.RANDOM,
        inspected_on=today - timedelta(days=6),
        findings="随机抽查：社区公开栏“三亮三比”内容未随本年度承诺更新；两名网格监督员本月尚未开展入户走访。",
        corrections="一、一周内更新公开栏承诺内容并拍照报办公室；二、监督员本月内完成入户走访并记入民情日记。",
        correct_by=today + timedelta(days=8),
    )
    gen.out(f"supervision register: {written} entries; inspections: 2")


# Last month's inspections: (user, grid, kind, day, time, findings, corrections, days to correct, the follow-up
# and its day and time, or None).
LAST_MONTH = [
    (
        "office",
        "522729101001001",  # 广顺镇南场社区第1网格
        InspectionKind.REGULAR,
        8,
        "14:00",
        "网格监督小组按月走访，民情日记有记录；公开栏的监督电话仍为旧号码，网格监督员名单未随人员调整更新。",
        "一、更新公开栏监督电话；二、更新网格监督员名单并在公开栏公示。",
        14,
        ("经复查，公开栏监督电话和网格监督员名单均已更新，整改到位，予以销号。", 15, "10:00"),
    ),
    (
        "liaison",
        "522729104001001",  # 代化镇代化社区第1网格
        InspectionKind.RANDOM,
        13,
        "10:00",
        "随机抽查：网格监督员均能说出本网格的监督对象；民情日记本月尚无记录，入户走访不够经常。",
        "监督员每月入户走访不少于两次，并如实记入民情日记，下次抽查时复核。",
        30,
        None,
    ),
]


def last_month_steps(gen):
    """``[(moment, call), ...]``: last month's inspections, on their days (``gen.last_month_at``)."""
    steps = []
    for username, code, kind, day, hhmm, findings, corrections, days, follow_up in LAST_MONTH:
        grid = Area.objects.filter(code=code).first()
        if grid is None or username not in gen.users:
            continue
        made = {}

        def record(
            username=username,
            grid=grid,
            kind=kind,
            findings=findings,
            corrections=corrections,
            days=days,
            made=made,
        ):
            today = timezone.localdate()
            made["it"] = inspection_record(
                actor=gen.users[username],
                grid=grid,
                kind=kind,
                inspected_on=today,
                findings=findings,
                corrections=corrections,
                correct_by=today + timedelta(days=days),
            )

        steps.append((gen.last_month_at(day, hhmm), record))
        if follow_up is not None:
            text, on, at = follow_up

            def close(username=username, text=text, made=made):
                inspection_follow_up(actor=gen.users[username], inspection=made["it"], follow_up=text)

            steps.append((gen.last_month_at(on, at), close))
    return steps
