"""A notification is opened only by the user it was sent to: another user's answers 404 and stays unread."""

import pytest
from django.urls import reverse

from gridwatch.accounts.services import notify

pytestmark = pytest.mark.django_db


def test_it_opens_ones_own_notification_and_answers_404_for_anothers(
    as_user, township_officer_a, township_officer_b
):
    notification = notify(user=township_officer_a, subject="催办", link="/cases/")
    url = reverse("accounts:notification_open", args=[notification.pk])

    assert as_user(township_officer_b).post(url).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None

    response = as_user(township_officer_a).post(url)
    assert response.status_code == 302 and response["Location"] == "/cases/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("link", ["https://example.com/", "//example.com/", "/\\example.com/"])
def test_it_does_not_follow_a_link_off_the_site(as_user, township_officer_a, link):
    notification = notify(user=township_officer_a, subject="x", link=link)
    response = as_user(township_officer_a).post(reverse("accounts:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:inbox")
