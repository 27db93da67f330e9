"""The audit log page and its CSV export: for county staff and the audit administrator only, read-only,
and the export is itself audited."""

import pytest
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.audit.services import audit_log


@pytest.fixture
def events(db):
    audit_log(
        actor=None, action="cadre.update", object_type="people.cadre", object_id="1", object_label="张伟"
    )
    audit_log(
        actor=None, action="area.create", object_type="geography.area", object_id="2", object_label="南场社区"
    )


@pytest.mark.parametrize("persona", ["county_officer", "audit_admin"])
def test_it_shows_the_log_to_its_readers(request, as_user, events, persona):
    response = as_user(request.getfixturevalue(persona)).get(reverse("audit:event_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "cadre.update" in body and "南场社区" in body


@pytest.mark.parametrize("persona", ["township_officer_a", "system_admin", "grid_supervisor", "unit_liaison"])
def test_it_refuses_the_log_to_everyone_else(request, as_user, events, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("audit:event_list")).status_code == 403
    assert client.get(reverse("audit:event_export")).status_code == 403


def test_it_filters_by_action(as_user, county_officer, events):
    response = as_user(county_officer).get(reverse("audit:event_list"), {"action": "area."})
    assert {e.action for e in response.context["page"].object_list} == {"area.create"}


def test_it_has_no_edit_or_delete_controls(as_user, audit_admin, events):
    """The page's only form is the GET filter; its links go to the export, pages of the log or elsewhere."""
    import re

    body = as_user(audit_admin).get(reverse("audit:event_list")).content.decode()
    main = body.split("<main", 1)[-1].split("</main>", 1)[0]
    forms = re.findall(r"<form[^>]*>", main)
    assert forms and all('method="get"' in f for f in forms), forms
    hrefs = re.findall(r'href="([^"]*)"', main)
    assert not [h for h in hrefs if re.search(r"delete|edit|change|admin", h)], hrefs
    assert "hx-post" not in main and "hx-delete" not in main


@pytest.mark.parametrize("name", ["audit:event_list", "audit:event_export"])
def test_it_refuses_writes_to_the_log(as_user, county_officer, events, name):
    client = as_user(county_officer)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(reverse(name)).status_code == 405
    assert AuditEvent.objects.filter(action="cadre.update").count() == 1


def test_it_exports_csv_and_audits_the_export(as_user, audit_admin, events):
    response = as_user(audit_admin).get(reverse("audit:event_export"), {"action": "cadre."})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    assert "cadre.update" in text and "area.create" not in text
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_label == "auditadmin" and export.changes == {"action": "cadre.", "actor": ""}


def test_it_keeps_the_chain_whole_after_browsing_and_exporting(as_user, county_officer, events):
    from gridwatch.audit.services import verify_chain

    client = as_user(county_officer)
    client.get(reverse("audit:event_list"))
    client.get(reverse("audit:event_export"))
    assert verify_chain().ok


def test_it_disarms_formulas_in_the_export(as_user, audit_admin, db):
    """A label typed by a user cannot run as a spreadsheet formula when the export is opened in Excel."""
    import csv
    import io

    audit_log(actor=None, action="cadre.create", object_type="people.cadre", object_label='=HYPERLINK("x")')
    response = as_user(audit_admin).get(reverse("audit:event_export"), {"action": "cadre."})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][6] == '\'=HYPERLINK("x")'
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_it_names_each_action_in_words_and_keeps_the_code(as_user, county_officer, cadre_a):
    audit_log(actor=county_officer, action="cadre.phone_view", obj=cadre_a)
    audit_log(actor=county_officer, action="some.future_action", obj=cadre_a)
    body = as_user(county_officer).get(reverse("audit:event_list")).content.decode()
    assert "查看干部电话" in body and "cadre.phone_view" in body
    assert "some.future_action" in body  # an action without a label still shows, by its code


def test_it_pages_past_the_count_cap_to_the_first_event(as_user, county_officer, settings, monkeypatch):
    """A log longer than the count cap is read to its first event by following "next": each page holds the
    events at its offset, says which page it is without a false total and costs the queries of page 1."""
    import html
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridwatch.conftest import zh

    for i in range(18):
        audit_log(actor=None, action="test.page", object_type="people.cadre", object_id=str(i))
    expected = list(
        AuditEvent.objects.filter(action="test.page").order_by("-seq").values_list("seq", flat=True)
    )
    monkeypatch.setattr("gridwatch.core.pagination.COUNT_CAP", 5)
    settings.GRIDWATCH_PAGE_SIZE = 2  # the log shows twice the page size: 4 events a page, 5 pages
    client = as_user(county_officer)
    url = reverse("audit:event_list") + "?action=test."
    client.get(url)  # the session and scope are warm, as on any later request
    seen, queries = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        queries.append(len(captured.captured_queries))
        page = response.context["page"]
        assert page.paginator.count_is_capped
        seen += [event.seq for event in page.object_list]
        body = response.content.decode()
        where = re.search(r'<span class="where">(.*?)</span>', body).group(1)
        assert where == zh("Page %(n)s, more than %(cap)s results", n=page.number, cap=5)
        following = re.search(r'href="([^"]*)" rel="next"', body)
        url = reverse("audit:event_list") + html.unescape(following.group(1)) if following else None
    assert seen == expected and page.number == 5 and len(page.object_list) == 2
    assert len(set(queries)) == 1, queries
    # A page asked for past the end shows the last one.
    response = client.get(reverse("audit:event_list"), {"action": "test.", "page": "99"})
    assert response.context["page"].number == 5
    assert [e.seq for e in response.context["page"].object_list] == expected[16:]


def test_it_offers_the_actions_by_name_grouped_by_section(as_user, county_officer, events):
    """The filter is a choice of named actions, not a code to remember; a choice shows that action only."""
    import re

    from gridwatch.conftest import zh

    client = as_user(county_officer)
    body = client.get(reverse("audit:event_list")).content.decode()
    select = re.search(r'<select id="f-action" name="action">(.*?)</select>', body, re.S).group(1)
    assert f'<optgroup label="{zh("Cadres")}">' in select
    assert f'<option value="cadre.phone_view">{zh("Cadre phone number viewed")}</option>' in select
    assert '<option value="admin.">' in select  # every change made in the admin, as one choice
    assert 'type="search" name="action"' not in body
    audit_log(actor=None, action="evaluation.unit_grade_import", object_type="evaluations.dualevaluation")
    response = client.get(reverse("audit:event_list"), {"action": "evaluation.unit_grade"})
    assert list(response.context["page"].object_list) == []  # the exact action, not every code it starts
    response = client.get(reverse("audit:event_list"), {"action": "cadre.update"})
    assert [e.action for e in response.context["page"].object_list] == ["cadre.update"]
    assert '<option value="cadre.update" selected>' in response.content.decode()


def test_it_keeps_a_code_family_typed_into_the_address(as_user, county_officer, events):
    response = as_user(county_officer).get(reverse("audit:event_list"), {"action": "area."})
    assert '<option value="area." selected>area.</option>' in response.content.decode()


def test_it_reads_a_code_typed_before_the_list_as_the_beginning_of_actions(as_user, county_officer, events):
    """A bookmark from before the filter was a list (``?action=cadre``, no dot) still shows that family."""
    response = as_user(county_officer).get(reverse("audit:event_list"), {"action": "cadre"})
    actions = {e.action for e in response.context["page"].object_list}
    assert actions and all(action.startswith("cadre") for action in actions)


def test_it_explains_an_event_without_an_object(as_user, county_officer, db):
    """An online report names no report in the log on purpose (SECURITY.md item 1): the page says so
    instead of leaving the cell empty; another event without an object says it is about no one record."""
    from gridwatch.conftest import zh

    audit_log(actor=None, action="report.submit", object_type="cases.report")
    audit_log(actor=county_officer, action="audit.export", object_type="audit.auditevent")
    body = as_user(county_officer).get(reverse("audit:event_list")).content.decode()
    unlinked = zh("Not recorded on purpose: the log does not link what a reporter sends to a report.")
    assert f'title="{unlinked}"' in body and f'title="{zh("This event is not about one record.")}"' in body
    assert zh("Report sent through the online mailbox") in body and "<td></td>" not in body
