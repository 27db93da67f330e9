"""End-to-end tests: Playwright driving Debian's Chromium against pytest-django's ``live_server``.

The data comes from the personas of ``gridwatch/conftest.py`` (imported below, so they work here too).
Each test gets a fresh browser context; ``watch`` records every console error, uncaught exception and CSP
violation of the pages the test opens, and fails the test at its end if there was any.

Run: ``.venv/bin/pytest -q e2e``. Without /usr/bin/chromium the tests are skipped, except in CI
(``CI=true``), where a missing browser is a failure.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one unless
# told that this is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from gridwatch.conftest import (  # noqa: E402, F401 (fixtures re-used by the browser tests)
    _fast_and_isolated,
    cadre_a,
    cadre_b,
    cadre_user,
    community_a,
    community_b,
    county,
    county_officer,
    grid_a,
    grid_a2,
    grid_b,
    grid_supervisor,
    office,
    township_a,
    township_b,
    township_officer_a,
    township_officer_b,
    unit_a,
    unit_b,
    unit_liaison,
)

from .helpers import CHROMIUM, CHROMIUM_ARGS, Watcher, audit_triggers  # noqa: E402


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The audit table refuses DELETE (a database trigger), which the flush after a transactional test
    needs: lift the triggers for the flush and put them back afterwards, so that tests run later in the
    same session still meet an append-only table."""
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    transactional = "live_server" in getattr(item, "fixturenames", ())
    if transactional:
        with blocker.unblock():
            audit_triggers(create=False)
    try:
        return (yield)
    finally:
        # After the last test the test database is gone (nextitem is None): nothing to put back.
        if transactional and nextitem is not None:
            with blocker.unblock():
                audit_triggers(create=True)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)):
        message = f"{CHROMIUM} is missing: install Debian's chromium (scripts/ensure_chromium.sh)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def watch():
    """Collects console errors, page errors and CSP violations of every page of the test."""
    watcher = Watcher()
    yield watcher
    watcher.assert_clean()


@pytest.fixture
def reference_data(transactional_db):
    """What a real installation has from its data migrations, which the flush ending every live-server test
    empties: the four-circles checklist (loaded again, idempotently)."""
    call_command("load_checklist", stdout=StringIO())


@pytest.fixture
def new_page(browser, live_server, watch, settings, reference_data):
    """``new_page(width=375)`` opens a page in a fresh context (own cookies) on the live server."""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    contexts = []

    def _open(*, width=375, height=812, locale="zh-CN"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale=locale,
            device_scale_factor=1,
            has_touch=width < 640,
            is_mobile=False,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        return page

    yield _open
    for context in contexts:
        context.close()
