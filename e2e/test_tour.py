"""A screenshot pass over every page a signed-in person can open without parameters (whatever apps exist
now), plus the pages with a cadre or an area in the URL, at 375 and 1280 px. Each page must answer without a
server error, with no console error or CSP violation, no inline script or style, no sideways scrolling and
no tap target under 44 px on a phone. The screenshots land in e2e/screenshots/tour-*.png for review."""

import base64
import re

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django_otp.oath import totp

from gridwatch.accounts.roles import Role
from gridwatch.accounts.services import notify
from gridwatch.conftest import make_cadre, make_user
from gridwatch.geography.models import GridTeamMember

from .helpers import PASSWORD, enrol_totp, shoot, sign_in

pytestmark = pytest.mark.e2e

# Downloads, sign-in steps and machine endpoints are not pages to look at.
SKIP = re.compile(
    r"(^|:)(api|admin)(:|$)|export|download|logout|login|otp_|healthz|set_language|schema|_template$|_pdf$|_xlsx$|\.csv|\.xlsx"
)


def page_routes():
    """Names of every route in the URLconf that reverses without arguments."""
    names = []

    def walk(patterns, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespaces + ([pattern.namespace] if pattern.namespace else []))
            elif pattern.name:
                name = ":".join([*namespaces, pattern.name])
                if SKIP.search(name):
                    continue
                try:
                    names.append((name, reverse(name)))
                except NoReverseMatch:
                    continue

    walk(get_resolver().url_patterns, [])
    return sorted(set(names), key=lambda item: item[1])


@pytest.fixture
def small_county(unit_a, unit_b, grid_a, grid_a2, grid_b, county_officer):
    cadres = [
        make_cadre("张伟", unit_a, grid_a),
        make_cadre("王芳", unit_a, grid_a2, position="局长", phone=""),
        make_cadre("李娜", unit_b, grid_b),
        make_cadre("欧阳明远", unit_b, grid_a, position="党组书记、局长"),
    ]
    leader = make_user("grid_leader_a1")
    GridTeamMember.objects.create(grid=grid_a, user=leader, role="leader")
    notify(user=county_officer, subject="南场社区第1网格 月报已提交", body="请及时查收。", link="/")
    notify(user=county_officer, subject="系统维护通知")
    return cadres


def visit(page, watch, path, name):
    """Opens ``path`` and photographs it; fails on a server error."""
    status = page.request.get(path, max_redirects=0).status
    if status == 405:  # a POST-only route
        return status
    assert status < 500, f"{path} answered {status}"
    if status >= 400:
        watch.expect_status(re.escape(path), status)
        name = f"{name}-{status}"
    page.goto(path)
    shoot(page, f"tour-{name}")
    return status


def test_it_renders_every_page_cleanly_for_county_staff(
    new_page, watch, county_officer, small_county, grid_a
):
    device = enrol_totp(county_officer)
    page = new_page(width=1280, height=800)
    sign_in(page, county_officer, device=device)
    seen = {}
    for name, path in page_routes():
        seen[name] = visit(page, watch, path, name.replace(":", "-"))
    cadre = small_county[3]
    seen["cadre_detail"] = visit(
        page, watch, reverse("people:cadre_detail", args=[cadre.pk]), "people-cadre_detail"
    )
    for area in (grid_a.parent.parent, grid_a):
        seen[area.code] = visit(
            page,
            watch,
            reverse("geography:area_detail", args=[area.code]),
            f"geography-area_detail-{area.level}",
        )
    assert "core:home" in seen and "people:cadre_list" in seen and "audit:event_list" in seen
    print("\nvisited:", seen)


def test_it_renders_the_empty_states_for_a_grid_supervisor(new_page, grid_supervisor):
    page = new_page()
    sign_in(page, grid_supervisor)
    shoot(page, "tour-empty-home")
    page.goto(reverse("people:cadre_list"))
    assert "0" in page.locator(".count").inner_text()
    shoot(page, "tour-empty-cadre_list")
    page.goto(reverse("accounts:inbox"))
    shoot(page, "tour-empty-inbox")


def test_it_enrols_a_system_administrator_and_shows_the_user_list(new_page, county):
    """First sign-in of staff without a device: scan (here: read) the key, type a code, reach the users."""
    admin = make_user("sysadmin", role=Role.SYSTEM_ADMIN, area=county)
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(admin.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/enrol/"))
    secret = page.locator(".secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.locator("#id_token").fill(f"{totp(key):06d}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(reverse("accounts:user_list"))
    page.locator(".list-item, tbody tr", has_text="sysadmin").filter(visible=True).wait_for()
    shoot(page, "tour-accounts-user_list")


def test_it_shows_a_scannable_qr_code_when_enrolling(new_page, county):
    admin = make_user("sysadmin", role=Role.SYSTEM_ADMIN, area=county)
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(admin.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/enrol/"))
    shoot(page, "tour-otp_enrol")  # checks that every image on the page was drawn


def test_it_shows_the_two_factor_step_and_a_wrong_code(new_page, township_officer_a):
    device = enrol_totp(township_officer_a)
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(township_officer_a.username)
    page.locator("#id_password").fill("wrong-password")
    page.locator("main form button[type=submit]").click()
    page.locator(".msg.error").wait_for()
    shoot(page, "tour-login-error", widths=("phone",))
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    wrong = "000000" if f"{totp(device.bin_key):06d}" != "000000" else "111111"
    page.locator("#id_token").fill(wrong)
    page.locator("main form button[type=submit]").first.click()
    page.locator(".errorlist").wait_for()
    shoot(page, "tour-otp_verify-error")
