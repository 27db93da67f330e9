"""Shared test fixtures: a small county with two townships, and one persona per role.

Personas (STYLE.md): a county officer, a township officer of township A (广顺镇) and one of township B
(摆所镇), a grid supervisor of grid A1, a unit liaison, a cadre, the public. ``login(client, user)`` signs a
user in the way the application does, two-factor included.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridwatch.accounts.middleware import SESSION_EPOCH_KEY, SESSION_STARTED_KEY
from gridwatch.accounts.models import RoleAssignment, User
from gridwatch.accounts.roles import Role
from gridwatch.geography import services as geo
from gridwatch.geography.models import GridTeamMember, Kind, Level
from gridwatch.people import services as people
from gridwatch.people.models import Gender, Rank, UnitKind


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.GRIDWATCH_SMS_FILE_PATH = tmp_path / "sms"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


def zh(msgid, *, context=None, **params):
    """What a user of the default language reads for ``msgid`` (in ``context`` for a ``pgettext`` string):
    tests assert the Chinese page."""
    from django.utils import translation

    with translation.override("zh-hans"):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return text % params if params else text


FOLD_CONTEXT = "list filters folded on phones"


def _needles(text):
    """The text as a column may hold it: as written, JSON-escaped (``\\uXXXX``), and its last word (an ASCII
    mark the tests end their texts with, which survives any encoding but encryption)."""
    return {text, json.dumps(text)[1:-1], text.split()[-1]}


def plain_copies(texts):
    """``(table, column, text)`` for every column of every table that holds one of ``texts`` readable: the
    proof that a text is encrypted wherever it is stored (SECURITY.md item 4). Every column is read as
    text: a superset of the text and JSON columns."""
    from django.db import connection

    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(
                "SELECT {} FROM {}".format(
                    ", ".join(f"CAST({quote(c)} AS TEXT)" for c in columns), quote(table)
                )
            )
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if not value:
                        continue
                    for text in texts:
                        if any(needle in value for needle in _needles(text)):
                            found.append((table, column, text))
    return sorted(set(found))


class _RecordingProvider:
    """The field-encryption provider, recording every text it decrypts."""

    def __init__(self, provider):
        self._provider = provider
        self.read = []

    def encrypt(self, plaintext):
        return self._provider.encrypt(plaintext)

    def decrypt(self, ciphertext):
        plaintext = self._provider.decrypt(ciphertext)
        self.read.append(plaintext)
        return plaintext


@pytest.fixture
def decrypted(monkeypatch):
    """The texts decrypted from here on, in order: the proof that a list leaves unread what it does not show."""
    from gridwatch.core import crypto

    recording = _RecordingProvider(crypto.get_provider())
    monkeypatch.setattr(crypto, "get_provider", lambda: recording)
    return recording.read


def filter_fold(body):
    """A list page's filter fold (``includes/filter_toggle.html``): whether it comes open, its button's text
    and what it holds."""
    match = re.search(r'<details class="filter-more"( open)?>(.*?)</details>', body, re.S)
    assert match, "no filter fold on the page"
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", match.group(2), re.S).group(1)
    return bool(match.group(1)), re.sub(r"<[^>]+>", "", summary).strip(), match.group(2)


@contextlib.contextmanager
def seeded_demo(django_db_blocker, tmp_path_factory):
    """The full demo (``seed_demo``) for the tests of a module or a class, rolled back after them; yields what
    the seeder printed. Its files (publicity images, text messages) go to a temporary folder: a fixture wider
    than a test runs before ``_fast_and_isolated`` and would otherwise write into the checkout's ``var/``."""
    folder = tmp_path_factory.mktemp("demo")
    files = override_settings(MEDIA_ROOT=folder / "media", GRIDWATCH_SMS_FILE_PATH=folder / "sms")
    out = StringIO()
    with files, django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def make_user(username, *, role=None, area=None, unit=None, password="Grid-Watch-2026!"):
    user = User.objects.create_user(username=username, password=password, display_name=username)
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, area=area, unit=unit)
    return user


def login(client, user, *, verified=True):
    """Sign ``user`` in as the application would: a session with its epoch and, for staff, a TOTP device
    that passed."""
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time()
    session[SESSION_EPOCH_KEY] = user.session_epoch
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def county(db):
    return geo.area_create(
        actor=None, code="522729000000", name="长顺县", level=Level.COUNTY, kind=Kind.COUNTY
    )


@pytest.fixture
def township_a(county):
    return geo.area_create(
        actor=None, code="522729101000", name="广顺镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=county
    )


@pytest.fixture
def township_b(county):
    return geo.area_create(
        actor=None, code="522729103000", name="摆所镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=county
    )


@pytest.fixture
def community_a(township_a):
    return geo.area_create(
        actor=None,
        code="522729101001",
        name="南场社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township_a,
    )


@pytest.fixture
def community_b(township_b):
    return geo.area_create(
        actor=None,
        code="522729103001",
        name="摆所社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township_b,
    )


@pytest.fixture
def grid_a(community_a):
    return geo.area_create(
        actor=None,
        code="522729101001001",
        name="南场社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community_a,
    )


@pytest.fixture
def grid_a2(community_a):
    return geo.area_create(
        actor=None,
        code="522729101001002",
        name="南场社区第2网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community_a,
    )


@pytest.fixture
def grid_b(community_b):
    return geo.area_create(
        actor=None,
        code="522729103001001",
        name="摆所社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community_b,
    )


@pytest.fixture
def unit_a(county):
    return people.unit_create(actor=None, name="县财政局", kind=UnitKind.GOVERNMENT, area=county)


@pytest.fixture
def unit_b(county):
    return people.unit_create(actor=None, name="县教育局", kind=UnitKind.GOVERNMENT, area=county)


def make_cadre(name, unit, grid, **extra):
    values = dict(
        gender=Gender.MALE, birth_year=1975, position="副局长", rank=Rank.SECTION_DEPUTY, phone="13800000000"
    )
    values.update(extra)
    return people.cadre_create(actor=None, name=name, unit=unit, residence_grid=grid, **values)


@pytest.fixture
def cadre_a(unit_a, grid_a):
    """A cadre supervised in grid A1 of township A."""
    return make_cadre("张伟", unit_a, grid_a)


@pytest.fixture
def cadre_b(unit_b, grid_b):
    """A cadre supervised in grid B1 of township B."""
    return make_cadre("李娜", unit_b, grid_b, gender=Gender.FEMALE)


@pytest.fixture
def county_officer(county):
    return make_user("county", role=Role.COUNTY_STAFF, area=county)


@pytest.fixture
def township_officer_a(township_a):
    return make_user("township_a", role=Role.TOWNSHIP_STAFF, area=township_a)


@pytest.fixture
def township_officer_b(township_b):
    return make_user("township_b", role=Role.TOWNSHIP_STAFF, area=township_b)


@pytest.fixture
def grid_supervisor(grid_a):
    user = make_user("supervisor_a1")
    GridTeamMember.objects.create(grid=grid_a, user=user, role="supervisor")
    return user


@pytest.fixture
def unit_liaison(unit_a):
    return make_user("liaison_unit_a", role=Role.UNIT_LIAISON, unit=unit_a)


@pytest.fixture
def cadre_user(cadre_a):
    user = make_user("cadre_zhangwei")
    cadre_a.user = user
    cadre_a.save(update_fields=["user"])
    return user


@pytest.fixture
def community_org_a(community_a):
    """The community party organisation of community A (its grids A1 and A2)."""
    return make_user("party_a", role=Role.COMMUNITY_ORG, area=community_a)


@pytest.fixture
def office(county):
    """The leading-group office (领导小组办公室), county-wide."""
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def system_admin(county):
    return make_user("sysadmin", role=Role.SYSTEM_ADMIN, area=county)


@pytest.fixture
def audit_admin(county):
    return make_user("auditadmin", role=Role.AUDIT_ADMIN, area=county)


@pytest.fixture
def as_user(client):
    """``as_user(user)`` returns the test client signed in as ``user``."""

    def _as(user, verified=True):
        client.logout()
        return login(client, user, verified=verified)

    return _as


__all__ = ["login", "make_user", "make_cadre", "settings", "zh"]


def run_django_script(script, *args, sqlite_path=None, database_url=None, timeout=180):
    """Runs ``script`` (Python source that calls ``django.setup()``) in a fresh process with the
    application's settings, on the PostgreSQL database at ``database_url`` or else on a SQLite file at
    ``sqlite_path`` configured as in production (WAL, immediate transactions, busy timeout): for tests of
    concurrent writers, which the test's own connection and SQLite's in-memory test database cannot show."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWATCH_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "gridwatch.settings"
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["GRIDWATCH_SQLITE_PATH"] = str(sqlite_path)
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
