"""The URLconf walk (SECURITY.md item 6 and the staff promises of item 5): every view has an explicit
permission policy, anonymous users are sent to the sign-in page, and a password-only session of a
county officer reaches nothing but the two-factor pages."""

import random
import uuid

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from gridwatch.conftest import make_user

# Views reachable without passing two-factor, each with the reason.
TWO_FACTOR_EXEMPT = {
    "accounts:otp_verify": "the second step of signing in itself",
    "accounts:otp_enrol": "where staff set up their second factor",
    "accounts:logout": "signing out must always be possible",
}
# URL namespaces with their own check instead of `gridwatch_policy`.
OWN_CHECK_NAMESPACES = {
    "admin": "Django admin: restrict_admin (gridwatch/admin_site.py) admits system administrators only",
}
# Beside the portal: the published commitments of a grid (R7) and the ballot and published results of the
# democratic evaluation (R8).
PUBLIC_NAMES = {
    "accounts:login",
    "core:healthz",
    "set_language",
    "commitments:public_grid",
    "evaluations:ballot",
    "evaluations:results",
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, namespace, pattern


def routes():
    """(name, callback, pattern) of every route, Django admin left out."""
    out = []
    for name, namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace and namespace.split(":")[0] in OWN_CHECK_NAMESPACES:
            continue
        out.append((name, pattern.callback, pattern))
    return out


def _value_for(arg, regex):
    candidates = [".json", "json"] if arg == "format" else []
    candidates += [str(uuid.uuid4()), f"x{random.randrange(10**9)}", str(random.randrange(1, 10**6))]
    for candidate in candidates:
        if regex is None or regex.fullmatch(candidate):
            return candidate
    raise AssertionError(f"no test value for argument {arg}")


def url_for(name, pattern):
    """A URL for the route, with random values for its arguments (never an existing object)."""
    import re

    converters = getattr(pattern.pattern, "converters", {})
    args = list(pattern.pattern.regex.groupindex)
    kwargs = {}
    for arg in args:
        converter = converters.get(arg)
        regex = re.compile(converter.regex) if converter is not None else None
        kwargs[arg] = _value_for(arg, regex)
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        if "format" in kwargs:
            kwargs["format"] = "json"
            return reverse(name, kwargs=kwargs)
        raise


def test_it_walks_a_real_urlconf():
    names = {name for name, _, _ in routes()}
    assert {"core:home", "people:cadre_list", "audit:event_list", "accounts:login"} <= names


def test_it_requires_a_permission_policy_on_every_view():
    missing = [
        f"{name or pattern}"
        for name, callback, pattern in routes()
        if getattr(callback, "gridwatch_policy", None) is None
    ]
    assert not missing, f"views without a gridwatch_policy (use public/authenticated/roles): {missing}"


def test_it_makes_only_the_intended_views_public():
    public = {
        name for name, callback, _ in routes() if getattr(callback, "gridwatch_policy", None) == "public"
    }
    assert public <= PUBLIC_NAMES | {n for n in public if n and n.startswith("portal:")}, public


def test_it_keeps_the_two_factor_allow_list_to_existing_routes():
    names = {name for name, _, _ in routes()}
    assert set(TWO_FACTOR_EXEMPT) <= names


def _non_public_routes():
    return [
        (name, pattern)
        for name, callback, pattern in routes()
        if getattr(callback, "gridwatch_policy", None) != "public"
    ]


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_of_every_staff_url_to_the_sign_in_page(client):
    """...except the bare address (``core:home``), which sends them to the public portal."""
    login_url = reverse("accounts:login")
    wrong = []
    for name, pattern in _non_public_routes():
        url = url_for(name, pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if name == "core:home":
                if response.status_code != 302 or response["Location"] != reverse("portal:home"):
                    wrong.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
            elif getattr(pattern.callback, "gridwatch_policy", None) == "api":
                # REST API routes answer with a status instead of a redirect (DRF authenticates itself).
                if response.status_code not in (401, 403):
                    wrong.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
            elif response.status_code != 302 or not response["Location"].startswith(login_url):
                wrong.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
    assert not wrong, wrong


@pytest.mark.django_db
def test_it_lets_anonymous_visitors_reach_the_public_views(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_it_refuses_every_staff_view_to_a_password_only_session(as_user, county_officer):
    """A county officer who typed only the password reaches no staff page, whatever the method."""
    client = as_user(county_officer, verified=False)
    enrol = reverse("accounts:otp_enrol")
    wrong = []
    for name, pattern in _non_public_routes():
        if name in TWO_FACTOR_EXEMPT:
            continue
        url = url_for(name, pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 302 or not response["Location"].startswith(enrol):
                wrong.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
    assert not wrong, wrong
    assert client.get(reverse("admin:index")).status_code == 302


def test_it_sends_a_password_only_session_with_a_device_to_the_code_page(as_user, county_officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    response = as_user(county_officer, verified=False).get(reverse("people:cadre_list") + "?q=a&page=2")
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("accounts:otp_verify") + "?next=%2Fpeople%2Fcadres%2F%3Fq%3Da%26page%3D2"
    )


def test_it_refuses_role_restricted_views_to_a_user_without_the_role(as_user, county):
    """A signed-in user with no role gets 403 (or 405 for a POST-only view) from every `roles` view."""
    client = as_user(make_user("no_role"))
    wrong = []
    for name, callback, pattern in routes():
        policy = getattr(callback, "gridwatch_policy", None)
        if not (isinstance(policy, tuple) and policy[0] == "roles"):
            continue
        response = client.get(url_for(name, pattern))
        if response.status_code not in (403, 405):
            wrong.append(f"{name} -> {response.status_code}")
    assert not wrong, wrong
