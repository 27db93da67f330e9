"""The demo county's warning notices: what a person signing in with the demo logins finds."""

import pytest
from django.urls import reverse

from gridwatch.accounts.models import User
from gridwatch.audit.services import verify_chain
from gridwatch.conftest import login, seeded_demo
from gridwatch.formal_warnings.models import FollowUpKind, FollowUpStatus, NoticeStatus, WarningNotice


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield


@pytest.mark.usefixtures("demo")
class TestDemoWarnings:
    def test_it_issues_a_notice_from_the_proposed_finding(self, db):
        notice = WarningNotice.objects.get()
        assert notice.status == NoticeStatus.IN_FORCE and notice.ordinal == 1
        assert notice.report.warning_proposed
        education = notice.follow_ups.get()
        assert (education.kind, education.status) == (FollowUpKind.EDUCATION, FollowUpStatus.OPEN)
        assert verify_chain().ok

    def test_it_shows_the_office_the_notice_and_an_empty_queue(self, client, db):
        notice = WarningNotice.objects.get()
        login(client, User.objects.get(username="office"))
        assert notice.reference in client.get(reverse("formal_warnings:list")).content.decode()
        page = client.get(reverse("formal_warnings:proposals")).content.decode()
        assert reverse("formal_warnings:issue", args=[notice.report_id]) not in page
        assert client.get(reverse("formal_warnings:detail", args=[notice.pk])).status_code == 200
