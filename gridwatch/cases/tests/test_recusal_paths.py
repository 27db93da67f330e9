"""Recusal (回避) on every path to a case: for each kind of conflict of interest, the report is absent from
the list, the export and the API list, and its page, its API detail and every route of the case answer 404.
The routes are found by walking the ``cases`` URLconf for patterns that take an id, called with each id
of the case (the report's, its attachments'), so a route added later is covered without touching this file.
Another county sees none of it either.

The report stays unconcluded: once a finding is recorded, the subject reads it (never the report) on their own
"findings about me" pages by design, which gridwatch/cases/tests/test_cadre_side.py covers."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, reverse
from django.urls.converters import IntConverter, UUIDConverter
from openpyxl import load_workbook

from gridwatch.accounts.jurisdiction import user_roles
from gridwatch.accounts.models import RoleAssignment, User
from gridwatch.accounts.roles import Role
from gridwatch.cases import services, urls
from gridwatch.cases.models import ReportAttachment
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_cadre, make_user
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level
from gridwatch.people.models import DeclaredRelation, RelationKind

WHAT = "在单位食堂宴请亲友"
CONFLICTS = ["subject", "own_unit", "unit_liaison", "relation"]


def report_routes(report):
    """``(name, url)`` of every ``cases`` route that takes an id, once with each id that belongs to the case:
    the report's own and those of its attachments (``attachments/<uuid:pk>/`` names an attachment). Any
    other id in a route gets the report's first entry or attachment."""
    attachment_ids = list(report.attachments.order_by("id").values_list("pk", flat=True))
    entry = report.entries.order_by("id").first()
    routes = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern), "a nested include would escape this walk"
        converters = pattern.pattern.converters
        if "pk" not in converters or not isinstance(converters["pk"], UUIDConverter):
            continue
        for pk in [report.pk, *attachment_ids]:
            kwargs = {}
            for name, converter in converters.items():
                if name == "pk":
                    kwargs[name] = pk
                elif isinstance(converter, UUIDConverter):
                    kwargs[name] = attachment_ids[0] if attachment_ids else report.pk
                elif isinstance(converter, IntConverter):
                    kwargs[name] = entry.pk if entry else 1
                else:
                    kwargs[name] = "x"
            routes.append((pattern.name, reverse(f"cases:{pattern.name}", kwargs=kwargs)))
    return routes


def route_policy(name):
    return next(p for p in urls.urlpatterns if p.name == name).callback.gridwatch_policy


@pytest.fixture
def report(cadre_a, grid_a, county_officer):
    """A named report about 张伟 (unit A, grid A1), with a message each way and an attachment."""
    report, _code = file_report(
        subject_cadre=cadre_a, grid=grid_a, what=WHAT, reporter_name="陈小明", reporter_phone="13912345678"
    )
    services.report_message_send(actor=county_officer, report=report, body="请补充时间")
    services.report_message_from_reporter(report=report, body="周五晚")
    ReportAttachment.objects.create(
        report=report,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="x.pdf"),
        content_type="application/pdf",
        size=15,
        display_name="1.pdf",
        from_reporter=True,
        added_on=report.received_on,
    )
    return report


def staff(name, role, county, township_a):
    if role == "county":
        return make_user(name, role=Role.COUNTY_STAFF, area=county)
    return make_user(name, role=Role.TOWNSHIP_STAFF, area=township_a)


def make_conflicted(conflict, role, *, county, township_a, unit_a, grid_a, cadre_a):
    user = staff(f"conflicted_{conflict}_{role}", role, county, township_a)
    if conflict == "subject":  # the cadre reported is a commission officer themselves
        cadre_a.user = user
        cadre_a.save(update_fields=["user"])
    elif conflict == "own_unit":  # a colleague: a cadre of the subject's unit
        colleague = make_cadre("王强", unit_a, grid_a)
        colleague.user = user
        colleague.save(update_fields=["user"])
    elif conflict == "unit_liaison":  # holds the unit liaison role on the subject's unit
        RoleAssignment.objects.create(user=user, role=Role.UNIT_LIAISON, unit=unit_a)
    elif conflict == "relation":
        DeclaredRelation.objects.create(user=user, cadre=cadre_a, kind=RelationKind.KIN)
    return User.objects.get(pk=user.pk)


def exported_references(client):
    response = client.get(reverse("cases:case_export"))
    assert response.status_code == 200
    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True)
    return [row[0] for row in rows]


def api_ids(client):
    response = client.get(reverse("api:case-list"))
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def assert_sees(client, report):
    """The control: someone of the same role without a conflict finds the report on every path."""
    assert report.pk in {r.pk for r in client.get(reverse("cases:case_list")).context["rows"]}
    assert report.reference in exported_references(client)
    assert str(report.pk) in api_ids(client)
    assert client.get(reverse("cases:case_detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("api:case-detail", args=[report.pk])).status_code == 200
    attachment = report.attachments.get()
    assert client.get(reverse("cases:attachment_download", args=[attachment.pk])).status_code == 200


def assert_hidden(client, user, report):
    """Absent from the list (searched by reference too), the export and the API list; 404 on the page, the
    API detail and every route of the case, whatever the method. A route whose role policy refuses the user
    anyway may say 403, and a route that takes only the other method 405: neither tells anything."""
    list_url = reverse("cases:case_list")
    assert report.pk not in {r.pk for r in client.get(list_url).context["rows"]}
    assert list(client.get(list_url, {"q": report.reference}).context["rows"]) == []
    assert report.reference not in exported_references(client)
    assert str(report.pk) not in api_ids(client)
    assert client.get(reverse("api:case-detail", args=[report.pk])).status_code == 404
    roles = user_roles(User.objects.get(pk=user.pk))
    routes = report_routes(report)
    assert {"case_detail", "case_message", "case_identity_reveal", "attachment_download"} <= {
        name for name, _url in routes
    }
    data = {"body": "x", "reason": "核实需要联系举报人", "note": "x", "scope": "unit"}
    for name, url in routes:
        policy = route_policy(name)
        refused_by_role = isinstance(policy, tuple) and not roles & set(policy[1])
        answers = {client.get(url).status_code, client.post(url, data).status_code}
        if refused_by_role:
            assert answers <= {403, 405}, (name, answers)
        else:
            assert 404 in answers and answers <= {404, 405}, (name, answers)
        for response in (client.get(url), client.post(url, data)):
            body = response.content.decode(errors="replace")
            assert WHAT not in body and "陈小明" not in body, name


@pytest.mark.parametrize("role", ["township", "county"])
@pytest.mark.parametrize("conflict", CONFLICTS)
def test_it_hides_the_case_on_every_path_from_a_conflicted_officer(
    as_user, report, conflict, role, county, township_a, unit_a, grid_a, cadre_a
):
    peer = staff(f"peer_{role}", role, county, township_a)
    assert_sees(as_user(peer), report)
    user = make_conflicted(
        conflict, role, county=county, township_a=township_a, unit_a=unit_a, grid_a=grid_a, cadre_a=cadre_a
    )
    assert_hidden(as_user(user), user, report)


@pytest.mark.parametrize("conflict", CONFLICTS)
def test_it_answers_404_on_every_route_to_a_conflicted_county_officer(
    as_user, report, conflict, county, township_a, unit_a, grid_a, cadre_a
):
    """County staff pass every role policy of the case routes: each one must then answer 404 itself."""
    user = make_conflicted(
        conflict,
        "county",
        county=county,
        township_a=township_a,
        unit_a=unit_a,
        grid_a=grid_a,
        cadre_a=cadre_a,
    )
    client = as_user(user)
    for name, url in report_routes(report):
        answers = {client.get(url).status_code, client.post(url, {}).status_code}
        assert 404 in answers and answers <= {404, 405}, (name, answers)


def test_it_hides_the_case_from_a_conflicted_grid_supervisor(as_user, report, grid_supervisor, cadre_a):
    client = as_user(grid_supervisor)
    assert client.get(reverse("cases:case_detail", args=[report.pk])).status_code == 200
    DeclaredRelation.objects.create(user=grid_supervisor, cadre=cadre_a, kind=RelationKind.ASSOCIATE)
    client = as_user(grid_supervisor)
    assert report.pk not in {r.pk for r in client.get(reverse("cases:case_list")).context["rows"]}
    assert str(report.pk) not in api_ids(client)
    assert client.get(reverse("cases:case_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("api:case-detail", args=[report.pk])).status_code == 404


# --- another county ---------------------------------------------------------------------------------------


@pytest.fixture
def longli(db):
    return geo.area_create(
        actor=None, code="522730000000", name="龙里县", level=Level.COUNTY, kind=Kind.COUNTY
    )


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.OFFICE])
def test_it_shows_another_county_none_of_the_case(as_user, report, longli, role):
    user = make_user(f"longli_{role}", role=role, area=longli)
    client = as_user(user)
    assert list(client.get(reverse("cases:case_list")).context["rows"]) == []
    assert exported_references(client) == []
    assert api_ids(client) == []
    assert client.get(reverse("api:case-detail", args=[report.pk])).status_code == 404
    assert_hidden(client, user, report)
