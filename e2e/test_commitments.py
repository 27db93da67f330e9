"""Commitments (亮承诺, R7) in a real browser at 375 px: the cadre writes and sends their commitments, the
community party organisation approves them, and the grid's public page shows them to anyone."""

import re

import pytest
from playwright.sync_api import expect

from gridwatch.accounts.roles import Role
from gridwatch.commitments.models import Commitment
from gridwatch.conftest import make_user

from .helpers import shoot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def community_org_a(community_a):
    return make_user("party_a", role=Role.COMMUNITY_ORG, area=community_a)


def test_it_takes_a_commitment_from_the_cadre_to_the_public_page(
    new_page, cadre_user, cadre_a, community_org_a, grid_a
):
    page = new_page(width=375)
    sign_in(page, cadre_user, next_path="/commitments/mine/")
    page.locator("main a[href='/commitments/new/']").click()
    page.wait_for_url(re.compile(r"/commitments/new/$"))
    page.locator("#id_items-0-content").fill("每季度参加社区志愿服务不少于2次")
    page.locator("#id_items-0-target").fill("全年不少于8次")
    page.locator("button[name=add_row]").click()
    expect(page.locator("#id_items-2-content")).to_be_visible()
    assert page.locator("#id_items-0-content").input_value() == "每季度参加社区志愿服务不少于2次"
    page.locator("#id_items-1-content").fill("带头开展垃圾分类宣传")
    page.locator("#id_items-1-target").fill("每半年组织1次入户宣传")
    shoot(page, "commitments-01-form")
    page.locator("button[name=then][value=submit]").click()
    page.wait_for_url(re.compile(r"/commitments/[0-9a-f-]{36}/$"))
    expect(page.locator(".page-head .badge")).to_have_text(re.compile("待审核|Awaiting review"))
    shoot(page, "commitments-02-sent")
    commitment = Commitment.objects.get(cadre=cadre_a)
    assert commitment.status == "submitted" and commitment.items.count() == 2

    reviewer = new_page(width=375)
    sign_in(reviewer, community_org_a, next_path="/commitments/")
    reviewer.locator(f"a[href='/commitments/{commitment.pk}/']").click()
    reviewer.wait_for_url(re.compile(r"/commitments/[0-9a-f-]{36}/$"))
    shoot(reviewer, "commitments-03-review")
    reviewer.locator(f"form[action='/commitments/{commitment.pk}/approve/'] button").click()
    expect(reviewer.locator(".page-head .badge")).to_have_text(re.compile("已公开|已发布|Published"))
    assert Commitment.objects.get(pk=commitment.pk).status == "published"

    public = new_page(width=375)
    public.goto(f"/commitments/grid/{grid_a.code}/")
    expect(public.locator("main")).to_contain_text("带头开展垃圾分类宣传")
    expect(public.locator("main")).to_contain_text(cadre_a.name)
    shoot(public, "commitments-04-public")
