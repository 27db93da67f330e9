"""The flows of the issue's "Done means", in a real browser against a live server.

Every test fails on any console error, uncaught exception or CSP violation (the ``watch`` fixture), and
``shoot`` checks each page it photographs for inline scripts, inline styles and sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre

from .helpers import PASSWORD, enrol_totp, otp_token, shoot, sign_in

pytestmark = pytest.mark.e2e

PRIVATE_PHONE = "13912345678"


def names_listed(page):
    """The cadre names the list shows at the current width (cards on phones, a table on wide screens)."""
    return sorted(
        page.locator("#results .list-item .title, #results table tbody td:first-child a")
        .filter(visible=True)
        .all_inner_texts()
    )


def test_it_lets_a_township_officer_sign_in_search_and_open_a_file(
    new_page, township_officer_a, unit_a, grid_a, grid_a2, grid_b, unit_b
):
    """广顺镇's officer signs in with password and code, lists 广顺镇's cadres, finds 张伟 by "zw" and opens
    the one-person-one-file page with its timeline."""
    make_cadre("张伟", unit_a, grid_a)
    make_cadre("王芳", unit_a, grid_a2)
    make_cadre("李娜", unit_b, grid_b)
    device = enrol_totp(township_officer_a)
    page = new_page()

    page.goto("/")  # the bare address: the public portal, with the staff sign-in at its foot
    page.wait_for_url(re.compile(r"/portal/$"))
    page.locator("footer a[href='/accounts/login/']").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    shoot(page, "01-login")
    sign_in(page, township_officer_a, device=device)
    shoot(page, "02-home-township")

    page.locator(".tabbar a[href='/people/cadres/']").click()
    page.wait_for_url(re.compile(r"/people/cadres/$"))
    assert names_listed(page) == sorted(["张伟", "王芳"])
    shoot(page, "03-cadre-list")

    page.locator("#q").fill("zw")
    expect(page.locator("#results .list-item")).to_have_count(1)
    assert names_listed(page) == ["张伟"]
    assert "q=zw" in page.url  # hx-push-url keeps the search in the address bar
    shoot(page, "04-cadre-search")

    page.locator("#q").fill("zzz")
    expect(page.locator("#results .list-item")).to_have_count(0)
    shoot(page, "04b-cadre-search-empty", widths=("phone",))
    page.locator("#q").fill("zw")
    expect(page.locator("#results .list-item")).to_have_count(1)

    page.locator("#results .list-item", has_text="张伟").click()
    page.wait_for_url(re.compile(r"/people/cadres/[0-9a-f-]{36}/$"))
    assert page.locator("h1").inner_text().startswith("张伟")
    expect(page.locator(".timeline li").first).to_be_visible()
    shoot(page, "05-cadre-file")


def test_it_answers_a_cadre_of_another_township_with_a_generic_404(
    new_page, watch, township_officer_a, township_a, cadre_b
):
    """Opening 摆所镇's cadre by URL gives 广顺镇's officer the not-found page and nothing of the cadre."""
    device = enrol_totp(township_officer_a)
    page = new_page()
    sign_in(page, township_officer_a, device=device)

    watch.expect_status(rf"/people/cadres/{cadre_b.pk}/", 404)
    response = page.goto(f"/people/cadres/{cadre_b.pk}/")
    assert response.status == 404
    body = page.locator("body").inner_text()
    for leaked in ("李娜", "县教育局", "摆所", "13800000000", str(cadre_b.pk)):
        assert leaked not in body
    assert page.locator("main h1").count() == 1
    expect(page.locator("main .state a[href='/']")).to_be_visible()
    shoot(page, "06-not-found")


def test_it_shows_a_grid_supervisor_exactly_the_cadres_of_their_grid(
    new_page, grid_supervisor, unit_a, unit_b, grid_a, grid_a2, grid_b
):
    """A supervisor of 南场社区第1网格 (a password-only role) sees its two cadres and no one else's."""
    make_cadre("张伟", unit_a, grid_a)
    make_cadre("赵敏", unit_b, grid_a)
    make_cadre("王芳", unit_a, grid_a2)
    make_cadre("李娜", unit_b, grid_b)
    page = new_page()
    sign_in(page, grid_supervisor)

    page.locator(".tabbar a[href='/people/cadres/']").click()
    page.wait_for_url(re.compile(r"/people/cadres/$"))
    assert names_listed(page) == sorted(["张伟", "赵敏"])
    shoot(page, "07-supervisor-cadres")

    page.set_viewport_size({"width": 1280, "height": 800})
    assert names_listed(page) == sorted(["张伟", "赵敏"])


def test_it_reveals_a_phone_in_place_and_the_audit_log_shows_it(new_page, county_officer, cadre_a):
    """County staff reveal 张伟's phone with the htmx button (no page reload), find the "cadre.phone_view"
    event in the audit log, and sign out."""
    cadre_a.phone = PRIVATE_PHONE
    cadre_a.save(update_fields=["phone"])
    device = enrol_totp(county_officer)
    page = new_page(width=1280, height=800)
    sign_in(page, county_officer, device=device, next_path=f"/people/cadres/{cadre_a.pk}/")
    assert page.url.endswith(f"/people/cadres/{cadre_a.pk}/")
    assert PRIVATE_PHONE not in page.content()

    page.evaluate("() => { window.__samePage = true; }")
    with page.expect_response(re.compile(r"/phone/$")) as answer:
        page.locator("#phone button").click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#phone")).to_contain_text(PRIVATE_PHONE)
    assert page.evaluate("() => window.__samePage === true"), "the page was reloaded"
    assert AuditEvent.objects.filter(action="cadre.phone_view", object_id=str(cadre_a.pk)).count() == 1
    shoot(page, "08-phone-revealed")

    page.locator(".sidenav a[href='/audit/']").click()
    page.wait_for_url(re.compile(r"/audit/$"))
    row = page.locator("table tbody tr", has_text="cadre.phone_view")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("张伟")
    assert PRIVATE_PHONE not in page.content()
    shoot(page, "09-audit-log")

    page.locator(".topbar a[href='/accounts/logout/']").click()
    page.wait_for_url(re.compile(r"/accounts/logout/$"))
    shoot(page, "10-sign-out")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto("/people/cadres/")
    assert "/accounts/login/" in page.url


def test_it_switches_the_language_with_a_plain_form(new_page):
    """The language switch posts a form (no inline script): English, then back to Chinese."""
    page = new_page()
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator("#lang-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.locator("#lang-select").input_value() == "en"
    shoot(page, "11-login-english")
    page.locator("#lang-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_it_switches_the_language_without_javascript(browser, live_server, watch):
    """With JavaScript off the switch shows its button and still works."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 812}
    )
    try:
        page = context.new_page()
        watch.attach(page)
        page.goto("/accounts/login/")
        page.locator("#lang-select").select_option("en")
        page.locator(".lang-form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()


def test_it_reaches_every_section_from_the_tab_bar_on_a_phone(new_page, county_officer):
    """On a phone the fifth and later sections sit behind "More", a sheet above the tab bar (no script)."""
    device = enrol_totp(county_officer)
    page = new_page()
    sign_in(page, county_officer, device=device)
    sheet = page.locator("#all-nav .sheet")
    expect(sheet).to_be_hidden()
    page.locator(".tabbar a[href='#all-nav']").click()
    expect(sheet).to_be_visible()
    shoot(page, "12-more-sheet", widths=("phone",))
    sheet.locator("a[href='/audit/']").click()
    page.wait_for_url(re.compile(r"/audit/$"))
    expect(page.locator(".tabbar a.more-tab")).to_have_class(re.compile(r"\bis-active\b"))
    expect(sheet).to_be_hidden()


def test_it_takes_an_expired_session_to_the_sign_in_page_from_an_htmx_button(
    new_page, county_officer, cadre_a
):
    """When the session has ended, the phone button leads to the sign-in page (whole page), not a login
    form squeezed into the phone field; signing in again returns to the cadre's file."""
    device = enrol_totp(county_officer)
    page = new_page()
    sign_in(page, county_officer, device=device, next_path=f"/people/cadres/{cadre_a.pk}/")
    page.context.clear_cookies(name="sessionid")
    page.locator("#phone button").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next=(/|%2F)people(/|%2F)cadres"))
    assert page.locator("#phone").count() == 0

    page.locator("#id_username").fill(county_officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.locator("#id_token").fill(otp_token(device, ahead=1))  # the first code was used already
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/people/cadres/{cadre_a.pk}/$"))
    expect(page.locator("#phone button")).to_be_visible()


def test_it_says_so_when_an_htmx_request_fails(new_page, watch, county_officer, cadre_a):
    """A server error behind the phone button shows an error message instead of doing nothing."""
    device = enrol_totp(county_officer)
    page = new_page()
    sign_in(page, county_officer, device=device, next_path=f"/people/cadres/{cadre_a.pk}/")
    page.route(re.compile(r"/phone/$"), lambda route: route.fulfill(status=500, body="broken"))
    watch.expect_status(r"/phone/", 500)
    page.locator("#phone button").click()
    expect(page.locator("main .msg.error")).to_be_visible()
    expect(page.locator("#phone button")).to_be_visible()
    shoot(page, "13-request-failed", widths=("phone",))
