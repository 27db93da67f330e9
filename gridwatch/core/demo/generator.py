"""The demo county: real places of 长顺县, synthetic people, made with a fixed random seed.

Everything goes through the services a person would use (area_create, team_member_add, unit_create,
cadre_create, cadre_update, cadre_change_status, relation_declare, round_open, unit_submit, user_create,
role_grant, liaison_create, cadre_link_user, totp_device_confirm), so the audit chain, the cadres' files
and the R16 supervising grids come out exactly as in real use (about 16,000 queries: ~10 s of CPU for 830
cadres, so no bulk shortcuts). The whole demo is written in one transaction: either it is all there or
none of it is.

The demo has a past: the county is set up as of the start of the month before last, and last month's
reports, cases, cards, diary entries and inspections are written on the days they happened
(``make_last_month``, travelling with time-machine), so that the analysis pack's default period, the last
full month, has figures. What the demo logins find waiting is written on the day the demo is seeded.
"""

import base64
import functools
import hashlib
import hmac
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import data
from .names import make_picker

SEED = 20130522
DEMO_PASSWORD = "Demo#2026gw"
# The demo is there when its system administrator is.
MARKER_USERNAME = "sysadmin"
SHOWCASE_GRID = "522729001002001"  # 长寨街道 和平社区第1网格: the grid the demo logins look at
# Cadres are drawn in this order, never by their random primary keys: the same seed makes the same demo,
# and the sample reports, the declared relations and the cases handled fit together on every run.
CADRE_ORDER = ("name", "birth_year", "position", "supervising_grid__code")
LIAISON_TOWNSHIPS = ("522729101000", "522729104000")  # 广顺镇, 代化镇
SUBMITTING_UNITS = ("县财政局", "县教育局", "县审计局", "县统计局", "摆所镇党委、政府")


class DemoRefused(Exception):
    """The database is not one the demo may fill (production, or someone else's data)."""


@dataclass
class Login:
    role: str  # Role value
    role_zh: str
    username: str
    where: str = ""
    code: str = ""  # the area the role is held on, where it is not the county


@dataclass
class SeedResult:
    created: bool
    counts: dict = field(default_factory=dict)


def demo_present():
    from gridwatch.accounts.models import User

    return User.objects.filter(username=MARKER_USERNAME).exists()


def totp_key(username):
    """The demo's TOTP key for a user: derived from the seed, so the secret is the same on every run."""
    return hmac.new(str(SEED).encode(), f"totp:{username}".encode(), hashlib.sha256).digest()[:20].hex()


def base32_secret(hex_key):
    return base64.b32encode(bytes.fromhex(hex_key)).decode()


def login_plan():
    """Every demo login, in the order the table prints them."""
    from gridwatch.accounts.roles import Role

    plan = [
        Login(Role.COUNTY_STAFF, "县纪委工作人员", "county_staff", "长顺县"),
        Login(Role.SYSTEM_ADMIN, "系统管理员", "sysadmin", "长顺县"),
        Login(Role.SECURITY_ADMIN, "安全管理员", "secadmin", "长顺县"),
        Login(Role.AUDIT_ADMIN, "审计管理员", "auditadmin", "长顺县"),
        Login(Role.OFFICE, "领导小组办公室", "office", "长顺县"),
        Login(Role.LIAISON, "班子成员联系人", "liaison", "和平社区第1网格、广顺镇、代化镇"),
    ]
    for code, (short, unit, _template, _size) in data.TOWNSHIP_UNITS.items():
        plan.append(
            Login(Role.TOWNSHIP_STAFF, "乡镇（街道）纪委", f"{short}_jiwei", unit.split("党")[0], code)
        )
    plan += [
        Login(Role.COMMUNITY_ORG, "社区党组织", "heping_party", "和平社区"),
        Login(Role.GRID_LEADER, "网格长", "grid_leader", "和平社区第1网格"),
        Login(Role.GRID_DEPUTY, "网格副组长", "grid_deputy", "和平社区第1网格"),
        Login(Role.GRID_SUPERVISOR, "网格监督员", "grid_supervisor", "和平社区第1网格"),
        Login(Role.UNIT_LIAISON, "单位联络员", "finance_liaison", "县财政局"),
        Login(Role.CADRE, "干部", "cadre", "县财政局"),
    ]
    return plan


def seed(*, scale=1.0, out=None):
    """Create the demo county unless it is there. ``scale`` resizes the cadre registry (grids stay)."""
    if settings.PRODUCTION:
        raise DemoRefused("seed_demo refuses to run in production (GRIDWATCH_ENV=production).")
    if demo_present():
        return SeedResult(created=False)
    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre, Unit

    if Unit.objects.exists() or Cadre.objects.exists() or Area.objects.filter(level=Level.GRID).exists():
        raise DemoRefused(
            "This database already holds grids, units or cadres that are not the demo's; "
            "seed_demo only fills a database without them."
        )
    with transaction.atomic():
        counts = _Generator(random.Random(SEED), scale, out).run()
    return SeedResult(created=True, counts=counts)


DEPUTY_SUFFIXES = ("大队长", "股长", "主任", "所长", "站长", "局长", "科长", "组长", "书记")


def _deputy(post):
    """The deputy's post under a section head: 预算股股长 → 预算股副股长."""
    for suffix in DEPUTY_SUFFIXES:
        if post.endswith(suffix):
            return post[: -len(suffix)] + "副" + suffix
    return post + "副职"


class _Generator:
    def __init__(self, rng, scale, out):
        self.rng = rng
        self.scale = scale
        self.out = out or (lambda message: None)
        self.pick_name = make_picker(rng)
        self.phones = set()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.users = {}

    # -- helpers ---------------------------------------------------------------------------------
    def phone(self):
        while True:
            number = "138" + "".join(self.rng.choice("0123456789") for _ in range(8))
            if number not in self.phones:
                self.phones.add(number)
                return number

    def gender(self, male_share=0.65):
        return "male" if self.rng.random() < male_share else "female"

    def user(self, username, display_name, phone=""):
        from gridwatch.accounts.services import user_create

        user = user_create(actor=None, username=username, display_name=display_name, phone=phone)
        self.users[username] = user
        return user

    # -- the county ------------------------------------------------------------------------------
    def set_county_phone(self):
        """The county's supervision phone, shown by the public portal and the notice-board sheets where a
        grid has none: the discipline inspection and supervision hotline 12388 with 黔南州's area code."""
        from gridwatch.geography.models import Area, Level
        from gridwatch.geography.services import area_update

        county = Area.objects.get(level=Level.COUNTY)
        if not county.supervision_phone:
            area_update(actor=None, area=county, supervision_phone="0854-12388")

    def run(self):
        # time-machine is in the [test] extra, which ``make demo`` installs (pip install -e '.[test]'); it is
        # imported here only, so the application never needs it. The services date what they write with
        # ``timezone.now()``: travelling is how the demo's past gets its own dates, in its audit events too.
        import time_machine

        from gridwatch.geography.reference import load_reference

        # The county was set up at the start of the month before last and used through last month, which the
        # analysis pack shows by default; everything after ``make_last_month`` happens today. The past is
        # written first, so the audit chain's times run in the order of its sequence numbers.
        with time_machine.travel(self.set_up_at(), tick=True):
            areas = load_reference(actor=None)
            self.out(f"areas: {len(areas.created)} created from the reference file")
            self.set_county_phone()
            self.grids = self.make_grids()
            self.out(f"grids: {len(self.grids)}")
            self.make_teams()
            self.units = self.make_units()
            self.cadres = self.make_cadres()
            self.out(f"units: {len(self.units)}, cadres: {len(self.cadres)}")
            self.make_history()
            self.make_accounts()
            self.make_relations()
        self.make_last_month(time_machine)
        self.make_round()
        self.make_reports()
        self.make_diary()
        self.make_case_handling()
        # -- supervision: checklist and cards (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.supervision.demo_cards", fromlist=["seed"]).seed(self)
        # -- supervision: register and inspections (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.supervision.demo_register", fromlist=["seed"]).seed(self)
        # -- monthly: monthly reports and urgent matters (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.monthly.demo", fromlist=["seed"]).seed(self)
        # -- commitments (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.commitments.demo", fromlist=["seed"]).seed(self)
        # -- formal_warnings: warning notices (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.formal_warnings.demo", fromlist=["seed"]).seed(self)
        # -- evaluations (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.evaluations.demo", fromlist=["seed"]).seed(self)
        # -- portal: standards (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.portal.standards.demo", fromlist=["seed"]).seed(self)
        # -- portal: publicity (the demo seeding call of this part goes right below this line)
        __import__("gridwatch.portal.publicity.demo", fromlist=["seed"]).seed(self)
        from gridwatch.accounts.models import User

        User.objects.filter(pk__in=[u.pk for u in self.users.values()]).update(password=self.password_hash)
        # The reporters' anonymous actions of the days that are over go into the audit chain, as the periodic
        # job would have done each night (``audit_seal_tallies``).
        from gridwatch.audit.services import tallies_seal

        tallies_seal()
        return {
            "grids": len(self.grids),
            "units": len(self.units),
            "cadres": len(self.cadres),
            "users": len(self.users),
        }

    def make_grids(self):
        from gridwatch.geography.models import Area, Kind, Level
        from gridwatch.geography.reference import township_seats
        from gridwatch.geography.services import area_create

        plan = [(code, n) for code, n in data.GRIDS_PER_COMMUNITY.items() if n]
        plan += [(seat, 1) for seat in township_seats().values()]
        communities = {a.code: a for a in Area.objects.filter(code__in=[c for c, _ in plan])}
        grids = []
        for code, count in plan:
            community = communities[code]
            roads = data.ROADS.get(code)
            for n in range(1, count + 1):
                grids.append(
                    area_create(
                        actor=None,
                        code=f"{code}{n:03d}",
                        name=f"{community.name}第{n}网格",
                        level=Level.GRID,
                        kind=Kind.GRID,
                        parent=community,
                        description=self.grid_description(community, roads, n),
                        supervision_phone=f"0854-68{self.rng.randint(10000, 99999)}",
                    )
                )
        return grids

    def grid_description(self, community, roads, n):
        if not roads:
            office = "村委会" if community.kind == "village" else "居委会"
            return f"覆盖{community.name}{office}周边、{community.parent.name}人民政府驻地、集镇街道及附近村民组。"
        road = roads[(n - 1) % len(roads)]
        start = self.rng.randint(1, 40)
        end = start + self.rng.randint(30, 90)
        other = self.rng.choice([r for r in roads if r != road] or roads)
        estates = "、".join(self.rng.sample(data.ESTATES, 2))
        return f"覆盖{road}{start}—{end}号、{other}{self.rng.choice(['东段', '西段', '南段', '北段'])}、{estates}。"

    def make_teams(self):
        from gridwatch.geography.models import TeamRole
        from gridwatch.geography.services import team_member_add

        for grid in self.grids:
            showcase = grid.code == SHOWCASE_GRID
            supervisors = self.rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 4, 2, 1])[0]
            posts = [(TeamRole.LEADER, "leader"), (TeamRole.DEPUTY, "deputy")]
            posts += [(TeamRole.SUPERVISOR, f"s{i}") for i in range(1, supervisors + 1)]
            for role, suffix in posts:
                if showcase:
                    username = {
                        "leader": "grid_leader",
                        "deputy": "grid_deputy",
                        "s1": "grid_supervisor",
                    }.get(suffix, f"grid_supervisor{suffix[1:]}")
                else:
                    username = f"wg{grid.code}_{suffix}"
                note = self.rng.choice(data.TEAM_NOTES[role])
                if grid.parent.kind == "village" and role == TeamRole.LEADER:
                    note = "村党支部书记"
                user = self.user(username, self.pick_name(self.gender(0.55)), self.phone())
                team_member_add(actor=None, grid=grid, user=user, role=role, note=note)

    def make_units(self):
        from gridwatch.geography.models import Area, Level
        from gridwatch.people.services import unit_create

        county = Area.objects.get(level=Level.COUNTY)
        townships = {a.code: a for a in Area.objects.filter(level=Level.TOWNSHIP)}
        units = []
        for name, kind, template, size, sections in data.COUNTY_UNITS:
            units.append(
                (unit_create(actor=None, name=name, kind=kind, area=county), template, size, sections)
            )
        for code, (_short, name, template, size) in data.TOWNSHIP_UNITS.items():
            unit = unit_create(actor=None, name=name, kind="township", area=townships[code])
            villages = [a.name for a in townships[code].children.filter(kind="village")]
            sections = data.TOWNSHIP_SECTIONS + [f"驻{v}第一书记" for v in villages]
            units.append((unit, template, size, sections))
        for name, template, size, sections in data.INSTITUTIONS:
            units.append(
                (
                    unit_create(actor=None, name=name, kind="institution", area=county),
                    template,
                    size,
                    sections,
                )
            )
        return units

    def posts_for(self, template, size, sections):
        """(position, rank) for a unit of ``size`` cadres: leadership first, then section heads, then deputies."""
        posts = [(p, r) for p, r, n in data.LEADERSHIP[template] for _ in range(n)]
        if sections is not None:
            township = template in ("street", "town", "xiang")
            heads = list(dict.fromkeys(sections if township else data.GENERIC_SECTIONS + sections))
            posts += [(s, data.ST) for s in heads]
            posts += [(_deputy(s), data.ST) for s in heads if "第一书记" not in s]
        wanted = max(1, round(size * self.scale))
        return posts[:wanted]

    def residence(self, unit):
        seat = [g for g in self.grids if g.code.startswith("522729001")]
        if unit.kind == "township" and not unit.area.code.startswith("522729001") and self.rng.random() < 0.5:
            return self.rng.choice([g for g in self.grids if g.path.startswith(unit.area.path)])
        roll = self.rng.random()
        if roll < 0.8:
            return self.rng.choice(seat)
        if roll < 0.92:
            return self.rng.choice([g for g in self.grids if g.code.startswith("522729101")])
        return self.rng.choice(self.grids)

    BIRTH_YEARS = {
        data.DC: (1965, 1975),
        data.DD: (1965, 1980),
        data.SC: (1966, 1986),
        data.SD: (1968, 1990),
        data.ST: (1972, 1995),
    }

    def make_cadres(self):
        from gridwatch.geography.models import Area
        from gridwatch.people.services import unit_set_head

        showcase = Area.objects.get(code=SHOWCASE_GRID)
        cadres = []
        for unit, template, size, sections in self.units:
            head = None
            for i, (position, rank) in enumerate(self.posts_for(template, size, sections)):
                leader = rank in (data.DC, data.DD)
                low, high = self.BIRTH_YEARS[rank]
                grid = (
                    self.rng.choice([g for g in self.grids if g.code.startswith("522729001")])
                    if leader
                    else self.residence(unit)
                )
                if (
                    unit.name == "县财政局"
                    and position.endswith("副局长")
                    and not any(c.residence_grid_id == showcase.pk and c.unit_id == unit.pk for c in cadres)
                ):
                    grid = showcase  # the demo's cadre account lives in the showcase grid
                cadre = self._cadre(unit, position, rank, low, high, grid, leader)
                cadres.append(cadre)
                if i == 0:
                    head = cadre
            unit_set_head(actor=None, unit=unit, head=head)
        return cadres

    def _cadre(self, unit, position, rank, low, high, grid, leader):
        from gridwatch.people.services import cadre_create

        gender = self.gender(0.8 if leader else 0.62)
        return cadre_create(
            actor=None,
            name=self.pick_name(gender),
            gender=gender,
            birth_year=self.rng.randint(low, high),
            unit=unit,
            position=position,
            rank=rank,
            residence_grid=grid,
            phone=self.phone(),
        )

    def make_history(self):
        """Registry changes on some cadres, so their files show a history."""
        from gridwatch.people.services import cadre_change_status, cadre_update

        heads = {u.head_id for u, *_ in self.units}
        pool = [c for c in self.cadres if c.pk not in heads and c.residence_grid.code != SHOWCASE_GRID]
        chosen = self.rng.sample(pool, min(len(pool), 26))
        for cadre in chosen[:10]:
            cadre_update(actor=None, cadre=cadre, residence_grid=self.rng.choice(self.grids))
        for cadre in chosen[10:15]:
            cadre_update(actor=None, cadre=cadre, phone=self.phone())
        for cadre in chosen[15:20]:
            if cadre.rank == data.ST:
                cadre_update(actor=None, cadre=cadre, rank=data.SD)
        for cadre in chosen[20:26]:
            cadre_change_status(actor=None, cadre=cadre, status="transferred", note="调往州直单位任职")
        oldest = sorted((c for c in pool if c not in chosen), key=lambda c: (c.birth_year, c.pk))
        for cadre in oldest[:4]:
            cadre_change_status(actor=None, cadre=cadre, status="retired", note="到龄退休")

    # -- accounts ----------------------------------------------------------------------------------
    def make_accounts(self):
        from gridwatch.accounts.roles import TWO_FACTOR_ROLES, Role
        from gridwatch.accounts.services import role_grant, totp_device_confirm, totp_device_create
        from gridwatch.geography.models import Area, Level
        from gridwatch.geography.services import liaison_create
        from gridwatch.people.models import Cadre, Unit
        from gridwatch.people.services import cadre_link_user

        county = Area.objects.get(level=Level.COUNTY)
        showcase = Area.objects.get(code=SHOWCASE_GRID)
        finance = Unit.objects.get(name="县财政局")
        for login in login_plan():
            if login.username in self.users:  # grid team members exist already
                continue
            user = self.user(login.username, self.pick_name(self.gender()), self.phone())
            if login.role in (
                Role.COUNTY_STAFF,
                Role.SYSTEM_ADMIN,
                Role.SECURITY_ADMIN,
                Role.AUDIT_ADMIN,
                Role.OFFICE,
            ):
                role_grant(actor=None, user=user, role=login.role, area=county)
            elif login.role == Role.TOWNSHIP_STAFF:
                role_grant(actor=None, user=user, role=login.role, area=Area.objects.get(code=login.code))
            elif login.role == Role.COMMUNITY_ORG:
                role_grant(actor=None, user=user, role=login.role, area=showcase.parent)
            elif login.role == Role.UNIT_LIAISON:
                role_grant(actor=None, user=user, role=login.role, unit=finance)
            elif login.role == Role.LIAISON:
                liaison_create(
                    actor=None,
                    user=user,
                    area=showcase,
                    townships=Area.objects.filter(code__in=LIAISON_TOWNSHIPS),
                )
            elif login.role == Role.CADRE:
                cadre = (
                    Cadre.objects.filter(unit=finance, residence_grid=showcase).order_by(*CADRE_ORDER).first()
                    or Cadre.objects.filter(unit=finance).order_by(*CADRE_ORDER).last()
                )
                user.display_name = cadre.name
                user.save(update_fields=["display_name"])
                cadre_link_user(actor=None, cadre=cadre, user=user)
            if login.role == Role.SYSTEM_ADMIN:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            if login.role in TWO_FACTOR_ROLES:
                device = totp_device_create(user=user, name="demo")
                device.key = totp_key(user.username)
                device.save(update_fields=["key"])
                totp_device_confirm(user=user, device=device)

    def make_reports(self):
        """A few reports in the mailbox, two of them in the showcase grid (the grid supervisor has declared a
        relation to the first subject, so that report is hidden from them: recusal at work), and a township
        officer's message on the first."""
        from gridwatch.cases.models import Channel
        from gridwatch.cases.services import report_message_send, report_submit
        from gridwatch.geography.models import Area, Level
        from gridwatch.people.models import Cadre

        # Not the township's own cadres: a report on them goes to the county (routing.py), out of the
        # showcase grid and out of the township officer's sight.
        showcase = list(
            Cadre.objects.filter(status="serving", supervising_grid__code=SHOWCASE_GRID, user__isnull=True)
            .exclude(unit__kind="township")
            .select_related("supervising_grid")
            .order_by(*CADRE_ORDER)[:2]
        )
        others = list(
            Cadre.objects.filter(status="serving", user__isnull=True)
            .select_related("supervising_grid")
            .order_by(*CADRE_ORDER)
        )
        county = Area.objects.get(level=Level.COUNTY)
        self.demo_reports = []
        for i, (circle, what, when, where, named) in enumerate(REPORTS):
            cadre = showcase[i] if i < len(showcase) else self.rng.choice(others)
            report, _code = report_submit(
                actor=None,
                channel=Channel.WEB if i % 3 else Channel.HOTLINE,
                circle=circle,
                what=what,
                when=when,
                where=where,
                grid=cadre.supervising_grid,
                subject_cadre=cadre,
                reporter_name=self.pick_name(self.gender()) if named else "",
                reporter_phone=self.phone() if named else "",
                fallback_path=county.path,
            )
            self.demo_reports.append(report)
            if i == 0:
                report_message_send(
                    actor=self.users["cz_jiwei"],
                    report=report,
                    body="您好，已收到。请问大约几点开始？是否还有其他人在场？",
                )

    def make_case_handling(self):
        """Cases at each stage, handled through the services: the showcase grid's second report being
        verified by the township (acceptance told, a note, a due date); a report about the demo cadre found
        not substantiated, replied to and closed, with the cadre's request to clear their name (澄清正名)
        waiting for the county; and a partly substantiated finding proposed for a warning notice, which is
        in that cadre's file. No random draw."""
        from gridwatch.cases import clarifications, handling
        from gridwatch.cases.handling import ReplyWay
        from gridwatch.cases.models import Channel, Disposal, Finding, MessageKind
        from gridwatch.cases.selectors import reports_for
        from gridwatch.cases.services import report_submit
        from gridwatch.people.models import Cadre

        county_staff, township = self.users["county_staff"], self.users["cz_jiwei"]
        verifying = self.demo_reports[1]
        handling.report_assign(actor=township, report=verifying, handler=township)
        handling.report_dispose(
            actor=township,
            report=verifying,
            disposal=Disposal.PRELIMINARY,
            reason="反映内容具体，有时间地点，需初步核实。",
        )
        handling.report_reply(
            actor=township,
            report=verifying,
            reply=MessageKind.ACCEPTANCE,
            way=ReplyWay.MESSAGE,
            body="您反映的问题已受理，我们将在规定时限内核实，结果会在这里告诉您。",
        )
        handling.report_note_add(
            actor=township, report=verifying, body="已走访夜市摊主两名，均表示见过其饮酒，时间待核。"
        )

        cadre = Cadre.objects.select_related("supervising_grid").get(user=self.users["cadre"])
        cleared, _code = report_submit(
            actor=None,
            channel=Channel.WEB,
            circle="life",
            what="周末用公车接送家人去乡下老家。",
            when="上月中旬的周六",
            where="县城至长寨的公路",
            grid=cadre.supervising_grid,
            subject_cadre=cadre,
            fallback_path=cadre.supervising_path,
        )
        self._handle_to_close(
            county_staff,
            cleared,
            Disposal.TALK_LETTER,
            Finding.NOT_SUBSTANTIATED,
            "经调取车辆使用记录并谈话了解，当日所用车辆为其私家车，反映不属实。",
        )
        clarifications.clarification_request(
            actor=self.users["cadre"], report=cleared, reason="此事在单位有议论，希望在单位内予以澄清。"
        )

        # A report the county staff may handle: not about a cadre they are recused from.
        handleable = set(
            reports_for(county_staff)
            .filter(pk__in=[r.pk for r in self.demo_reports[2:]])
            .values_list("pk", flat=True)
        )
        others = [
            r for r in self.demo_reports[2:] if r.subject_cadre.unit.kind != "township" and r.pk in handleable
        ]
        adverse = others[-1]
        self._handle_to_close(
            county_staff,
            adverse,
            Disposal.PRELIMINARY,
            Finding.PARTLY,
            "经核实，其家属在小区公共绿地种菜属实，经社区劝导后已恢复；本人未及时劝阻。",
            warning_proposed=True,
        )

    def _handle_to_close(self, actor, report, disposal, finding, summary, warning_proposed=False):
        from gridwatch.cases import handling
        from gridwatch.cases.handling import ReplyWay
        from gridwatch.cases.models import MessageKind

        handling.report_assign(actor=actor, report=report, handler=actor)
        handling.report_dispose(actor=actor, report=report, disposal=disposal, reason="按程序处置。")
        handling.report_conclude(
            actor=actor, report=report, finding=finding, summary=summary, warning_proposed=warning_proposed
        )
        handling.report_reply(
            actor=actor,
            report=report,
            reply=MessageKind.RESULT,
            way=ReplyWay.MESSAGE,
            body="经核查，" + summary + " 感谢您对干部作风监督工作的支持。",
        )
        handling.report_close(actor=actor, report=report)

    def make_diary(self):
        """The sentiment diary (R14) of the showcase grid's team over the last five weeks, and one entry in
        广顺镇. The grid leader turned one entry into a case; one is about the cadre the grid supervisor
        declared a relation to, so it is hidden from them (recusal). No random draw: the rest of the demo
        stays as it was."""
        from gridwatch.geography.models import Area
        from gridwatch.people.models import Cadre, DeclaredRelation
        from gridwatch.supervision.services import diary_entry_create, diary_entry_to_case

        showcase = Area.objects.get(code=SHOWCASE_GRID)
        related = DeclaredRelation.objects.filter(user=self.users["grid_supervisor"]).values("cadre_id")
        serving = Cadre.objects.filter(status="serving", supervising_grid=showcase, user__isnull=True)
        # By name (ids are random), and of county units: a case about a township's own cadre goes to the
        # county, out of the grid team's sight, and the demo shows the team following its own case.
        cadres = list(
            serving.exclude(id__in=related).exclude(unit__kind="township").order_by("name_pinyin", "id")[:2]
        )
        cadres += [None] * (2 - len(cadres))
        about = {"first": cadres[0], "second": cadres[1], "related": serving.filter(id__in=related).first()}
        today = timezone.localdate()
        for username, days_ago, place, people_met, heard, circle, cadre in DIARY:
            entry = diary_entry_create(
                actor=self.users[username],
                grid=showcase,
                visited_on=today - timedelta(days=days_ago),
                place=place,
                people_met=people_met,
                heard=heard,
                circle=circle,
                cadre=about.get(cadre),
            )
            if cadre == "first" and entry.cadre is not None:
                diary_entry_to_case(actor=self.users["grid_leader"], entry=entry)
        guangshun = min((g for g in self.grids if g.code.startswith("522729101")), key=lambda g: g.code)
        diary_entry_create(
            actor=self.users[f"wg{guangshun.code}_s1"],
            grid=guangshun,
            visited_on=today - timedelta(days=4),
            place="南场社区农贸市场",
            people_met="市场管理员、摊贩三人",
            heard="摊贩反映市场周边停车难，赶集日常有车辆堵塞通道；对网格员定期走访表示欢迎。",
            circle="",
            cadre=None,
        )

    def make_relations(self):
        """Relations declared by four users (recusal at work): made with the accounts, before any report."""
        from gridwatch.people.models import Cadre
        from gridwatch.people.services import relation_declare

        cadres = list(
            Cadre.objects.filter(status="serving")
            .select_related("unit", "residence_grid")
            .order_by(*CADRE_ORDER)
        )
        showcase_cadres = [
            c
            for c in cadres
            if c.residence_grid.code == SHOWCASE_GRID and c.user_id is None and c.unit.kind != "township"
        ]
        gs_cadres = [c for c in cadres if c.unit.name.startswith("广顺镇")]
        relations = [
            ("grid_supervisor", showcase_cadres[0] if showcase_cadres else cadres[1], "kin", "堂兄弟"),
            ("gs_jiwei", gs_cadres[min(3, len(gs_cadres) - 1)], "spouse", "配偶"),
            ("county_staff", cadres[len(cadres) // 4], "associate", "大学同学，往来密切"),
            ("heping_party", cadres[len(cadres) // 2], "in_law", "姻亲"),
        ]
        for username, cadre, kind, note in relations:
            relation_declare(
                actor=self.users[username], user=self.users[username], cadre=cadre, kind=kind, note=note
            )

    def make_round(self):
        """This year's collection round, open, with some units' forms in."""
        from gridwatch.people.services import round_open, unit_submit

        today = timezone.localdate()
        rnd = round_open(
            actor=self.users["county_staff"],
            title=f"{today.year}年度领导干部信息采集",
            deadline=today + timedelta(days=14),
        )
        from gridwatch.people.models import Unit

        for name in SUBMITTING_UNITS:
            unit = Unit.objects.get(name=name)
            actor = self.users["finance_liaison"] if name == "县财政局" else self.users["county_staff"]
            unit_submit(actor=actor, round=rnd, unit=unit)

    # -- the past ----------------------------------------------------------------------------------
    @staticmethod
    def month_days(first):
        """The working days of the month beginning on ``first``, in order."""
        from gridwatch.core.workdays import is_working_day

        days, day = [], first
        while day.month == first.month:
            if is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def set_up_at(self):
        """When the county was set up: 09:00 on the first working day of the month before last."""
        today = timezone.localdate()
        last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        before = (last - timedelta(days=1)).replace(day=1)
        return self._at(self.month_days(before)[0], "09:00")

    @staticmethod
    def _at(day, hhmm):
        hour, minute = (int(part) for part in hhmm.split(":"))
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def last_month_at(self, day, hhmm):
        """The moment ``hhmm`` (Beijing time) of working day ``day`` of last month (1: the first, -1: the
        last); a day past the month's last working day is its last."""
        days = self.last_month_days
        index = day - 1 if day > 0 else len(days) + day
        return self._at(days[max(0, min(index, len(days) - 1))], hhmm)

    def make_last_month(self, time_machine):
        """Last month as the county lived it, each step through its service on its own day and time
        (``time_machine.travel``, no tick): eight reports across the townships and channels and their
        handling (data.LAST_MONTH_REPORTS: four findings, one of them cleared by a clarification, a duplicate,
        a report passed on, one still being verified and one waiting for triage), a township's urgent matter,
        diary entries, supervision cards of a 广顺镇 grid and two inspections. The steps of every part are
        put in the order of their times and played in that order, so that no audit event is dated before
        the one it follows. No draw from ``self.rng``: the rest of the demo stays as it was."""
        from gridwatch.supervision import demo_cards, demo_register

        today = timezone.localdate()
        self.last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self.last_month_days = self.month_days(self.last_month)
        steps = self.last_month_cases() + self.last_month_diary()
        steps += demo_cards.last_month_steps(self)
        steps += demo_register.last_month_steps(self)
        if not steps:
            return
        steps.sort(key=lambda step: step[0])  # stable: steps at the same moment keep their order
        with time_machine.travel(steps[0][0], tick=False) as traveller:
            for at, step in steps:
                traveller.move_to(at)
                step()
        self.out(
            f"last month ({self.last_month:%Y-%m}): {len(steps)} steps, {len(self.last_month_reports)} reports"
        )

    def last_month_subjects(self):
        """The subject cadre of each report of ``data.LAST_MONTH_REPORTS`` that names one, by key: a serving
        cadre without an account, supervised in the township (one of its own where ``own``; otherwise of a
        county unit, outside the showcase grid), whom no demo user declared a relation to; section-level
        leaders first, then by ``CADRE_ORDER``. A report without a candidate is left out."""
        from django.db.models import Case, IntegerField, Value, When

        from gridwatch.geography.models import Area
        from gridwatch.people.models import Cadre, DeclaredRelation

        townships = {
            a.code: a for a in Area.objects.filter(code__in={r["township"] for r in data.LAST_MONTH_REPORTS})
        }
        leaders_first = Case(
            When(rank__in=[data.SC, data.SD], then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        chosen = {}
        for spec in data.LAST_MONTH_REPORTS:
            if "same_as" in spec:
                if spec["same_as"] in chosen:
                    chosen[spec["key"]] = chosen[spec["same_as"]]
                continue
            if "subject_name" in spec:
                continue
            township = townships[spec["township"]]
            pool = (
                Cadre.objects.filter(
                    status="serving", user__isnull=True, supervising_path__startswith=township.path
                )
                .exclude(supervising_grid__code=SHOWCASE_GRID)
                .exclude(id__in=DeclaredRelation.objects.values("cadre_id"))
                .exclude(pk__in=[c.pk for c in chosen.values()])
                .exclude(pk__in=[u.head_id for u, *_ in self.units if u.head_id])
            )
            if spec.get("own"):
                pool = pool.filter(unit__kind="township", unit__area=township)
            else:
                pool = pool.exclude(unit__kind="township")
            cadre = (
                pool.select_related("supervising_grid", "unit").order_by(leaders_first, *CADRE_ORDER).first()
            )
            if cadre is not None:
                chosen[spec["key"]] = cadre
        return chosen

    def last_month_cases(self):
        """The steps of last month's reports, urgent matter and clarification: ``[(moment, call), ...]``."""
        from gridwatch.cases.services import report_submit
        from gridwatch.geography.models import Area, Level

        county = Area.objects.get(level=Level.COUNTY)
        subjects = self.last_month_subjects()
        self.last_month_reports = made = {}
        steps = []
        for spec in data.LAST_MONTH_REPORTS:
            cadre = subjects.get(spec["key"])
            if cadre is None and "subject_name" not in spec:
                continue
            if "subject_name" in spec:
                grid = Area.objects.get(code=spec["grid"])
            else:
                grid = cadre.supervising_grid
            reporter = spec["reporter"] or ("", "")

            def submit(spec=spec, cadre=cadre, grid=grid, reporter=reporter):
                made[spec["key"]], _code = report_submit(
                    actor=self.users[spec["intake"]] if spec["intake"] else None,
                    channel=spec["channel"],
                    circle=spec["circle"],
                    what=spec["what"],
                    when=spec["when"],
                    where=spec["where"],
                    grid=grid,
                    subject_cadre=cadre,
                    subject_name=spec.get("subject_name", ""),
                    subject_unit_text=spec.get("subject_unit_text", ""),
                    reporter_name=reporter[0],
                    reporter_phone=reporter[1],
                    fallback_path=county.path,
                )

            steps.append((self.last_month_at(*spec["received"]), submit))
            for day, hhmm, username, step, details in spec["steps"]:
                call = functools.partial(
                    LAST_MONTH_STEPS[step], self, made, spec["key"], self.users[username], **details
                )
                steps.append((self.last_month_at(day, hhmm), call))
        steps += self.last_month_urgent(subjects)
        return steps

    def last_month_urgent(self, subjects):
        from gridwatch.geography.models import Area
        from gridwatch.monthly.services import urgent_matter_acknowledge, urgent_matter_create

        steps = []
        for day, hhmm, username, code, circle, title, details, about, acknowledged in data.LAST_MONTH_URGENT:
            matter = {}

            def create(
                username=username,
                code=code,
                circle=circle,
                title=title,
                details=details,
                about=about,
                matter=matter,
            ):
                matter["it"] = urgent_matter_create(
                    actor=self.users[username],
                    area=Area.objects.get(code=code),
                    circle=circle,
                    title=title,
                    details=details,
                    cadre=subjects.get(about),
                )

            def acknowledge(matter=matter):
                urgent_matter_acknowledge(actor=self.users["county_staff"], matter=matter["it"])

            steps.append((self.last_month_at(day, hhmm), create))
            steps.append((self.last_month_at(*acknowledged), acknowledge))
        return steps

    def last_month_diary(self):
        """Diary entries of grid supervisors outside the showcase grid, on the days of their visits."""
        from gridwatch.geography.models import Area
        from gridwatch.supervision.services import diary_entry_create

        steps = []
        for day, hhmm, code, place, people_met, heard, circle in data.LAST_MONTH_DIARY:
            username = f"wg{code}_s1"
            if username not in self.users:
                continue

            def write(
                username=username, code=code, place=place, people_met=people_met, heard=heard, circle=circle
            ):
                diary_entry_create(
                    actor=self.users[username],
                    grid=Area.objects.get(code=code),
                    visited_on=timezone.localdate(),
                    place=place,
                    people_met=people_met,
                    heard=heard,
                    circle=circle,
                )

            steps.append((self.last_month_at(day, hhmm), write))
        return steps


# The steps of ``data.LAST_MONTH_REPORTS``: each takes the generator, the reports made so far (by key), the
# report's key and the acting user, and calls one service (the acceptance assigns the handler first).
def _accept(gen, made, key, actor, *, disposal, reason):
    from gridwatch.cases import handling

    report = handling.report_assign(actor=actor, report=made[key], handler=actor)
    made[key] = handling.report_dispose(actor=actor, report=report, disposal=disposal, reason=reason)


def _reply(gen, made, key, actor, *, reply, way, body):
    from gridwatch.cases import handling

    made[key] = handling.report_reply(
        actor=actor, report=made[key], reply=reply, way=way, body=body, given_on=timezone.localdate()
    )


def _note(gen, made, key, actor, *, body):
    from gridwatch.cases import handling

    handling.report_note_add(actor=actor, report=made[key], body=body)


def _conclude(gen, made, key, actor, *, finding, summary):
    from gridwatch.cases import handling

    made[key] = handling.report_conclude(actor=actor, report=made[key], finding=finding, summary=summary)


def _close(gen, made, key, actor):
    from gridwatch.cases import handling

    made[key] = handling.report_close(actor=actor, report=made[key])


def _duplicate(gen, made, key, actor, *, of, reason):
    from gridwatch.cases import triage

    made[key] = triage.report_mark_duplicate(actor=actor, report=made[key], original=made[of], reason=reason)


def _transfer(gen, made, key, actor, *, to, reason):
    from gridwatch.cases import triage

    made[key] = triage.report_transfer(actor=actor, report=made[key], to_body=to, reason=reason)


def _urgent(gen, made, key, actor):
    from gridwatch.cases import triage

    made[key] = triage.report_triage(actor=actor, report=made[key], urgent=True)


def _propose_clarification(gen, made, key, actor, *, scope, reason):
    from gridwatch.cases import clarifications

    clarifications.clarification_propose(actor=actor, report=made[key], reason=reason, scope=scope)


def _approve_clarification(gen, made, key, actor, *, scope, on, note):
    from gridwatch.cases import clarifications
    from gridwatch.cases.models import Clarification

    clarifications.clarification_approve(
        actor=actor,
        clarification=Clarification.objects.get(report=made[key], status="proposed"),
        scope=scope,
        clarified_on=gen.last_month_at(on, "09:00").date(),
        note=note,
    )


LAST_MONTH_STEPS = {
    "accept": _accept,
    "reply": _reply,
    "note": _note,
    "conclude": _conclude,
    "close": _close,
    "duplicate": _duplicate,
    "transfer": _transfer,
    "urgent": _urgent,
    "propose_clarification": _propose_clarification,
    "approve_clarification": _approve_clarification,
}


REPORTS = [
    # (circle, what, when, where, named)
    (
        "social",
        "经常在小区棋牌室打麻将到深夜，输赢较大，邻居都知道。",
        "近两个月的周末",
        "小区活动中心二楼",
        False,
    ),
    (
        "life",
        "工作日晚上多次在夜宵摊饮酒，喝多后大声喧哗，影响居民休息。",
        "上周三、周五晚上",
        "步行街夜市",
        False,
    ),
    ("family", "其子女结婚时大操大办，宴请八十余桌，收受礼金。", "今年五月", "县城某酒店", True),
    ("public_welfare", "社区组织志愿服务时从不参加，还劝阻家属参加。", "近半年", "本社区", False),
    ("social", "与辖区内一名老板往来频繁，多次由对方安排吃饭。", "今年以来", "城郊农家乐", True),
    ("life", "公车停放在自家小区，周末开车外出钓鱼。", "上个周末", "小区地下车库", False),
    ("other", "邻里纠纷中态度蛮横，以身份压人。", "本月初", "单元楼下", False),
    ("family", "家属在小区内占用公共绿地种菜，劝说不听。", "近一年", "小区北侧绿地", False),
]


# The showcase grid's sentiment diary: (author, days ago, place, whom, what was heard, circle, about).
DIARY = [
    (
        "grid_supervisor",
        3,
        "和平社区3号楼前广场",
        "两位退休居民（未留姓名）",
        "居民反映夜间有车辆长期占用消防通道，物业劝阻无效，希望社区出面协调。",
        "",
        None,
    ),
    (
        "grid_leader",
        6,
        "和平社区居委会",
        "楼栋长一人、居民代表三人",
        "座谈中有居民反映，该干部近两个月周末常在小区棋牌室打牌到深夜，输赢较大，邻居碍于其身份不便当面提。",
        "social",
        "first",
    ),
    (
        "grid_leader",
        9,
        "和平社区5号楼",
        "同单元住户两人",
        "住户反映该干部家属在楼下公共绿地私搭棚子堆放杂物，经劝说仍未拆除。",
        "family",
        "related",
    ),
    (
        "grid_deputy",
        12,
        "惠民菜市场",
        "摊主两人、买菜的居民若干",
        "居民对该干部评价较好，称其周末经常参加社区志愿服务，带头清理楼道杂物。",
        "public_welfare",
        "second",
    ),
    (
        "grid_leader",
        18,
        "和平社区老年活动中心",
        "老年协会会长及会员十余人",
        "老人们对网格走访和政策宣传表示满意，希望增加健身器材，并建议在公开栏张贴监督电话。",
        "",
        None,
    ),
    (
        "grid_supervisor",
        35,
        "锦顺路与和平路交叉口",
        "出租车司机一人",
        "反映晚饭时段有公务车辆停在餐馆门口，未看清车牌，已提醒其今后留意并及时反映。",
        "life",
        None,
    ),
]


def logins():
    """(login, TOTP secret or "") for every demo login that exists, in the table's order."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gridwatch.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=[p.username for p in login_plan()])}
    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)}
    rows = []
    for login in login_plan():
        user = users.get(login.username)
        if user is None:
            continue
        device = devices.get(user.pk)
        rows.append((login, base32_secret(device.key) if device else ""))
    return rows
