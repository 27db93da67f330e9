"""The staff layout (``templates/base.html``) and the error pages: the page title, the language switch, and
which 404 page answers (the portal's for residents, the staff one with its jurisdiction wording)."""

import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from gridwatch.conftest import zh

pytestmark = pytest.mark.django_db

STAFF_404 = "The page does not exist, or it is outside your area of responsibility."
PUBLIC_404 = "This page does not exist. The address may be mistyped, or the page may have been taken down."


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


# --------------------------------------------------------------------------------------------- the title


def test_it_puts_the_page_title_before_the_site_name(as_user, county_officer):
    html = as_user(county_officer).get(reverse("audit:event_list")).content.decode()
    assert title(html) == f"{zh('Audit log')} · {zh('GridWatch')}"


def test_it_shows_only_the_site_name_when_the_page_has_no_title():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    for page in ('{% extends "base.html" %}', '{% extends "base.html" %}{% block title %} {% endblock %}'):
        html = engines["django"].from_string(page).render({}, request)
        assert title(html) == zh("GridWatch")


def test_it_escapes_the_title_once():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    page = '{% extends "base.html" %}{% block title %}{{ name }}{% endblock %}'
    html = engines["django"].from_string(page).render({"name": "A & B <i>"}, request)
    assert title(html) == f"A &amp; B &lt;i&gt; · {zh('GridWatch')}"


# --------------------------------------------------------------------------------------- language switch


def test_it_names_each_language_in_that_language(as_user, county_officer):
    html = as_user(county_officer).get(reverse("core:home")).content.decode()
    select = re.search(r'<select id="lang-select".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]+)" lang="([^"]+)"[^>]*>([^<]+)</option>', select)
    assert options == [("zh-hans", "zh-CN", "简体中文"), ("en", "en", "English")]


# ------------------------------------------------------------------------------------------------- 404s


def assert_public_404(response):
    assert response.status_code == 404
    html = response.content.decode()
    assert '<body class="portal' in html and 'id="lang-select"' not in html
    assert zh(PUBLIC_404) in html and zh(STAFF_404) not in html
    for name in ("portal:home", "portal:grid_search", "portal:report_form"):
        assert f'href="{reverse(name)}"' in html
    assert title(html).startswith(f"{zh('Not found')} · ")


def assert_staff_404(response):
    assert response.status_code == 404
    html = response.content.decode()
    assert '<body class="portal' not in html and zh(STAFF_404) in html
    assert f'href="{reverse("core:home")}"' in html


def test_it_answers_a_missing_portal_page_in_the_portal(client, county):
    assert_public_404(client.get(reverse("portal:grid", args=["999"])))


def test_it_answers_a_missing_portal_page_in_the_portal_to_signed_in_staff_too(as_user, county_officer):
    assert_public_404(as_user(county_officer).get(reverse("portal:grid", args=["999"])))


def test_it_answers_an_unknown_address_in_the_portal_to_a_visitor(client, county):
    assert_public_404(client.get("/no-such-page/"))


def test_it_keeps_the_staff_404_for_signed_in_staff(as_user, county_officer):
    client = as_user(county_officer)
    assert_staff_404(client.get("/no-such-page/"))
    assert_staff_404(client.get(reverse("people:cadre_detail", args=[uuid.uuid4()])))


def test_it_names_the_county_in_the_portal_title_without_a_stray_separator(client, county):
    site = zh("%(county)s cadre work-style supervision", county=county.name)
    assert title(client.get(reverse("portal:home")).content.decode()) == f"{zh('Home')} · {site}"
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = engines["django"].from_string('{% extends "portal/base.html" %}').render({}, request)
    assert title(html) == site


# ------------------------------------------------------------------------------- a list's folded filters


def test_it_counts_the_filters_set_on_a_list_but_not_its_search():
    """The number on the phone's "Filters" button: every cleaned filter with a value, the search text
    apart; an empty choice or an unticked box is no filter."""
    filters = {"q": "张", "status": None, "circle": "", "urgent": False, "mine": True, "area_path": "-"}
    template = engines["django"].from_string("{% load layout %}{{ filters|active_filters }}")
    assert template.render({"filters": filters}) == "2"
    assert template.render({"filters": {"q": "张"}}) == "0"


def test_it_labels_the_fold_with_the_number_of_filters_set():
    request = RequestFactory().get("/")
    render = engines["django"].get_template("includes/filter_toggle.html").render
    context = "list filters folded on phones"
    none = render({"filters": {"q": "张", "status": None}}, request)
    assert re.search(r"<summary[^>]*>\s*<span[^>]*>(.*?)</span>", none).group(1) == zh(
        "Filters", context=context
    )
    two = render({"filters": {"status": "open", "urgent": True}}, request)
    assert zh("Filters (%(n)s)", context=context, n=2) in two
    assert "hx-swap-oob" not in two
