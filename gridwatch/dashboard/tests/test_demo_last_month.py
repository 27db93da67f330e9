"""The demo county's last month: what the analysis pack shows by default (the last full month) to a commission
that opens it after ``make demo``, and how that month was written (on its own days, through the services)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridwatch.accounts.models import User
from gridwatch.audit.models import AuditEvent
from gridwatch.audit.services import verify_chain
from gridwatch.cases.models import Report
from gridwatch.cases.selectors import reports_for
from gridwatch.conftest import login, seeded_demo
from gridwatch.core.demo.generator import SHOWCASE_GRID
from gridwatch.dashboard.periods import last_full_month
from gridwatch.formal_warnings.models import WarningNotice
from gridwatch.people.models import DeclaredRelation

PACK = reverse("dashboard:pack")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield


def _period():
    return last_full_month(timezone.localdate())


def _last_month_reports():
    period = _period()
    return Report.objects.filter(received_on__gte=period.start, received_on__lt=period.end)


def _pack(client, username):
    login(client, User.objects.get(username=username))
    response = client.get(PACK)
    assert response.status_code == 200
    return response.context


@pytest.mark.usefixtures("demo")
class TestDemoLastMonth:
    @pytest.mark.parametrize("username", ["office", "county_staff"])
    def test_the_default_pack_shows_last_month_in_every_section(self, client, db, username):
        context = _pack(client, username)
        assert context["period_key"] == _period().key
        pack = context["pack"]
        cases = pack["cases"]
        assert 6 <= cases["received"] <= 10
        assert sum(1 for row in cases["by_township"] if row["n"]) >= 3
        assert cases["elsewhere"] >= 1  # the townships' own cadres go to the county (routing.py)
        assert sum(1 for n in cases["by_channel"].values() if n) >= 3
        assert sum(1 for n in cases["by_circle"].values() if n) >= 3
        assert cases["by_status"]["closed"] >= 3 and cases["by_status"]["handling"] >= 1
        assert cases["by_status"]["received"] >= 1
        findings = cases["findings"]
        assert findings["substantiated"] and findings["not_substantiated"] and findings["mistaken"]
        assert cases["concluded"] >= 3 and cases["clarifications"] >= 1
        (month,) = pack["monthly"]["months"]
        assert month["month"] == _period().key and month["on_time"] >= 1
        assert pack["monthly"]["urgent"] >= 1
        supervision = pack["supervision"]
        assert supervision["cards_total"] > 19  # the showcase grid's and a 广顺镇 grid's
        assert supervision["concerns"] >= 1 and supervision["diary"] >= 3
        assert supervision["inspections_total"] >= 2
        assert {"regular", "random"} <= {kind for kind, n in supervision["inspections"].items() if n}
        assert pack["warnings"]["in_force_now"] == 1

    def test_the_townships_see_their_own_share(self, client, db):
        for username, code in (("cz_jiwei", "522729001000"), ("gs_jiwei", "522729101000")):
            cases = _pack(client, username)["pack"]["cases"]
            assert [row["n"] for row in cases["by_township"] if row["code"] == code] != [0], username

    def test_it_wrote_last_month_on_its_own_days_with_the_chain_in_order(self, db):
        assert verify_chain().ok
        times = list(AuditEvent.objects.order_by("seq").values_list("at", flat=True))
        assert times == sorted(times)
        period = _period()
        start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(period.end, datetime.time.min))
        concluded = AuditEvent.objects.filter(action="report.conclude", at__gte=start, at__lt=end)
        assert concluded.count() == 4
        closed = _last_month_reports().filter(status="closed")
        assert closed.count() >= 3
        for report in closed:
            assert period.start <= report.finding_on <= report.result_replied_on <= report.closed_on
            assert report.closed_on < period.end
        verifying = _last_month_reports().get(status="handling")
        assert verifying.accepted_on < period.end and verifying.verify_due > verifying.accepted_on

    def test_it_respects_jurisdiction_and_recusal(self, db):
        reports = _last_month_reports().select_related("subject_cadre__unit")
        related = set(DeclaredRelation.objects.values_list("cadre_id", flat=True))
        county = User.objects.get(username="county_staff")
        assert reports_for(county).filter(pk__in=reports).count() == reports.count()
        for report in reports.exclude(subject_cadre=None):
            assert report.subject_cadre_id not in related
            assert report.subject_cadre.user_id is None
            assert report.grid is None or report.grid.code != SHOWCASE_GRID
            if report.subject_cadre.unit.kind == "township":  # one of the township's own: the county's
                assert report.supervising_path == report.subject_cadre.supervising_path.split("/", 1)[0] + "/"
            else:
                assert report.supervising_path == report.subject_cadre.supervising_path
        gs = User.objects.get(username="gs_jiwei")
        own = reports.filter(subject_cadre__unit__kind="township")
        assert own.exists() and not reports_for(gs).filter(pk__in=own).exists()

    def test_it_leaves_this_months_warning_notice_the_first_of_the_year(self, db):
        notice = WarningNotice.objects.get()
        assert notice.reference == f"YJ-{timezone.localdate().year}-0001"
        assert not _last_month_reports().filter(warning_proposed=True).exists()
