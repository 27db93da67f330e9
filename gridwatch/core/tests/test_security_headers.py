"""Security headers on every kind of response, and a clean `check --deploy` in production mode
(SECURITY.md item 9)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse

BASE_DIR = Path(django_settings.BASE_DIR)


def csp_directives(response):
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_secure_headers(response):
    csp = csp_directives(response)
    assert csp, f"no CSP on a {response.status_code} response"
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert csp.get("frame-ancestors") == ["'none'"]
    assert csp.get("object-src") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_it_sets_the_headers_on_a_normal_page(as_user, county_officer):
    response = as_user(county_officer).get(reverse("core:home"))
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sets_the_headers_on_the_sign_in_page(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sets_the_headers_on_a_404(as_user, county_officer):
    response = as_user(county_officer).get("/people/cadres/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert_secure_headers(response)


def test_it_sets_the_headers_on_a_403(as_user, township_officer_a):
    response = as_user(township_officer_a).get(reverse("audit:event_list"))
    assert response.status_code == 403
    assert_secure_headers(response)


@override_settings(ROOT_URLCONF="gridwatch.core.tests.urls_errors")
def test_it_sets_the_headers_on_a_500_and_shows_a_generic_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/boom/")
    assert response.status_code == 500
    assert_secure_headers(response)
    assert "a bug" not in response.content.decode() and "Traceback" not in response.content.decode()


@override_settings(ROOT_URLCONF="gridwatch.core.tests.urls_errors")
def test_it_shows_the_500_page_even_when_the_context_processors_fail(db, settings):
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"]["context_processors"] = [
        *templates[0]["OPTIONS"]["context_processors"],
        "gridwatch.core.tests.test_security_headers._fail",
    ]
    settings.TEMPLATES = templates
    response = Client(raise_request_exception=False).get("/test-only/boom/")
    assert response.status_code == 500
    assert "500" in response.content.decode()


def _fail(*args, **kwargs):
    raise RuntimeError("the database is down")


@override_settings(ROOT_URLCONF="gridwatch.core.tests.urls_errors")
def test_it_sets_the_headers_on_a_raised_permission_denied(db):
    response = Client().get("/test-only/forbidden/")
    assert response.status_code == 403
    assert_secure_headers(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_it_sets_the_headers_on_a_static_file(db):
    response = Client().get(django_settings.STATIC_URL + "css/gridwatch.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert_secure_headers(response)


def test_it_sets_the_headers_on_the_admin_sign_in_redirect(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert_secure_headers(response)
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert_secure_headers(response)


def test_it_sets_the_headers_on_an_htmx_fragment(as_user, county_officer, cadre_a):
    response = as_user(county_officer).get(reverse("people:cadre_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert_secure_headers(response)


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_it_sends_hsts_over_https_on_pages_and_errors(client, db):
    for url in (reverse("accounts:login"), "/no-such-page/"):
        response = client.get(url, secure=True)
        assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=31536000")


def test_it_keeps_inline_script_out_of_the_pages(client, db):
    """No inline <script> and no style= attribute on the sign-in page (the CSP would block them)."""
    body = client.get(reverse("accounts:login")).content.decode()
    assert "<script>" not in body and " style=" not in body
    for chunk in body.split("<script")[1:]:
        assert "src=" in chunk.split(">", 1)[0]


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDWATCH_", "DJANGO_"))}
    env.update(
        GRIDWATCH_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        GRIDWATCH_FIELD_KEYS=Fernet.generate_key().decode(),
        GRIDWATCH_PEPPER=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="gridwatch.example.gov.cn",
        GRIDWATCH_SQLITE_PATH=str(tmp_path / "deploy-check.sqlite3"),
        DJANGO_SETTINGS_MODULE="gridwatch.settings",
    )
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def run_manage(env, *args):
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_in_production_mode(tmp_path):
    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_secrets(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run_manage(env, "check")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_it_turns_on_transport_security_in_production(tmp_path):
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
    ]
    code = "from django.conf import settings; print(" + ", ".join(f"settings.{n}" for n in names) + ")"
    result = run_manage(production_env(tmp_path), "shell", "--verbosity", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000", "False"]


def test_it_sets_the_headers_on_an_api_response(as_user, county_officer, cadre_a):
    response = as_user(county_officer).get("/api/cadres/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert_secure_headers(response)


def test_it_sets_the_headers_on_an_error_in_the_api(client, db):
    response = client.get("/api/cadres/")
    assert response.status_code in (401, 403)
    assert_secure_headers(response)


def test_it_speaks_chinese_to_an_english_browser_until_english_is_chosen(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in page and "登录" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in page and "Sign in" in page
