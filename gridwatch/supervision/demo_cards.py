"""Demo data of the supervision cards (R11) in the showcase grid (长寨街道和平社区第1网格): last month's cards
all reviewed by the grid leader (two with items of concern, whose notes say what was seen), and this month's
in every state: reviewed, waiting for review, returned for correction, drafts half filled, and cadres still
without a card. Besides, a 广顺镇 grid's cards of last month, filled and reviewed during that month
(``last_month_steps``, played by the generator on their days).

No random draw (``gen.rng`` is not touched): the rest of the demo stays as it was. Every card goes through
the services, so each step is audited and the reviewed cards reach the cadres' files as observations."""

import datetime

from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.core.demo.generator import SHOWCASE_GRID
from gridwatch.geography.models import Area, GridTeamMember, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from . import card_selectors as sel
from . import cards
from .models import CardRating

# Items of concern by the cadre's place in the list: (checklist position, what the supervisor wrote).
CONCERNS = {
    1: [(7, "月中有居民反映其在城南一家酒楼参加私人宴请，席间有企业老板作陪，具体费用由谁支付尚待了解。")],
    3: [
        (8, "连续两个周末深夜在小区棋牌室打麻将，邻居反映输赢较大、声音扰民。"),
        (13, "社区组织的垃圾分类入户宣传两次通知均未参加，也未说明原因。"),
    ],
    5: [(10, "邻居反映其亲属以其名义向小区物业提出减免物业费的要求，物业未同意。")],
}
REMARKS = "本月走访小区三次，该同志八小时以外总体表现正常，未发现明显异常情况。"
NORMAL_NOTES = {12: "参加了社区“文明城市创建”志愿服务活动，签到表在社区存档。"}
RETURN_NOTE = "关注事项的说明过于简单，请补充时间、地点和反映人的大致情况后再提交。"
# The 广顺镇 grid whose cards of last month were filled during that month, and its items of concern.
LAST_MONTH_GRID = "522729101002001"  # 广顺镇北场社区第1网格
LAST_MONTH_CONCERNS = {
    1: [(10, "有邻居反映其亲属以其名义要求社区在宅基地纠纷中“关照”，社区未予理会，本人是否知情尚待了解。")],
    4: [(14, "其家门前长期堆放建筑材料，占用消防通道，经网格员提醒后已清理。")],
}
LAST_MONTH_REMARKS = "本月入户走访两次，该同志八小时以外表现总体正常。"


def _writer(team, cadre):
    """The first team member (supervisors first, then the deputy and the leader) not conflicted with
    ``cadre``; ``None`` if there is none."""
    for user in team:
        if not Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(user)).exists():
            return user
    return None


def _fill(card, writer, index, *, upto=None, concerns=True, concern_notes=CONCERNS):
    items = sel.card_items(card)
    wanted = dict(concern_notes.get(index, [])) if concerns else {}
    for item in items[:upto]:
        position = item.checklist_item.position
        if position in wanted:
            rating, note = CardRating.CONCERN, wanted[position]
        else:
            rating, note = CardRating.NORMAL, NORMAL_NOTES.get(position, "")
        cards.card_item_save(actor=writer, item=item, rating=rating, note=note)


def seed(gen):
    showcase = Area.objects.get(code=SHOWCASE_GRID)
    posts = list(GridTeamMember.objects.filter(grid=showcase).select_related("user"))
    order = {TeamRole.SUPERVISOR: 0, TeamRole.DEPUTY: 1, TeamRole.LEADER: 2}
    team = [p.user for p in sorted(posts, key=lambda p: (order[p.role], p.user.username))]
    leader = next(p.user for p in posts if p.role == TeamRole.LEADER)
    cadres = list(
        Cadre.objects.filter(status=CadreStatus.SERVING, supervising_grid=showcase).order_by(
            "name_pinyin", "id"
        )
    )
    current = sel.this_month()
    last = sel.previous_month(current)
    done = 0
    for index, cadre in enumerate(cadres):
        writer = _writer(team, cadre)
        if writer is None:
            continue
        # Last month: every card reviewed.
        card = cards.card_start(actor=writer, cadre=cadre, month=last)
        _fill(card, writer, index)
        cards.card_submit(actor=writer, card=card, summary=REMARKS if index % 2 == 0 else "")
        if _writer([leader], cadre) is not None:
            cards.card_review(
                actor=leader, card=card, accept=True, note="已阅，情况属实。" if index in CONCERNS else ""
            )
        # This month, by the cadre's place: reviewed, submitted, returned, draft, or no card yet.
        stage = index % 6
        if stage == 5:
            continue  # no card yet
        card = cards.card_start(actor=writer, cadre=cadre, month=current)
        if stage == 4:
            _fill(card, writer, index, upto=6, concerns=False)  # a draft, half done
            continue
        _fill(card, writer, index)
        cards.card_submit(actor=writer, card=card)
        if stage in (0, 3) and _writer([leader], cadre) is not None:
            cards.card_review(
                actor=leader, card=card, accept=stage == 0, note="" if stage == 0 else RETURN_NOTE
            )
        done += 1
    gen.out(
        f"supervision cards: {len(cadres)} cadres in the showcase grid, {done} cards of this month handed in"
    )


def _team(grid):
    """The grid team, supervisors first, then the deputy and the leader; and the leader."""
    posts = list(GridTeamMember.objects.filter(grid=grid).select_related("user"))
    order = {TeamRole.SUPERVISOR: 0, TeamRole.DEPUTY: 1, TeamRole.LEADER: 2}
    team = [p.user for p in sorted(posts, key=lambda p: (order[p.role], p.user.username))]
    leader = next((p.user for p in posts if p.role == TeamRole.LEADER), None)
    return team, leader


def last_month_steps(gen):
    """``[(moment, call), ...]``: the cards of ``LAST_MONTH_GRID``'s cadres for last month, filled and handed
    in on its third-last working day and reviewed by the grid leader on its last (``gen.last_month_at``)."""
    grid = Area.objects.filter(code=LAST_MONTH_GRID).first()
    if grid is None:
        return []
    team, leader = _team(grid)
    cadres = list(
        Cadre.objects.filter(status=CadreStatus.SERVING, supervising_grid=grid).order_by("name_pinyin", "id")
    )
    steps = []
    for index, cadre in enumerate(cadres):
        writer = _writer(team, cadre)
        if writer is None:
            continue
        card = {}

        def fill(cadre=cadre, writer=writer, index=index, card=card):
            card["it"] = cards.card_start(actor=writer, cadre=cadre, month=gen.last_month)
            _fill(card["it"], writer, index, concern_notes=LAST_MONTH_CONCERNS)
            cards.card_submit(actor=writer, card=card["it"], summary=LAST_MONTH_REMARKS if index % 2 else "")

        steps.append((gen.last_month_at(-3, "09:00") + datetime.timedelta(minutes=6 * index), fill))
        if leader is not None and _writer([leader], cadre) is not None:

            def review(index=index, card=card):
                cards.card_review(
                    actor=leader,
                    card=card["it"],
                    accept=True,
                    note="已阅。" if index in LAST_MONTH_CONCERNS else "",
                )

            steps.append((gen.last_month_at(-1, "15:00") + datetime.timedelta(minutes=3 * index), review))
    return steps
