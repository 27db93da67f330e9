"""Democratic evaluation (民主测评, R8) in a real browser at 375 px: an evaluator opens the ballot from the QR
code's link, votes, and cannot vote again with the same code; after the county closes and publishes, the
community's public results page shows the results."""

import re

import pytest
from playwright.sync_api import expect

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.evaluations import services
from gridwatch.evaluations.models import BallotCount, Dimension, GroupKind

from .helpers import enrol_totp, shoot, sign_in

pytestmark = pytest.mark.e2e


def test_it_takes_a_ballot_from_the_qr_link_to_the_published_results(new_page, community_a, cadre_a, county):
    party = make_user("party_a", role=Role.COMMUNITY_ORG, area=community_a)
    county_staff = make_user("county_e2e", role=Role.COUNTY_STAFF, area=county)
    evaluation = services.evaluation_create(
        actor=party,
        community=community_a,
        year=2026,
        title="南场社区2026年度领导干部民主测评",
        scale="satisfaction",
        cadres=[cadre_a],
        groups=[(GroupKind.RESIDENTS, "1", 30)],
    )
    services.evaluation_open(actor=party, evaluation=evaluation)
    group = evaluation.groups.get()
    codes = services.codes_generate(actor=party, evaluation=evaluation, group=group, count=6)

    # The evaluator scans the slip: the code arrives after "#", never in a request.
    page = new_page(width=375)
    page.goto(f"/evaluations/ballot/#{codes[0]}")
    expect(page.locator("#id_code")).to_have_value(codes[0])
    assert "#" not in page.url
    shoot(page, "evaluations-01-code")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(cadre_a.name)
    for dimension in Dimension.values:
        page.locator(f"label:has(input[name='c-{cadre_a.pk}-{dimension}'][value=satisfied])").click()
    shoot(page, "evaluations-02-ballot")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(re.compile("Your ballot was cast|投票|已"))
    shoot(page, "evaluations-03-done")
    assert BallotCount.objects.get(cadre=cadre_a, dimension="community", option="satisfied").count == 1

    # The same code again: refused.
    page.goto("/evaluations/ballot/")
    page.locator("#id_code").fill(codes[0])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .msg.error")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(cadre_a.name)

    # Four more voters, then the county closes and publishes in the browser.
    for code in codes[1:5]:
        services.ballot_cast(
            code=code, choices={str(cadre_a.pk): {d: "basically_satisfied" for d in Dimension.values}}
        )
    staff = new_page(width=375)
    sign_in(staff, county_staff, device=enrol_totp(county_staff), next_path=f"/evaluations/{evaluation.pk}/")
    staff.locator(f"form[action='/evaluations/{evaluation.pk}/close/'] button").click()
    staff.locator(f"form[action='/evaluations/{evaluation.pk}/publish/'] button").click()
    expect(staff.locator(".page-head .badge")).to_have_text(re.compile("Published|公布|发布|公开"))
    shoot(staff, "evaluations-04-staff-results")

    public = new_page(width=375)
    public.goto(f"/evaluations/results/{community_a.code}/")
    expect(public.locator("main")).to_contain_text(cadre_a.name)
    expect(public.locator("main")).to_contain_text("100.0%")
    shoot(public, "evaluations-05-public")
