"""The demo's commitments (R7), for the showcase grid (和平社区第1网格): the demo cadre's commitments of this
year, published, with the half-year fulfilment meeting once July is past; one draft, one awaiting review
and one returned among the grid's other cadres; and last year's, published, met on and rated.

The demo cadre's and the reviewer's steps go through the services. The other cadres have no account, so
their rows are written here as the cadre's own steps would write them. Dates are moved back afterwards so
the history reads like a year of real use. No random draw: the rest of the demo stays as it was."""

import datetime

from django.utils import timezone

ITEMS_THIS_YEAR = [
    ("每季度参加社区志愿服务不少于2次", "全年不少于8次，在社区志愿服务台账登记"),
    ("带头开展垃圾分类宣传", "每半年组织1次楼栋入户宣传，覆盖和平社区第1网格全部楼栋"),
    ("联系帮扶2户困难群众", "每月走访1次，帮助解决实际困难并记录在民情日记"),
]
ITEMS_LAST_YEAR = [
    ("参与小区环境卫生整治", "每季度参加1次集中清扫"),
    ("带头遵守文明交通规定", "全年无交通违法记录"),
]
OTHERS = [
    # (status, items, reason for returning)
    ("draft", [("参加社区“我为群众办实事”活动", "全年不少于4次")], ""),
    (
        "submitted",
        [
            ("带头参与社区邻里互助", "每月参加1次邻里互助活动"),
            ("宣传惠民政策", "每季度在网格内开展1次政策宣讲"),
        ],
        "",
    ),
    ("returned", [("为群众多办实事", "尽力而为")], "承诺目标不够具体，请写明次数、时间或可检验的结果。"),
]
ATTENDEES = "社区党委书记、网格长、网格监督员2名、居民代表6名、服务对象代表2名"
PROGRESS = [
    (60, "上半年参加志愿服务5次，社区台账有登记。"),
    (50, "3月组织楼栋入户宣传1次，发放宣传单200余份。"),
    (55, "每月走访困难群众2户，协调解决就医问题1件。"),
]


def _date(value):
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(10, 0)))


def _backdate(commitment, published_on):
    from gridwatch.people.models import CadreFileEntry

    from .models import Commitment, CommitmentTransition

    Commitment.objects.filter(pk=commitment.pk).update(
        published_at=_date(published_on),
        reviewed_at=_date(published_on),
        submitted_at=_date(published_on - datetime.timedelta(days=5)),
    )
    steps = {"create": -10, "submit": -5, "approve": 0}
    for step in CommitmentTransition.objects.filter(commitment=commitment, action__in=steps):
        step.at = _date(published_on + datetime.timedelta(days=steps[step.action]))
        step.save(update_fields=["at"])
    CadreFileEntry.objects.filter(details__commitment=str(commitment.pk)).update(at=_date(published_on))
    commitment.refresh_from_db()


def _move(commitment, action, on):
    from gridwatch.people.models import CadreFileEntry

    from .models import CommitmentTransition

    CommitmentTransition.objects.filter(commitment=commitment, action=action).update(at=_date(on))
    CadreFileEntry.objects.filter(
        details__commitment=str(commitment.pk), title__contains=action_title(action)
    ).update(at=_date(on))


def action_title(action):
    return {"progress": "fulfilment", "rate": "rating"}[action]


def _write_for(cadre, year, items, status, reason, reviewer):
    """What the cadre's own steps write, for a cadre without an account (and the reviewer's return)."""
    from .models import Commitment, CommitmentItem, CommitmentTransition
    from .services import commitment_return

    now = timezone.now()
    commitment = Commitment.objects.create(cadre=cadre, year=year)
    CommitmentItem.objects.bulk_create(
        CommitmentItem(commitment=commitment, position=i, content=c, target=t)
        for i, (c, t) in enumerate(items, 1)
    )
    CommitmentTransition.objects.create(
        commitment=commitment, action="create", from_status="draft", to_status="draft", at=now
    )
    if status in ("submitted", "returned"):
        Commitment.objects.filter(pk=commitment.pk).update(status="submitted", submitted_at=now)
        CommitmentTransition.objects.create(
            commitment=commitment, action="submit", from_status="draft", to_status="submitted", at=now
        )
        commitment.refresh_from_db()
    if status == "returned":
        commitment_return(actor=reviewer, commitment=commitment, reason=reason)
    return commitment


def seed(gen):
    from gridwatch.core.demo.generator import SHOWCASE_GRID
    from gridwatch.geography.models import Area
    from gridwatch.people.models import Cadre

    from . import services
    from .models import EvaluatorGroup

    showcase = Area.objects.get(code=SHOWCASE_GRID)
    cadre_user, reviewer = gen.users["cadre"], gen.users["heping_party"]
    today = timezone.localdate()
    year = today.year

    # Last year's: published, met on at mid-year, rated at year end.
    own = Cadre.objects.get(user=cadre_user)
    last = _write_for(own, year - 1, ITEMS_LAST_YEAR, "submitted", "", reviewer)
    services.commitment_approve(actor=reviewer, commitment=last)
    _backdate(last, datetime.date(year - 1, 2, 18))
    met_on = datetime.date(year - 1, 7, 8)
    items = list(last.items.order_by("position"))
    services.fulfilment_record(
        actor=reviewer,
        commitment=last,
        held_on=met_on,
        attendees=ATTENDEES,
        summary="两项承诺均按计划推进。",
        progress={i.pk: (50, "按季度参加集中清扫2次。") for i in items},
    )
    _move(last, "progress", met_on)
    rated_on = datetime.date(year - 1, 12, 26)
    counts = {}
    for item, base in zip(items, (0, 1), strict=True):
        counts[(item.pk, EvaluatorGroup.REPRESENTATIVES)] = [4 - base, 1 + base, 0]
        counts[(item.pk, EvaluatorGroup.RESIDENTS)] = [18 - base, 5, 1 + base]
        counts[(item.pk, EvaluatorGroup.SERVICE_RECIPIENTS)] = [6, 2, 0]
    services.rating_record(
        actor=reviewer,
        commitment=last,
        rated_on=rated_on,
        contribution="全年参加社区集中清扫4次，协调解决小区路灯维修1件；带头文明出行，全年无交通违法记录。",
        counts=counts,
    )
    _move(last, "rate", rated_on)

    # This year's: written and sent by the cadre, approved by the community party organisation.
    mine = services.commitment_create(
        actor=cadre_user, year=year, items=[{"content": c, "target": t} for c, t in ITEMS_THIS_YEAR]
    )
    services.commitment_submit(actor=cadre_user, commitment=mine)
    services.commitment_approve(actor=reviewer, commitment=mine)
    _backdate(mine, min(datetime.date(year, 2, 20), today - datetime.timedelta(days=1)))
    held_on = datetime.date(year, 7, 10)
    if held_on < today:
        items = list(mine.items.order_by("position"))
        services.fulfilment_record(
            actor=reviewer,
            commitment=mine,
            held_on=held_on,
            attendees=ATTENDEES,
            summary="三项承诺均已启动，垃圾分类宣传下半年需加快进度。",
            progress={i.pk: values for i, values in zip(items, PROGRESS, strict=True)},
        )
        _move(mine, "progress", held_on)

    others = list(
        Cadre.objects.filter(supervising_grid=showcase, status="serving", user__isnull=True).order_by(
            "name_pinyin", "id"
        )[: len(OTHERS)]
    )
    for cadre, (status, items, reason) in zip(others, OTHERS, strict=False):
        _write_for(cadre, year, items, status, reason, reviewer)
    gen.out(f"commitments: {2 + len(others)} in {showcase.name}")
