"""A province-size synthetic dataset for the benchmarks, built with bulk_create (no services, no audit).

    GRIDWATCH_SQLITE_PATH=var/bench/cadres_100000.sqlite3 .venv/bin/python bench/generate.py --cadres 100000

The geography grows with the registry, about one county per 1,100 cadres: 100,000 cadres give ~90
counties, ~10,000 grids and ~5,000 units; 1,000 cadres give one county with ~100 grids and ~50 units.
Names are drawn from the common surnames and given-name characters; ``name_pinyin`` and ``name_initials``
come from ``gridwatch.core.text`` (computed once per distinct name). Phones go through the model field, so
they are encrypted by ``gridwatch.core.crypto.get_provider()`` like any other write (``--no-phones``
leaves them empty).

Two users are made for the benchmark, each with a confirmed TOTP device so that a test client can pass
two-factor the way ``login()`` in ``gridwatch/conftest.py`` does (see ``bench_cadres.signed_in_client``):
``bench_county`` (county commission staff of the county of typical size) and ``bench_township`` (township
staff of the largest township of the largest county).

Reports (``--reports N``, for ``bench/bench_cases.py``) are added after the cadres, into the same
database, by ``generate_reports``: spread over the county's grids and cadres (a few cadres draw many
reports), over the channels (web mailbox, county-wide and by grid; hotline; in person; letter; grid
supervisor), the circles and the last three years, with the status a report of that age would have
(received, being handled, concluded, closed, and a few passed on, duplicates or not accepted), some urgent,
and the time limits (``transfer_due``, ``verify_due``, the reply dates) in working days from
``gridwatch.core.workdays``. Texts go through the encrypted fields like any write. They are meant for the
one-county dataset (``--cadres 1000``); on a bigger one they spread over every county. The cadre dataset
itself is the same with or without ``--reports``.

    GRIDWATCH_SQLITE_PATH=var/bench/cases_100000.sqlite3 .venv/bin/python bench/generate.py --cadres 1000 --reports 100000

A month of records (``--month YYYY-MM``, for ``bench/bench_monthly.py``) is added by ``generate_month``:
a supervision card for every serving cadre at its supervising grid (mostly sent or reviewed, some drafts),
one item per checklist item (about 1.2 % of concern, with a note), register entries for about 30 % of the
cadres, about four diary entries per grid, reports received in the month (some concluded in it) and a few
urgent matters, all dated in that month.

    GRIDWATCH_SQLITE_PATH=var/bench/monthly_100000.sqlite3 .venv/bin/python bench/generate.py --cadres 100000 --no-phones --month 2026-11

The database is migrated first. The generator refuses the development database and, for PostgreSQL, any
database not named ``gridwatch_bench_*``. ``--force`` starts from an empty database.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARK_PREFIX = "bench:dataset:"
COUNTY_USER = "bench_county"
TOWNSHIP_USER = "bench_township"
GRID_USER = "bench_grid"  # made with the reports (generate_reports)

# Surnames by approximate frequency (per mille of the population), the first 60 cover ~80 %.
SURNAMES = (
    "王70 李70 张66 刘53 陈45 杨31 黄22 赵21 吴20 周19 徐13 孙12 马12 朱11 胡10 郭10 何9 高9 林9 罗9 "
    "郑8 梁8 谢6 宋6 唐6 许5 韩5 冯5 邓5 曹5 彭5 曾5 肖5 田5 董4 袁4 潘4 于4 蒋4 蔡4 余4 杜4 叶4 程4 "
    "苏3 魏3 吕3 丁3 任3 沈3 姚3 卢3 姜3 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 贾2 夏2 韦2 付2 方2 白2 "
    "邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 "
    "严1 覃1 武1 戴1 莫1 孔1 向1 汤1 欧阳1 司马1 诸葛1"
).split()
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 玉 兰 萍 红 鹏 辉 建 国 文 "
    "斌 宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 欣 佳 晨 阳 成 波 丹 飞 云 海 鑫 峰 亮 志 德 福 生 荣 忠 新 春 "
    "梅 琴 燕 雪 婷 倩 雅 慧 颖 琳 晶 莉 璐 蕾 薇 洁 蓉 琼 莎 爽 彬 昊 然 博 泽 睿 轩 航 嘉 天 一 子 思 "
    "永 光 金 玲 学 晓 东 小 家 世 兴 贵 顺 长 安 和 水 江 山 清 远"
).split()
SYLLABLES = (
    "长 顺 安 平 贵 定 龙 里 惠 水 罗 甸 独 山 荔 波 三 都 瓮 福 泉 都 匀 兴 义 仁 怀 清 镇 开 阳 息 烽 修 文 "
    "盘 州 六 枝 水 城 赤 丹 寨 凯 黎 榕 江 从 江 天 柱 锦 屏 剑 河 台 江 麻 施 秉 镇 远 岑 巩 玉 屏 石 阡 "
    "思 南 印 江 德 江 沿 河 松 桃 威 宁 赫 章 纳 雍 织 金 黔 西 大 方 金 沙 正 安 道 真 务 川 凤 冈 湄 潭 余 庆 习 水"
).split()
TOWNSHIP_KINDS = (("镇", "town"), ("乡", "township"), ("街道", "street"))
COUNTY_DEPARTMENTS = (
    "纪委监委 组织部 宣传部 统战部 政法委 政府办 发展和改革局 教育局 科技局 工业和信息化局 公安局 民政局 司法局 "
    "财政局 人力资源和社会保障局 自然资源局 生态环境局 住房和城乡建设局 交通运输局 水务局 农业农村局 商务局 "
    "文体广电旅游局 卫生健康局 退役军人事务局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业局 "
    "乡村振兴局 信访局 人民医院 中医院 第一中学 第二中学 职业学校 融媒体中心 供电局 税务局 档案馆 城市管理局 "
    "投资促进局 大数据发展管理局 机关事务局 总工会 团委 妇联 科协 残联 工商联 红十字会"
).split()
POSITIONS = {
    "dept_chief": ("书记", "局长", "主任"),
    "dept_deputy": ("副书记", "副局长", "副主任"),
    "section_chief": ("局长", "主任", "党委书记", "镇长", "院长", "校长"),
    "section_deputy": ("副局长", "副主任", "副镇长", "副院长", "副校长", "纪委书记"),
    "staff": ("股长", "所长", "站长", "办公室主任"),
    "other": ("调研员", "主任科员"),
}
RANK_WEIGHTS = (
    ("dept_chief", 1),
    ("dept_deputy", 3),
    ("section_chief", 25),
    ("section_deputy", 45),
    ("staff", 22),
    ("other", 4),
)
PREFECTURES = ("01", "02", "03", "04", "05", "06", "22", "23", "24", "26", "27")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cadres", type=int, default=1000, help="number of cadres (default 1000)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--force", action="store_true", help="delete an existing dataset first")
    parser.add_argument("--no-phones", action="store_true", help="leave phones empty (faster)")
    parser.add_argument(
        "--reports", type=int, default=0, help="also add this many reports (bench_cases.py; default none)"
    )
    parser.add_argument(
        "--month",
        default="",
        help="also add one month of cards, entries and reports (bench_monthly.py): YYYY-MM, or 'last' for "
        "the month before today (default none)",
    )
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def guard_database():
    """Never the development database; on PostgreSQL only a gridwatch_bench_* database."""
    url = os.environ.get("DATABASE_URL")
    if url:
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        if not name.startswith("gridwatch_bench_"):
            sys.exit(
                f"refusing DATABASE_URL database {name!r}: benchmark databases are named gridwatch_bench_*"
            )
        return name
    path = os.environ.get("GRIDWATCH_SQLITE_PATH")
    if not path:
        sys.exit("set GRIDWATCH_SQLITE_PATH to a file under /tmp or var/bench/ (or DATABASE_URL)")
    resolved = Path(path).resolve()
    if resolved == (ROOT / "var" / "gridwatch.sqlite3").resolve():
        sys.exit("refusing the development database var/gridwatch.sqlite3")
    resolved.parent.mkdir(parents=True, exist_ok=True)
    return str(resolved)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridwatch.settings")
    import django

    django.setup()


def weighted(items):
    """(value, weight) pairs parsed from 'name12' tokens or given as tuples → two lists for random.choices."""
    values, weights = [], []
    for item in items:
        if isinstance(item, tuple):
            value, weight = item
        else:
            value = item.rstrip("0123456789")
            weight = int(item[len(value) :])
        values.append(value)
        weights.append(weight)
    return values, weights


class Namer:
    """Made-up place names, unique within their scope."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def make(self, suffix, length=2):
        for _ in range(1000):
            name = "".join(self.rng.choice(SYLLABLES) for _ in range(length)) + suffix
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")


def plan_geography(cadres, rng):
    """Counties with a size weight; grids ≈ cadres / 10, units ≈ cadres / 20."""
    n_counties = max(1, round(cadres / 1100))
    weights = [rng.uniform(0.5, 1.6) for _ in range(n_counties)]
    total = sum(weights)
    grids = max(10, round(cadres / 10))
    return [max(6, round(grids * w / total)) for w in weights]


def build_areas(grid_counts, rng, log):
    from gridwatch.geography.models import Area, Level

    namer = Namer(rng)
    counties, codes = [], set()
    for index, _grids in enumerate(grid_counts):
        prefecture = PREFECTURES[index // 30 % len(PREFECTURES)]
        code = f"52{prefecture}{index % 30 + 1:02d}000000"
        while code in codes:  # more than 330 counties: spill into made-up prefectures
            code = f"52{rng.randint(40, 99):02d}{rng.randint(1, 99):02d}000000"
        codes.add(code)
        counties.append(
            Area(
                code=code, name=namer.make("县"), level=Level.COUNTY, kind="county", path=code + "/", depth=0
            )
        )
    Area.objects.bulk_create(counties, batch_size=500)

    townships, plan = [], []
    for county, grids in zip(counties, grid_counts, strict=True):
        n_townships = max(2, min(30, round(grids / 9)))
        share = [rng.uniform(0.6, 1.4) for _ in range(n_townships)]
        total = sum(share)
        for t in range(n_townships):
            suffix, kind = TOWNSHIP_KINDS[0 if t == 0 else rng.choice((0, 0, 1, 2))]
            number = (1 + t) if kind == "street" else (100 + t)
            code = f"{county.code[:6]}{number:03d}000"
            area = Area(
                code=code,
                name=namer.make(suffix),
                level=Level.TOWNSHIP,
                kind=kind,
                parent=county,
                path=f"{county.path}{code}/",
                depth=1,
            )
            townships.append(area)
            plan.append(max(1, round(grids * share[t] / total)))
    Area.objects.bulk_create(townships, batch_size=1000)

    communities, community_grids = [], []
    for township, grids in zip(townships, plan, strict=True):
        n_communities = max(1, round(grids / 2.5))
        for c in range(n_communities):
            village = rng.random() < 0.6
            number = (200 + c) if village else (1 + c)
            code = f"{township.code[:9]}{number:03d}"
            name = namer.make("村" if village else "社区")
            communities.append(
                Area(
                    code=code,
                    name=name,
                    level=Level.COMMUNITY,
                    kind="village" if village else "community",
                    parent=township,
                    path=f"{township.path}{code}/",
                    depth=2,
                )
            )
            community_grids.append(max(1, round(grids / n_communities + rng.uniform(-0.6, 0.6))))
    Area.objects.bulk_create(communities, batch_size=2000)

    grid_rows = []
    for community, n in zip(communities, community_grids, strict=True):
        for g in range(n):
            code = f"{community.code}{g + 1:03d}"
            grid_rows.append(
                Area(
                    code=code,
                    name=f"{community.name}第{g + 1}网格",
                    level=Level.GRID,
                    kind="grid",
                    parent=community,
                    path=f"{community.path}{code}/",
                    depth=3,
                )
            )
    Area.objects.bulk_create(grid_rows, batch_size=2000)
    log(
        f"areas: {len(counties)} counties, {len(townships)} townships, {len(communities)} communities, "
        f"{len(grid_rows)} grids"
    )
    return counties, townships, grid_rows


def build_units(counties, townships, cadres, rng, log):
    from gridwatch.people.models import Unit

    n_units = max(len(counties) * 5, round(cadres / 20))
    per_county = max(5, n_units // len(counties))
    by_county = {c.pk: [] for c in counties}
    for township in townships:
        by_county[township.parent_id].append(township)
    units = []
    for county in counties:
        own = by_county[county.pk]
        # Every township has its party committee and government; the rest are county departments.
        for township in own:
            units.append(Unit(name=f"{county.name}{township.name}党委政府", kind="township", area=township))
        for name in COUNTY_DEPARTMENTS[: max(0, per_county - len(own))]:
            units.append(
                Unit(
                    name=f"{county.name}{name}",
                    kind="government" if name.endswith("局") else "party",
                    area=county,
                )
            )
    Unit.objects.bulk_create(units, batch_size=2000)
    log(f"units: {len(units)}")
    return units


def build_cadres(counties, townships, grids, units, total, rng, phones, log):
    from gridwatch.core.text import pinyin_full, pinyin_initials
    from gridwatch.people.models import Cadre

    surnames, surname_weights = weighted(SURNAMES)
    ranks, rank_weights = weighted(RANK_WEIGHTS)
    county_of_township = {t.pk: t.parent_id for t in townships}
    township_of_path = {t.path: t for t in townships}
    grids_by_county, grids_by_township = {c.pk: [] for c in counties}, {t.pk: [] for t in townships}
    for grid in grids:
        township = township_of_path[grid.path[: grid.path.index("/", 13) + 1]]
        grids_by_township[township.pk].append(grid)
        grids_by_county[county_of_township[township.pk]].append(grid)
    units_by_county = {c.pk: [] for c in counties}
    for unit in units:
        units_by_county[county_of_township.get(unit.area_id, unit.area_id)].append(unit)
    # Cadres per county follow its number of grids.
    county_ids = [c.pk for c in counties]
    county_weights = [len(grids_by_county[pk]) for pk in county_ids]

    names = {}
    this_year = time.localtime().tm_year
    batch, made, insert_cpu = [], 0, 0.0
    for _ in range(total):
        county_id = rng.choices(county_ids, county_weights)[0]
        unit = rng.choice(units_by_county[county_id])
        residence = rng.choice(grids_by_county[county_id])
        supervising = residence
        if unit.kind == "township" and not residence.path.startswith(unit.area.path):
            supervising = grids_by_township[unit.area_id][0]  # R16: the township's grid
        name = rng.choices(surnames, surname_weights)[0] + "".join(
            rng.choices(GIVEN, k=rng.choice((1, 2, 2, 2)))
        )
        spelled = names.get(name)
        if spelled is None:
            spelled = names[name] = (pinyin_full(name), pinyin_initials(name))
        rank = rng.choices(ranks, rank_weights)[0]
        status = rng.choices(("serving", "transferred", "retired"), (92, 5, 3))[0]
        batch.append(
            Cadre(
                name=name,
                name_pinyin=spelled[0],
                name_initials=spelled[1],
                gender=rng.choice(("male", "male", "female")),
                birth_year=rng.randint(this_year - 60, this_year - 25),
                unit=unit,
                position=rng.choice(POSITIONS[rank]),
                rank=rank,
                residence_grid=residence,
                supervising_grid=supervising,
                supervising_path=supervising.path,
                phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}" if phones else "",
                status=status,
            )
        )
        if len(batch) == 5000:
            t0 = time.process_time()
            Cadre.objects.bulk_create(batch)
            insert_cpu += time.process_time() - t0
            made += len(batch)
            batch = []
            log(f"cadres: {made}", progress=True)
    t0 = time.process_time()
    Cadre.objects.bulk_create(batch)
    insert_cpu += time.process_time() - t0
    made += len(batch)
    log(f"cadres: {made} ({len(names)} distinct names; bulk_create CPU {insert_cpu:.1f}s)")


def build_users(counties, townships, log):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gridwatch.accounts.models import RoleAssignment, User
    from gridwatch.accounts.roles import Role
    from gridwatch.people.models import Cadre

    def sized(path):
        return Cadre.objects.filter(supervising_path__gte=path, supervising_path__lt=path + "~").count()

    # The county user holds a typical county (the one nearest the mean size); the township user the largest
    # township of the largest county.
    sizes = {c.pk: sized(c.path) for c in counties}
    mean = sum(sizes.values()) / len(sizes)
    county = min(counties, key=lambda c: abs(sizes[c.pk] - mean))
    big = max(counties, key=lambda c: sizes[c.pk])
    township = max((t for t in townships if t.parent_id == big.pk), key=lambda t: sized(t.path))
    made = {}
    for username, role, area in (
        (COUNTY_USER, Role.COUNTY_STAFF, county),
        (TOWNSHIP_USER, Role.TOWNSHIP_STAFF, township),
    ):
        user = User(username=username, display_name=username)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=role, area=area)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        made[username] = area
    log(
        f"users: {COUNTY_USER} (county staff, {county.name}, {sizes[county.pk]} cadres), "
        f"{TOWNSHIP_USER} (township staff, "
        f"{township.name} {township.code}, {sized(township.path)} cadres)"
    )
    return made


def dataset_mark(cadres):
    return f"{MARK_PREFIX}{cadres}"


def existing_dataset():
    from gridwatch.core.models import JobMark

    mark = JobMark.objects.filter(key__startswith=MARK_PREFIX).first()
    return int(mark.key[len(MARK_PREFIX) :]) if mark else None


def wipe(database_label):
    """An empty database: the SQLite file is removed; a PostgreSQL bench database is flushed."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(database_label + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)


def generate(cadres, *, seed=20260101, force=False, phones=True, quiet=False):
    """Build the dataset into the configured database; returns the elapsed seconds."""
    database_label = guard_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    from gridwatch.core.models import JobMark

    started = time.perf_counter()

    def log(message, progress=False):
        if not quiet:
            print(
                f"[{time.perf_counter() - started:6.1f}s] {message}",
                end="\r" if progress else "\n",
                flush=True,
            )

    if force:
        wipe(database_label)
    call_command("migrate", verbosity=0)
    log("migrated")
    found = existing_dataset()
    if found is not None:
        if found == cadres:
            log(f"dataset of {cadres} cadres already present in {database_label}")
            return 0.0
        sys.exit(f"{database_label} holds a dataset of {found} cadres; use --force to rebuild")

    if connection.vendor == "sqlite":
        # A big page cache: the random UUID keys and eight indexes otherwise thrash the default 2 MB cache.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -393216")
            cursor.execute("PRAGMA temp_store = MEMORY")
    rng = random.Random(seed)
    with transaction.atomic():
        grid_counts = plan_geography(cadres, rng)
        counties, townships, grids = build_areas(grid_counts, rng, log)
        units = build_units(counties, townships, cadres, rng, log)
        build_cadres(counties, townships, grids, units, cadres, rng, phones, log)
        build_users(counties, townships, log)
        JobMark.objects.create(key=dataset_mark(cadres))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"done: {cadres} cadres in {elapsed:.1f}s ({database_label})")
    return elapsed


# ------------------------------------------------------------------------------------------- reports

REPORTS_MARK_PREFIX = "bench:reports:"
REPORT_YEARS = 3
# (channel, weight): most reports come through the web mailbox.
CHANNEL_WEIGHTS = (("web", 55), ("hotline", 15), ("in_person", 8), ("letter", 7), ("supervisor", 15))
CIRCLE_WEIGHTS = (("social", 40), ("life", 25), ("family", 15), ("public_welfare", 12), ("other", 8))
# Status by the report's age in days: (up to this age, ((status, weight), ...)).
STATUS_BY_AGE = (
    (10, (("received", 60), ("handling", 35), ("duplicate", 3), ("invalid", 2))),
    (
        120,
        (
            ("received", 5),
            ("handling", 55),
            ("concluded", 20),
            ("closed", 15),
            ("transferred", 2),
            ("duplicate", 2),
            ("invalid", 1),
        ),
    ),
    (
        None,
        (
            ("handling", 3),
            ("concluded", 4),
            ("closed", 85),
            ("transferred", 4),
            ("duplicate", 2),
            ("invalid", 2),
        ),
    ),
)
URGENT_SHARE = 0.04
DISPOSAL_WEIGHTS = (("talk_letter", 45), ("preliminary", 30), ("shelved", 10), ("closed", 15))
FINDING_WEIGHTS = (
    ("substantiated", 25),
    ("partly", 20),
    ("not_substantiated", 30),
    ("unverifiable", 15),
    ("mistaken", 9),
    ("false_suspected", 1),
)
# Time limits in working days when the settings do not give them (GRIDWATCH_CASE_DAYS).
CASE_DAYS = {"transfer": 5, "verify": 15, "acceptance_reply": 15, "result_reply": 15}
WHAT_WHO = ("该干部", "这名领导", "他", "她", "此人")
WHAT_DOES = (
    "周末多次在农家乐接受企业老板宴请，饭后由老板安排车辆送回",
    "在自家小区违规搭建阳台，邻居多次反映未果",
    "工作日晚上经常出入棋牌室打牌，涉及金额较大",
    "儿子结婚大操大办，摆酒六十多桌，收受管理服务对象礼金",
    "节假日公车私用，开单位车辆接送家属",
    "长期不赡养老人，与兄弟姐妹关系紧张，村里议论较多",
    "在微信群里发表不当言论，影响很坏",
    "以亲属名义在辖区内承包工程",
    "酒后驾车，被群众看见",
    "在公益活动中虚报人数，截留慰问物资",
    "经常在工作时间之外到高档会所消费，来源不明",
    "与辖区个体户往来密切，逢年过节收受土特产",
)
WHAT_MORE = (
    "",
    "村里很多人都知道，可以找村民核实。",
    "我亲眼看见过两次。",
    "希望组织上调查处理。",
    "具体情况可以问小区物业。",
    "此事已持续半年以上。",
)
WHEN_TEXT = ("上周六晚", "每个周末", "今年春节期间", "三月份", "国庆假期", "最近一个月", "")
WHERE_TEXT = ("城郊农家乐", "县城某酒店", "家中", "某棋牌室", "镇上饭店", "小区门口", "")
SUBJECT_NAMES = ("王某", "李某", "张主任", "刘站长", "陈所长", "杨某某", "赵书记", "黄局长")
SUBJECT_UNITS = ("县水务局", "某镇政府", "县医院", "某村委会", "县供电局", "")


def existing_reports():
    from gridwatch.core.models import JobMark

    mark = JobMark.objects.filter(key__startswith=REPORTS_MARK_PREFIX).first()
    return int(mark.key[len(REPORTS_MARK_PREFIX) :]) if mark else None


def grid_user(reports, log):
    """``bench_grid``: the supervisor of the grid holding the median number of reports, with a confirmed
    TOTP device like the other benchmark users."""
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gridwatch.accounts.models import User
    from gridwatch.cases.models import Report
    from gridwatch.geography.models import Area, GridTeamMember, Level

    counts = dict(Report.objects.order_by().values_list("supervising_path").annotate(n=Count("id")))
    grids = sorted(Area.objects.filter(level=Level.GRID), key=lambda g: (counts.get(g.path, 0), g.path))
    grid = grids[len(grids) // 2]
    user = User(username=GRID_USER, display_name=GRID_USER)
    user.set_unusable_password()
    user.save()
    GridTeamMember.objects.create(grid=grid, user=user, role="supervisor")
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    log(f"users: {GRID_USER} (grid supervisor, {grid.name}, {counts.get(grid.path, 0)} reports at the grid)")


def generate_reports(reports, *, seed=20260101, quiet=False):
    """Add ``reports`` reports to the cadre dataset in the configured database (``generate`` first).
    Returns the elapsed seconds; 0 when the same number is there already."""
    guard_database()
    setup_django()
    import datetime
    import functools

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from gridwatch.cases.models import Report
    from gridwatch.cases.receipts import ALPHABET, CODE_LENGTH, GROUP_SIZE, receipt_hash
    from gridwatch.core.models import JobMark
    from gridwatch.core.workdays import is_working_day
    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre

    started = time.perf_counter()

    def log(message, progress=False):
        if not quiet:
            print(
                f"[{time.perf_counter() - started:6.1f}s] {message}",
                end="\r" if progress else "\n",
                flush=True,
            )

    found = existing_reports()
    if found is not None:
        if found == reports:
            log(f"{reports} reports already present")
            return 0.0
        sys.exit(f"the database holds {found} reports already; use --force to rebuild")

    days = {**CASE_DAYS, **getattr(settings, "GRIDWATCH_CASE_DAYS", {})}
    rng = random.Random(seed + 1)  # a stream of its own: the cadre dataset stays the same
    counties = {a.path: a for a in Area.objects.filter(level=Level.COUNTY)}
    townships = list(Area.objects.filter(level=Level.TOWNSHIP).order_by("path").only("path"))
    grids = list(Area.objects.filter(level=Level.GRID).order_by("path").only("id", "path"))
    # In a fixed order (the keys are random UUIDs), so that the same seed gives the same reports.
    cadres = list(
        Cadre.objects.filter(status="serving")
        .order_by("supervising_path", "name_pinyin", "name", "birth_year", "position", "gender")
        .values_list("id", "supervising_grid_id", "supervising_path")
    )
    if not cadres:
        sys.exit("no cadres: generate the cadre dataset first (--cadres)")
    # A few cadres draw many reports, most draw one or none.
    cadre_weights = [rng.paretovariate(1.2) for _ in cadres]
    channels, channel_weights = weighted(CHANNEL_WEIGHTS)
    circles, circle_weights = weighted(CIRCLE_WEIGHTS)
    disposals, disposal_weights = weighted(DISPOSAL_WEIGHTS)
    findings, finding_weights = weighted(FINDING_WEIGHTS)
    statuses = [(age, *weighted(choices)) for age, choices in STATUS_BY_AGE]

    working = functools.cache(is_working_day)  # chinese_calendar's own check is slow for 100,000 rows

    @functools.cache
    def plus(day, n):
        """``add_working_days(day, n)`` with the day check cached."""
        while n > 0:
            day += datetime.timedelta(days=1)
            n -= working(day)
        return day

    def county_of(path):
        return counties[path[: path.index("/") + 1]]

    today = timezone.localdate()
    span = REPORT_YEARS * 365
    batch, made = [], 0

    def code():
        raw = "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))
        return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))

    with transaction.atomic():
        for _ in range(reports):
            age = span
            while age >= span:  # more recent reports than old ones: a year on average
                age = int(rng.expovariate(1 / (span / 3)))
            received = today - datetime.timedelta(days=age)
            channel = rng.choices(channels, channel_weights)[0]
            about_cadre = rng.random() < 0.75
            cadre_id = grid_id = None
            if about_cadre:
                cadre_id, cadre_grid, path = rng.choices(cadres, cadre_weights)[0]
                because = "subject_grid"
                if channel == "supervisor" or (channel == "web" and rng.random() < 0.5):
                    grid_id = cadre_grid  # the grid's form, or the grid team's own report
            else:
                if channel == "supervisor" or (channel == "web" and rng.random() < 0.5):
                    grid = rng.choice(grids)
                    grid_id, path, because = grid.id, grid.path, "filed_grid"
                elif channel == "web":
                    path, because = county_of(rng.choice(grids).path).path, "county_form"
                else:
                    path, because = rng.choice(townships).path, "filer_area"
            for limit, values, weights in statuses:
                if limit is None or age <= limit:
                    status = rng.choices(values, weights)[0]
                    break
            report = Report(
                received_on=received,
                channel=channel,
                circle=rng.choices(circles, circle_weights)[0],
                subject_cadre_id=cadre_id,
                subject_name="" if about_cadre else rng.choice(SUBJECT_NAMES),
                subject_unit_text="" if about_cadre else rng.choice(SUBJECT_UNITS),
                what=rng.choice(WHAT_WHO) + rng.choice(WHAT_DOES) + "。" + rng.choice(WHAT_MORE),
                when=rng.choice(WHEN_TEXT),
                where=rng.choice(WHERE_TEXT),
                grid_id=grid_id,
                supervising_path=path,
                routed_because=because,
                status=status,
                urgent=rng.random() < URGENT_SHARE,
                transfer_due=plus(received, days["transfer"]),
                acceptance_reply_due=plus(received, days["acceptance_reply"]),
                receipt_hash=receipt_hash(code()),
            )
            if status == "invalid":
                report.status_reason = "反映内容不属于受理范围"
            if status in ("handling", "concluded", "closed"):
                accepted = min(plus(received, rng.randint(0, 3)), today)
                report.accepted_on = accepted
                report.verify_due = plus(accepted, days["verify"])
                replied = accepted + datetime.timedelta(days=rng.randint(0, 10))
                report.acceptance_replied_on = replied if replied <= today else None
                report.disposal = rng.choices(disposals, disposal_weights)[0]
                report.disposal_on = accepted
            if status in ("concluded", "closed"):
                found_on = min(accepted + datetime.timedelta(days=rng.randint(10, 80)), today)
                report.finding = rng.choices(findings, finding_weights)[0]
                report.finding_on = found_on
                report.result_reply_due = plus(found_on, days["result_reply"])
            if status == "closed":
                report.result_replied_on = min(found_on + datetime.timedelta(days=rng.randint(1, 14)), today)
                report.closed_on = report.result_replied_on
            batch.append(report)
            if len(batch) == 5000:
                Report.objects.bulk_create(batch)
                made += len(batch)
                batch = []
                log(f"reports: {made}", progress=True)
        Report.objects.bulk_create(batch)
        made += len(batch)
        grid_user(reports, log)
        JobMark.objects.create(key=f"{REPORTS_MARK_PREFIX}{reports}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"reports: {made} in {elapsed:.1f}s")
    return elapsed


# ------------------------------------------------------------------------------------- a month's records

MONTH_MARK_PREFIX = "bench:month:"
MONTH_USER = "bench_supervisor"  # the author of the month's cards, entries and urgent matters
# Cards by status at the end of the month: most sent, some reviewed, a few still drafts or returned.
CARD_STATUS_WEIGHTS = (("reviewed", 50), ("submitted", 35), ("draft", 10), ("returned", 5))
CONCERN_SHARE = 0.012  # of the items of a sent card: ~17 % of cards have an item of concern
REGISTER_PER_CADRE = 0.3
DIARY_PER_GRID = 4
REPORTS_PER_CADRE = 0.015
URGENT_MATTERS_PER_COUNTY = 0.4
CONCERN_NOTES = (
    "近期多次在县城酒店参加宴请，群众有议论",
    "周末经常出入棋牌室，时间较长",
    "邻里反映其家属占用公共楼道堆放杂物",
    "社区志愿服务活动本月未参加",
    "与辖区企业负责人往来较频繁",
    "家中办酒席规模较大，需进一步了解",
)
REGISTER_TEXTS = (
    "本月参加社区志愿服务两次，表现积极",
    "邻里关系和睦，未收到不良反映",
    "家庭和睦，子女教育情况良好",
    "能够遵守社会公德，在小区文明劝导中起带头作用",
    "社区党组织评价：遵规守纪，作风务实",
    "生活作风正常，无不良嗜好",
)
DIARY_TEXTS = (
    "走访小区居民，群众对网格内干部总体评价较好",
    "居民反映有干部周末在农家乐聚餐，已记录待核实",
    "在小区广场宣传监督信箱和监督电话，发放宣传资料",
    "与楼栋长座谈，了解干部参加社区活动情况",
    "居民反映小区停车难问题，与干部作风无关，已转社区",
)
DIARY_PLACES = ("小区广场", "居民家中", "社区服务中心", "村委会", "农贸市场", "楼栋门口")
URGENT_TITLES = ("干部酒后驾车被查处", "干部参与赌博被举报", "干部家属违规经商情况", "干部大操大办婚宴")


def existing_month():
    """The month (its first day) of the month's records in the database, or None."""
    import datetime

    from gridwatch.core.models import JobMark

    mark = JobMark.objects.filter(key__startswith=MONTH_MARK_PREFIX).first()
    return datetime.date.fromisoformat(mark.key[len(MONTH_MARK_PREFIX) :]) if mark else None


def generate_month(month=None, *, seed=20260101, quiet=False):
    """Add one month of records to the cadre dataset in the configured database (``generate`` first), the
    rows ``gridwatch.monthly.compile.compile_month`` reads: a supervision card for every serving cadre at
    its supervising grid, with one item per checklist item (some of concern, with a note), register
    entries, diary entries, reports received (some concluded) and urgent matters, all dated in the month.
    ``month`` defaults to the month before today. Returns ``(elapsed seconds, month)``; 0 seconds when the
    month's records are there already."""
    guard_database()
    setup_django()
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from gridwatch.accounts.models import User
    from gridwatch.cases.models import Report
    from gridwatch.cases.receipts import ALPHABET, CODE_LENGTH, receipt_hash
    from gridwatch.core.models import JobMark
    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre
    from gridwatch.supervision.models import (
        CardItem,
        ChecklistItem,
        ChecklistVersion,
        DiaryEntry,
        RegisterAspect,
        RegisterEntry,
        SupervisionCard,
    )

    started = time.perf_counter()

    def log(message, progress=False):
        if not quiet:
            print(
                f"[{time.perf_counter() - started:6.1f}s] {message}",
                end="\r" if progress else "\n",
                flush=True,
            )

    if month is None:
        month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    month = month.replace(day=1)
    found = existing_month()
    if found is not None:
        if found == month:
            log(f"the records of {month:%Y-%m} are present already")
            return 0.0, month
        sys.exit(f"the database holds the records of {found:%Y-%m}; use --force to rebuild")
    days = ((month + datetime.timedelta(days=32)).replace(day=1) - month).days

    def day():
        return month + datetime.timedelta(days=rng.randrange(days))

    version = ChecklistVersion.objects.order_by("-number").first()
    if version is None:
        sys.exit("no checklist version: the supervision migrations load it")
    items = list(
        ChecklistItem.objects.filter(version=version).order_by("position").values_list("id", "circle")
    )
    rng = random.Random(seed + 2)  # a stream of its own: the cadre dataset and the reports stay the same
    cadres = list(
        Cadre.objects.filter(status="serving")
        .order_by("supervising_path", "name_pinyin", "name", "birth_year", "position", "gender")
        .values_list("id", "supervising_grid_id", "supervising_path")
    )
    if not cadres:
        sys.exit("no cadres: generate the cadre dataset first (--cadres)")
    grids = list(Area.objects.filter(level=Level.GRID).order_by("path").values_list("id", "path"))
    townships = list(Area.objects.filter(level=Level.TOWNSHIP).order_by("path").values_list("id", "path"))
    counties = Area.objects.filter(level=Level.COUNTY).count()
    statuses, status_weights = weighted(CARD_STATUS_WEIGHTS)
    aspects = list(RegisterAspect.values)
    counts = {"cards": 0, "items": 0, "concerns": 0}

    with transaction.atomic():
        user = User(username=MONTH_USER, display_name="网格监督员")
        user.set_unusable_password()
        user.save()
        cards, lines = [], []

        def flush():
            SupervisionCard.objects.bulk_create(cards, batch_size=2000)
            CardItem.objects.bulk_create(lines, batch_size=5000)
            cards.clear()
            lines.clear()

        for cadre_id, grid_id, _path in cadres:
            status = rng.choices(statuses, status_weights)[0]
            sent = status in ("submitted", "reviewed")
            card = SupervisionCard(
                cadre_id=cadre_id,
                grid_id=grid_id,
                month=month,
                checklist_version=version,
                status=status,
                started_by=user,
            )
            concern = 0
            for item_id, _circle in items:
                if status == "draft" and rng.random() < 0.4:
                    rating, note = "", ""
                elif rng.random() < CONCERN_SHARE:
                    rating, note = "concern", rng.choice(CONCERN_NOTES)
                    concern += 1
                else:
                    rating, note = "normal", ""
                lines.append(CardItem(card=card, checklist_item_id=item_id, rating=rating, note=note))
            card.concern_count = concern
            if sent or status == "returned":
                at = timezone.make_aware(datetime.datetime.combine(day(), datetime.time(20, 0)))
                card.submitted_at, card.submitted_by = at, user
                if status == "reviewed":
                    card.reviewed_at, card.reviewed_by = at, user
            cards.append(card)
            counts["cards"] += 1
            counts["items"] += len(items)
            counts["concerns"] += concern if sent else 0
            if len(cards) == 2000:
                flush()
                log(f"cards: {counts['cards']}", progress=True)
        flush()
        log(
            f"cards: {counts['cards']}, items: {counts['items']}, of concern on sent cards: {counts['concerns']}"
        )

        entries = [
            RegisterEntry(
                cadre_id=cadre_id,
                grid_id=grid_id,
                aspect=rng.choice(aspects),
                recorded_on=day(),
                content=rng.choice(REGISTER_TEXTS),
                author=user,
            )
            for cadre_id, grid_id, _path in cadres
            if rng.random() < REGISTER_PER_CADRE
        ]
        RegisterEntry.objects.bulk_create(entries, batch_size=5000)
        circles, circle_weights = weighted((*CIRCLE_WEIGHTS, ("", 30)))
        diary = [
            DiaryEntry(
                grid_id=grid_id,
                author=user,
                visited_on=day(),
                place=rng.choice(DIARY_PLACES),
                heard=rng.choice(DIARY_TEXTS),
                circle=rng.choices(circles, circle_weights)[0],
            )
            for grid_id, _path in grids
            for _ in range(rng.randint(DIARY_PER_GRID - 2, DIARY_PER_GRID + 2))
        ]
        DiaryEntry.objects.bulk_create(diary, batch_size=5000)
        log(f"register entries: {len(entries)}, diary entries: {len(diary)}")

        reports = []
        channels, channel_weights = weighted(CHANNEL_WEIGHTS)
        report_circles, report_circle_weights = weighted(CIRCLE_WEIGHTS)
        findings, finding_weights = weighted(FINDING_WEIGHTS)
        for _ in range(round(len(cadres) * REPORTS_PER_CADRE)):
            cadre_id, grid_id, path = rng.choice(cadres)
            received = day()
            status = rng.choices(("received", "handling", "concluded", "closed"), (20, 50, 15, 15))[0]
            report = Report(
                received_on=received,
                channel=rng.choices(channels, channel_weights)[0],
                circle=rng.choices(report_circles, report_circle_weights)[0],
                subject_cadre_id=cadre_id,
                what=rng.choice(WHAT_WHO) + rng.choice(WHAT_DOES) + "。",
                grid_id=grid_id if rng.random() < 0.4 else None,
                supervising_path=path,
                routed_because="subject_grid",
                status=status,
                urgent=rng.random() < URGENT_SHARE,
                transfer_due=received + datetime.timedelta(days=7),
                acceptance_reply_due=received + datetime.timedelta(days=21),
                receipt_hash=receipt_hash("".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))),
            )
            if status != "received":
                report.accepted_on = received
                report.disposal, report.disposal_on = "preliminary", received
                report.verify_due = received + datetime.timedelta(days=21)
            if status in ("concluded", "closed"):
                report.finding = rng.choices(findings, finding_weights)[0]
                report.finding_on = min(
                    received + datetime.timedelta(days=rng.randint(3, 12)),
                    month + datetime.timedelta(days=days - 1),
                )
                report.result_reply_due = report.finding_on + datetime.timedelta(days=21)
            if status == "closed":
                report.result_replied_on = report.closed_on = report.finding_on
            reports.append(report)
        Report.objects.bulk_create(reports, batch_size=5000)
        matters = 0
        try:
            from gridwatch.monthly.models import UrgentMatter
        except ImportError:  # the monthly app is not there: no urgent matters
            UrgentMatter = None
        if UrgentMatter is not None:
            picked = [rng.choice(cadres) for _ in range(round(counties * URGENT_MATTERS_PER_COUNTY) or 1)]
            township_of = {path: pk for pk, path in townships}
            UrgentMatter.objects.bulk_create(
                UrgentMatter(
                    area_id=township_of[path[: path.index("/", path.index("/") + 1) + 1]],
                    cadre_id=cadre_id,
                    circle=rng.choice(report_circles),
                    title=rng.choice(URGENT_TITLES),
                    details="经初步了解，情况基本属实，已安排专人跟进。",
                    reported_by=user,
                    reported_at=timezone.make_aware(datetime.datetime.combine(day(), datetime.time(10, 0))),
                )
                for cadre_id, _grid, path in picked
            )
            matters = len(picked)
        log(f"reports: {len(reports)}, urgent matters: {matters}")
        JobMark.objects.create(key=f"{MONTH_MARK_PREFIX}{month.isoformat()}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"month {month:%Y-%m}: done in {elapsed:.1f}s")
    return elapsed, month


def main(argv=None):
    args = parse_args(argv)
    generate(args.cadres, seed=args.seed, force=args.force, phones=not args.no_phones, quiet=args.quiet)
    if args.reports:
        generate_reports(args.reports, seed=args.seed, quiet=args.quiet)
    if args.month:
        import datetime

        month = None if args.month == "last" else datetime.date.fromisoformat(args.month + "-01")
        generate_month(month, seed=args.seed, quiet=args.quiet)


if __name__ == "__main__":
    main()
