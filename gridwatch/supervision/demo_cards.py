"""Demo data of the supervision cards (R11) in the showcase grid (长寨街道和平社区第1网格): last month's cards
all reviewed by the grid leader (two with items of concern, whose notes say what was seen), and this month's
in every state: reviewed, waiting for review, returned for correction, drafts half filled, and cadres still
without a card.

No random draw (``gen.rng`` is not touched): the rest of the demo stays as it was. Every card goes through
the services, so each step is audited and the reviewed cards reach the cadres' files as observations."""

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


def _writer(team, cadre):
    """The first team member (supervisors first, then the deputy and the leader) not conflicted with
    ``cadre``; ``None`` if there is none."""
    for user in team:
        if not Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(user)).exists():
            return user
    return None


def _fill(card, writer, index, *, upto=None, concerns=True):
    items = sel.card_items(card)
    wanted = dict(CONCERNS.get(index, [])) if concerns else {}
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
