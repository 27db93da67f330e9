"""A meeting of another county: neither read nor corrected (404), and nothing is added to it."""

import pytest
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.dashboard.models import MeetingCorrection
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level

from .test_meetings import correction_data, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_county_meeting(county):
    other = geo.area_create(
        actor=None, code="522730000000", name="龙里县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    their_office = make_user("office_longli", role=Role.OFFICE, area=other)
    return record(their_office, other)


@pytest.mark.parametrize("persona", ["office", "county_officer"])
def test_it_answers_404_to_correct_or_read_another_countys_meeting(
    request, as_user, persona, other_county_meeting
):
    client = as_user(request.getfixturevalue(persona))
    correct = reverse("dashboard:meeting_correct", args=[other_county_meeting.pk])
    assert client.post(correct, correction_data("补充：另有两张监督卡逾期")).status_code == 404
    assert client.get(reverse("dashboard:meeting_detail", args=[other_county_meeting.pk])).status_code == 404
    assert not MeetingCorrection.objects.exists()
