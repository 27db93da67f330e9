"""Helpers of the browser tests: the browser's flags, signing in through the real forms, screenshots and the
watcher of console errors and CSP violations."""

import importlib
import os
import re
from pathlib import Path

from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# Debian's Chromium; GRIDWATCH_CHROMIUM points elsewhere (never a downloaded Playwright build).
CHROMIUM = os.environ.get("GRIDWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Grid-Watch-2026!"  # what gridwatch.conftest.make_user gives every persona
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}

# A CSP violation reaches the console as an error; this listener makes sure of it (init scripts run outside
# the page's CSP) and names the directive.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


class Watcher:
    """Everything that went wrong in the pages of one test: console errors, uncaught exceptions, CSP
    violations. ``expect_status(url, 404)`` tolerates the console line Chromium writes for a page that
    answers an expected error status."""

    def __init__(self):
        self.problems = []
        self.expected = []

    def attach(self, page):
        page.add_init_script(CSP_LISTENER)
        page.on("console", lambda msg: self._console(msg))
        page.on("pageerror", lambda exc: self.problems.append(f"page error on {page.url}: {exc}"))

    def _console(self, msg):
        if msg.type not in {"error", "assert"}:
            return
        url = (msg.location or {}).get("url", "")
        for pattern, status in self.expected:
            # Chromium: "...responded with a status of 404"; htmx: "Response Status Error Code 500 from /x/".
            about_it = re.search(pattern, url) or re.search(pattern, msg.text)
            if about_it and re.search(rf"(status of|Error Code) {status}\b", msg.text):
                return
        self.problems.append(f"console {msg.type} at {url}: {msg.text}")

    def expect_status(self, url_pattern, status):
        self.expected.append((url_pattern, status))

    def assert_clean(self):
        assert not self.problems, "The browser reported:\n" + "\n".join(self.problems)


def audit_triggers(*, create):
    """Creates or drops the append-only triggers of the audit table (the statements of its migration)."""
    migration = importlib.import_module("gridwatch.audit.migrations.0002_append_only_triggers")
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        return
    statements = {
        ("sqlite", True): migration.SQLITE,
        ("sqlite", False): migration.SQLITE_REVERSE,
        ("postgresql", True): migration.POSTGRES,
        ("postgresql", False): migration.POSTGRES_REVERSE,
    }[(vendor, create)]
    with connection.cursor() as cursor:
        if create:  # idempotent: drop first
            for sql in {"sqlite": migration.SQLITE_REVERSE, "postgresql": migration.POSTGRES_REVERSE}[vendor]:
                cursor.execute(sql)
        for sql in statements:
            cursor.execute(sql)


def otp_token(device, *, ahead=0):
    """The current six-digit code of ``device`` (``ahead`` steps later, for a second sign-in in the same
    30 seconds: django-otp accepts a code once and tolerates one step of drift)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead):06d}"


def enrol_totp(user):
    """A confirmed TOTP device, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(page, user, *, device=None, next_path=None, ahead=0):
    """Signs in through the login form and, for staff, the two-factor form; returns once the page behind
    them has loaded (scripts included)."""
    page.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if device is not None:
        page.wait_for_url(re.compile(r"/accounts/two-factor/"))
        page.locator("#id_token").fill(otp_token(device, ahead=ahead))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url and "/two-factor/" not in url)
    page.wait_for_load_state("load")
    return page


def assert_page_is_sound(page):
    """What the CSP and a phone demand of every page: no inline script or style (htmx included), no
    sideways scrolling, on phones no control smaller than 44 × 44 px (a radio button or checkbox counts by
    the label around it)."""
    found = page.evaluate(
        """() => ({
            inlineScripts: [...document.scripts].filter(s => !s.src).length,
            styleElements: document.querySelectorAll('style').length,
            styleAttributes: [...document.querySelectorAll('[style]')].filter(e => e.getAttribute('style').trim()).map(e => e.tagName + "[" + (e.name || "") + "]=" + e.getAttribute("style")),
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            brokenImages: [...document.images].filter(i => i.complete && i.naturalWidth === 0)
                .map(i => i.alt || i.src.slice(0, 60)),
            mainWidth: document.querySelector('main') ? document.querySelector('main').getBoundingClientRect().width : 0,
            smallTargets: window.innerWidth >= 640 ? [] : [...document.querySelectorAll(
                '.tabbar a, .topbar a, .topbar select, main .btn, main button, main select, ' +
                'main input:not([type=hidden]), .list-item, .pager a')].filter(e => {
                // A radio button or checkbox is tapped through its label: measure the label.
                const box = (e.type === 'radio' || e.type === 'checkbox') && e.closest('label') ? e.closest('label') : e;
                const r = box.getBoundingClientRect();
                return r.width > 0 && (r.height < 44 || r.width < 44);
            }).map(e => e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 20)),
        })"""
    )
    assert found["inlineScripts"] == 0, f"inline <script> on {page.url}"
    assert found["styleElements"] == 0, f"<style> element on {page.url} (htmx indicator styles?)"
    assert found["styleAttributes"] == [], f"style= attributes on {page.url}: {found['styleAttributes']}"
    assert found["overflow"] <= 0, f"{page.url} scrolls sideways by {found['overflow']} px"
    assert found["brokenImages"] == [], f"broken images on {page.url}: {found['brokenImages']}"
    assert found["mainWidth"] >= min(600, page.viewport_size["width"] - 40), (
        f"squeezed main column ({found['mainWidth']} px) on {page.url}"
    )
    assert found["smallTargets"] == [], f"tap targets under 44 px on {page.url}: {found['smallTargets']}"


def shoot(page, name, *, widths=("phone", "desktop")):
    """Screenshots of the current page at 375×812 and 1280×800 into e2e/screenshots/ (git-ignored),
    checking the page at each of those widths and at 768 px."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    page.set_viewport_size(TABLET)  # checked, not photographed
    assert_page_is_sound(page)
    paths = []
    for which in widths:
        size = PHONE if which == "phone" else DESKTOP
        page.set_viewport_size(size)
        assert_page_is_sound(page)
        path = SCREENSHOTS / f"{name}-{size['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths
