"""The demo county (seed_demo): what a person who runs ``make demo`` finds and signs in with."""

import base64
import re
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridwatch.accounts.jurisdiction import scope_for
from gridwatch.accounts.models import User
from gridwatch.accounts.roles import TWO_FACTOR_ROLES, Role
from gridwatch.audit.models import AuditEvent
from gridwatch.audit.services import verify_chain
from gridwatch.conftest import seeded_demo
from gridwatch.core.demo import DEMO_PASSWORD, DemoRefused, seed
from gridwatch.core.demo.generator import login_plan, totp_key
from gridwatch.geography.models import Area, Level, TeamRole
from gridwatch.people.models import Cadre, CadreFileEntry, CollectionRound, DeclaredRelation, Rank, Unit

ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


def _this_month():
    return timezone.localdate().replace(day=1)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Area, User, Unit, Cadre, CadreFileEntry, AuditEvent)
    }


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The full demo, seeded once for the class and rolled back after it."""
    with seeded_demo(django_db_blocker, tmp_path_factory) as out:
        yield out


@pytest.mark.usefixtures("demo_output")
class TestFullDemo:
    def test_it_divides_the_county_into_at_least_60_grids_with_full_supervision_groups(self, db):
        grids = list(Area.objects.filter(level=Level.GRID).prefetch_related("team_members"))
        assert len(grids) >= 60
        for grid in grids:
            roles = [m.role for m in grid.team_members.all()]
            assert roles.count(TeamRole.LEADER) == 1, grid
            assert roles.count(TeamRole.DEPUTY) == 1, grid
            assert 1 <= roles.count(TeamRole.SUPERVISOR) <= 5, grid
            assert grid.description and grid.supervision_phone, grid
            assert re.fullmatch(r"\d{15}", grid.code) and grid.code.startswith(grid.parent.code)

    def test_it_gives_the_county_the_supervision_hotline_for_the_public_portal(self, db):
        assert Area.objects.get(level=Level.COUNTY).supervision_phone == "0854-12388"

    def test_it_names_grids_after_their_community_and_places_one_grid_at_each_township_seat(self, db):
        assert Area.objects.get(code="522729001002001").name == "和平社区第1网格"
        for seat in ("522729103001", "522729104001", "522729105001", "522729106001", "522729209200"):
            assert Area.objects.filter(level=Level.GRID, parent__code=seat).count() == 1
        townships = Area.objects.filter(level=Level.TOWNSHIP)
        assert all(Area.objects.filter(level=Level.GRID, path__startswith=t.path).exists() for t in townships)

    def test_it_has_at_least_40_units_each_headed_by_one_of_its_own_cadres(self, db):
        units = list(Unit.objects.select_related("head", "area"))
        assert len(units) >= 40
        for unit in units:
            assert unit.head is not None and unit.head.unit_id == unit.pk, unit
        township_units = [u for u in units if u.kind == "township"]
        assert len(township_units) == 7
        assert {u.area.level for u in township_units} == {Level.TOWNSHIP}
        assert Unit.objects.get(name="县财政局").head.position == "党组书记、局长"

    def test_it_registers_at_least_800_plausible_cadres(self, db):
        cadres = list(Cadre.objects.select_related("unit", "residence_grid", "supervising_grid"))
        assert len(cadres) >= 800
        assert len({c.name for c in cadres}) == len(cadres)
        assert all(1965 <= c.birth_year <= 1995 and c.phone.startswith("138") for c in cadres)
        assert 0 < sum(c.rank == Rank.DEPARTMENT_CHIEF for c in cadres) <= 6
        in_county_seat = sum(c.residence_grid.code.startswith("522729001") for c in cadres)
        assert in_county_seat > len(cadres) / 2
        assert {"transferred", "retired"} <= {c.status for c in cadres}
        # R16: a township's cadre living in the county seat is supervised in the township.
        commuter = next(
            c
            for c in cadres
            if c.unit.name == "广顺镇党委、政府" and c.residence_grid.code.startswith("522729001")
        )
        assert commuter.supervising_grid.code.startswith("522729101")

    def test_it_gives_every_cadre_a_file_and_some_a_history(self, db):
        assert not Cadre.objects.filter(file_entries__isnull=True).exists()
        changed = CadreFileEntry.objects.filter(title="Registry data changed")
        assert changed.values("cadre").distinct().count() >= 10

    def test_it_opens_a_collection_round_with_some_units_submitted(self, db):
        rnd = CollectionRound.objects.get()
        assert rnd.status == "open"
        assert 3 <= rnd.submissions.count() < Unit.objects.count()
        assert DeclaredRelation.objects.count() >= 3

    def test_it_creates_a_user_for_every_role(self, db):
        roles = set()
        for login in login_plan():
            roles |= scope_for(User.objects.get(username=login.username)).roles
        assert roles == set(Role)
        for township in Area.objects.filter(level=Level.TOWNSHIP):
            holders = User.objects.filter(
                role_assignments__role=Role.TOWNSHIP_STAFF, role_assignments__area=township
            )
            assert holders.count() == 1, township
        assert User.objects.get(username="gs_jiwei").role_assignments.get().area.name == "广顺镇"
        assert all(u.has_usable_password() for u in User.objects.all())
        assert User.objects.get(username="sysadmin").is_staff
        assert not User.objects.get(username="auditadmin").is_staff

    def test_it_gives_two_factor_staff_a_confirmed_device_with_the_printed_secret(self, db, demo_output):
        for login in login_plan():
            user = User.objects.get(username=login.username)
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if scope_for(user).roles & TWO_FACTOR_ROLES:
                assert devices.count() == 1, login.username
                assert devices.get().key == totp_key(login.username)
                secret = base64.b32encode(bytes.fromhex(devices.get().key)).decode()
                assert re.search(
                    rf"\b{login.username}\s+{re.escape(DEMO_PASSWORD)}\s+{secret}\b", demo_output
                )
            else:
                assert not devices.exists(), login.username

    def test_it_prints_the_login_table(self, db, demo_output):
        assert "Demo county created" in demo_output
        for login in login_plan():
            assert login.username in demo_output
        assert "县纪委工作人员 / County commission staff" in demo_output

    def test_it_lets_a_county_officer_sign_in_with_the_printed_password_and_secret(
        self, db, client, settings
    ):
        settings.PASSWORD_HASHERS = ARGON2
        response = client.post(
            reverse("accounts:login"), {"username": "county_staff", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302
        device = TOTPDevice.objects.get(user__username="county_staff")
        code = f"{TOTP(device.bin_key).token():06d}"
        response = client.post(reverse("accounts:otp_verify"), {"token": code})
        assert response.status_code == 302
        assert client.get(reverse("people:cadre_list")).status_code == 200

    def test_it_creates_nothing_on_a_second_run(self, db):
        before = _counts()
        out = StringIO()
        call_command("seed_demo", stdout=out)
        assert _counts() == before
        assert "already in place" in out.getvalue()
        assert "gs_jiwei" in out.getvalue()

    def test_it_keeps_the_audit_chain_intact(self, db):
        assert verify_chain().ok

    def test_it_prints_the_logins_as_markdown_for_the_readme(self, db):
        out = StringIO()
        call_command("print_demo_logins", "--markdown", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0].startswith("| Role | Username")
        assert any("`bs_jiwei`" in line for line in lines)


def test_it_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())
    assert not Area.objects.exists()


def test_it_refuses_a_database_holding_other_units(unit_a):
    with pytest.raises(DemoRefused):
        seed()
    assert not Cadre.objects.exists() and not Area.objects.filter(level=Level.GRID).exists()


def test_the_demo_password_passes_the_password_policy():
    validate_password(DEMO_PASSWORD)


@pytest.mark.usefixtures("demo_output")
class TestDemoMailbox:
    def test_it_fills_the_mailbox_and_shows_recusal_in_the_showcase_grid(self, db):
        from gridwatch.accounts.models import User
        from gridwatch.cases.models import Report, ReporterIdentity
        from gridwatch.cases.selectors import reports_for

        # The grid team's own report (a sentiment diary entry turned into a case) is not the mailbox's; last
        # month's reports are the analysis pack's (test_demo_last_month.py).
        mailbox = Report.objects.exclude(channel="supervisor").filter(received_on__gte=_this_month())
        # Eight sample reports and the one about the demo cadre (found not substantiated).
        assert mailbox.count() == 9
        assert ReporterIdentity.objects.filter(report__in=mailbox).count() == 2
        supervisor = User.objects.get(username="grid_supervisor")
        # The two sample reports of the showcase grid (the demo cadre's own case aside).
        in_grid = mailbox.filter(grid__code="522729001002001", subject_cadre__user__isnull=True)
        assert in_grid.count() == 2
        # The supervisor declared a relation to the first subject: that report is not theirs to see.
        assert reports_for(supervisor).filter(pk__in=in_grid).count() == 1

    def test_it_shows_cases_at_each_stage(self, db):
        """One report being verified by the township, two closed after their result reply; the demo cadre
        reads their cleared finding and waits for the county on their request to clear their name; a partly
        substantiated finding is in its cadre's file."""
        from gridwatch.accounts.models import User
        from gridwatch.cases.models import Clarification, Report
        from gridwatch.people.models import CadreFileEntry

        reports = Report.objects.filter(received_on__gte=_this_month())
        statuses = sorted(reports.exclude(status="received").values_list("status", flat=True))
        assert statuses == ["closed", "closed", "handling"]
        handling = reports.get(status="handling")
        assert (
            handling.verify_due and handling.acceptance_replied_on and handling.handler.username == "cz_jiwei"
        )
        cadre_user = User.objects.get(username="cadre")
        clarification = Clarification.objects.get(report__in=reports)
        assert clarification.status == "requested" and clarification.cadre.user == cadre_user
        assert clarification.report.finding == "not_substantiated"
        assert not Clarification.objects.filter(cadre__user=cadre_user).exclude(pk=clarification.pk).exists()
        partly = reports.get(finding="partly")
        assert partly.warning_proposed
        assert CadreFileEntry.objects.filter(cadre=partly.subject_cadre, kind="finding").count() == 1
