"""Every card view: the readers of the card's area get it, another grid or township gets 404, the cadre it
is about, their unit's liaison and the administrators see nothing, the wrong post gets 403, the wrong
method 405, anonymous visitors go to the sign-in page. Plus the pages end to end through the test client:
the draft saved item by item (htmx and without JavaScript), submit, review, the photo, the overview's
fixed query count."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from PIL import Image

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre, zh
from gridwatch.people.models import FileEntryKind
from gridwatch.supervision import card_selectors
from gridwatch.supervision.models import CardItem, CardStatus

from .cards_helpers import fill, start, submitted
from .conftest import team_member

NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def card_a(grid_supervisor, cadre_a):
    return fill(start(grid_supervisor, cadre_a), grid_supervisor, concerns=(4,))


def url(name, *args):
    return reverse(f"supervision:{name}", args=args)


READERS_OF_A = [
    "grid_supervisor",
    "grid_leader_a",
    "community_org_a",
    "township_officer_a",
    "commission_liaison",
    "county_officer",
    "office",
]


@pytest.mark.parametrize("persona", READERS_OF_A)
def test_it_shows_a_card_to_the_readers_of_its_area(request, as_user, card_a, grid_a, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.get(url("card_detail", card_a.pk))
    assert response.status_code == 200
    assert "在小区棋牌室打牌到深夜" in response.content.decode()
    overview = client.get(url("card_overview") + f"?grid={grid_a.code}")
    assert overview.status_code == 200
    assert url("card_detail", card_a.pk) in overview.content.decode()
    assert client.get(url("checklist")).status_code == 200


def test_it_audits_each_opening_of_a_card(as_user, county_officer, card_a):
    client = as_user(county_officer)
    client.get(url("card_detail", card_a.pk))
    client.get(url("card_detail", card_a.pk))
    assert AuditEvent.objects.filter(action="card.view", object_id=str(card_a.pk)).count() == 2


def test_it_answers_404_to_the_team_of_another_grid(as_user, card_a, grid_a2):
    client = as_user(team_member("supervisor_a2", grid_a2))
    assert client.get(url("card_detail", card_a.pk)).status_code == 404
    assert client.post(url("card_item_save", card_a.pk, 1), {"i1-rating": "normal"}).status_code == 404
    assert client.post(url("card_submit", card_a.pk)).status_code == 404
    assert client.get(url("card_photo", card_a.pk, 1)).status_code == 404
    assert client.post(url("card_start"), {"cadre": card_a.cadre_id}).status_code == 404


def test_it_answers_404_to_another_township(as_user, township_officer_b, card_a, grid_a):
    client = as_user(township_officer_b)
    assert client.get(url("card_detail", card_a.pk)).status_code == 404
    body = client.get(url("card_overview") + f"?grid={grid_a.code}").content.decode()
    assert url("card_detail", card_a.pk) not in body


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "audit_admin"])
def test_it_never_shows_a_card_to_the_cadre_their_unit_or_the_administrators(
    request, as_user, card_a, persona
):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("card_detail", card_a.pk)).status_code in (403, 404)
    assert client.get(url("card_overview")).status_code == 403
    assert client.get(url("checklist")).status_code == 403


def test_it_hides_the_card_from_a_reader_with_a_declared_relation(as_user, county_officer, card_a, cadre_a):
    from gridwatch.people.models import DeclaredRelation

    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind="kin")
    assert as_user(county_officer).get(url("card_detail", card_a.pk)).status_code == 404


def test_it_answers_403_to_readers_who_may_not_write_or_review(as_user, township_officer_a, card_a, cadre_a):
    client = as_user(township_officer_a)
    assert client.post(url("card_item_save", card_a.pk, 1), {"i1-rating": "normal"}).status_code == 403
    assert client.post(url("card_submit", card_a.pk)).status_code == 403
    assert client.post(url("card_review", card_a.pk), {"decision": "accept"}).status_code == 403
    assert client.post(url("card_start"), {"cadre": cadre_a.pk}).status_code == 403
    assert client.get(url("checklist_edit")).status_code == 403


def test_it_answers_403_to_a_supervisor_reviewing(as_user, grid_supervisor, card_a):
    from gridwatch.supervision import cards

    cards.card_submit(actor=grid_supervisor, card=card_a)
    response = as_user(grid_supervisor).post(url("card_review", card_a.pk), {"decision": "accept"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("card_overview", "post", ()),
        ("card_start", "get", ()),
        ("card_detail", "post", ("card",)),
        ("card_item_save", "get", ("card", 1)),
        ("card_photo", "post", ("card", 1)),
        ("card_submit", "get", ("card",)),
        ("card_review", "get", ("card",)),
        ("checklist", "post", ()),
        ("checklist_edit", "put", ()),
    ],
)
def test_it_answers_405_to_the_wrong_method(
    as_user, county_officer, grid_leader_a, card_a, name, method, args
):
    user = county_officer if name.startswith("checklist") else grid_leader_a
    args = [card_a.pk if a == "card" else a for a in args]
    assert getattr(as_user(user), method)(url(name, *args)).status_code == 405


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("card_overview", ()),
        ("card_detail", ("card",)),
        ("card_photo", ("card", 1)),
        ("checklist", ()),
        ("checklist_edit", ()),
    ],
)
def test_it_sends_anonymous_visitors_to_sign_in(client, card_a, name, args):
    args = [card_a.pk if a == "card" else a for a in args]
    response = client.get(url(name, *args))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------------------------------ the pages


def test_it_starts_a_card_from_the_overview(as_user, grid_supervisor, grid_a, cadre_a):
    client = as_user(grid_supervisor)
    body = client.get(url("card_overview")).content.decode()
    assert zh("No card yet") in body and cadre_a.name in body
    response = client.post(url("card_start"), {"cadre": cadre_a.pk, "month": "2026-11"})
    card = card_selectors.cards_for(grid_supervisor).get()
    assert response.status_code == 302 and response["Location"] == url("card_detail", card.pk)


def test_it_saves_an_item_with_htmx_and_returns_only_its_fragment(as_user, grid_supervisor, cadre_a):
    card = start(grid_supervisor, cadre_a)
    client = as_user(grid_supervisor)
    response = client.post(
        url("card_item_save", card.pk, 3),
        {"i3-rating": "concern", "i3-note": "多次在小区与社会闲散人员饮酒"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="item-3"' in body and 'id="item-4"' not in body and "<html" not in body
    assert 'hx-swap-oob="true"' in body
    item = CardItem.objects.get(card=card, checklist_item__position=3)
    assert item.rating == "concern" and item.note == "多次在小区与社会闲散人员饮酒"


def test_it_saves_an_item_without_javascript_and_comes_back_to_it(as_user, grid_supervisor, cadre_a):
    card = start(grid_supervisor, cadre_a)
    response = as_user(grid_supervisor).post(url("card_item_save", card.pk, 2), {"i2-rating": "normal"})
    assert response.status_code == 302 and response["Location"].endswith("#item-2")


def test_it_shows_the_submit_refusal_on_the_page(as_user, grid_supervisor, cadre_a):
    card = start(grid_supervisor, cadre_a)
    response = as_user(grid_supervisor).post(url("card_submit", card.pk), {"summary": ""})
    assert response.status_code == 400
    card.refresh_from_db()
    assert card.status == CardStatus.DRAFT


def test_it_submits_and_the_leader_accepts_through_the_pages(
    as_user, grid_supervisor, grid_leader_a, card_a, cadre_a, county_officer
):
    client = as_user(grid_supervisor)
    assert client.post(url("card_submit", card_a.pk), {"summary": "总体良好"}).status_code == 302
    client = as_user(grid_leader_a)
    assert zh("Record the review") in client.get(url("card_detail", card_a.pk)).content.decode()
    response = client.post(url("card_review", card_a.pk), {"decision": "return", "note": ""})
    assert response.status_code == 400
    response = client.post(url("card_review", card_a.pk), {"decision": "accept", "note": ""})
    assert response.status_code == 302
    card_a.refresh_from_db()
    assert card_a.status == CardStatus.REVIEWED
    # The county staff read the observation in the cadre's file; the cadre never does.
    file_page = (
        as_user(county_officer).get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    )
    assert "2026-11" in file_page and zh("Observation") in file_page


def test_it_keeps_card_entries_out_of_the_cadres_own_file(
    as_user, grid_supervisor, grid_leader_a, cadre_a, cadre_user, unit_liaison
):
    from gridwatch.supervision import cards

    card = submitted(grid_supervisor, cadre_a, concerns=(1,))
    cards.card_review(actor=grid_leader_a, card=card, accept=True)
    assert cadre_a.file_entries.filter(kind=FileEntryKind.OBSERVATION).count() == 1
    for user, page in (
        (cadre_user, reverse("people:my_file")),
        (unit_liaison, reverse("people:cadre_detail", args=[cadre_a.pk])),
    ):
        response = as_user(user).get(page)
        assert response.status_code == 200
        assert zh("Observation") not in response.content.decode()
        assert not [e for e in response.context["timeline"] if e.kind == FileEntryKind.OBSERVATION]


def _photo_with_gps():
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (26.0, 1.0, 0.0), 3: "E", 4: (106.0, 27.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "IMG_20261118_张伟家门口.jpg"
    return buffer


def test_it_strips_gps_from_a_photo_and_serves_it_audited(as_user, grid_supervisor, county_officer, cadre_a):
    card = start(grid_supervisor, cadre_a)
    photo = _photo_with_gps()
    assert Image.open(photo).getexif().get_ifd(0x8825)
    photo.seek(0)
    client = as_user(grid_supervisor)
    response = client.post(
        url("card_item_save", card.pk, 1), {"i1-rating": "concern", "i1-note": "门口", "i1-photo": photo}
    )
    assert response.status_code == 302
    item = CardItem.objects.get(card=card, checklist_item__position=1)
    assert item.photo and "张伟" not in item.photo.name
    with item.photo.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert not stored.getexif() and stored.format == "JPEG"
    response = as_user(county_officer).get(url("card_photo", card.pk, 1))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(action="card.photo_view").count() == 1


def test_it_refuses_a_file_that_is_not_a_photo(as_user, grid_supervisor, cadre_a):
    card = start(grid_supervisor, cadre_a)
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    pdf.name = "x.pdf"
    response = as_user(grid_supervisor).post(
        url("card_item_save", card.pk, 1), {"i1-rating": "normal", "i1-photo": pdf}
    )
    assert response.status_code == 400
    assert not CardItem.objects.get(card=card, checklist_item__position=1).photo


def _overview_queries(client, grid, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url("card_overview") + f"?grid={grid.code}").status_code == 200
    return len(captured.captured_queries)


def test_it_costs_the_same_queries_at_2_and_at_20_cadres(
    as_user, township_officer_a, grid_supervisor, grid_a, unit_a, unit_b, django_assert_max_num_queries
):
    """The overview's query count does not grow with the grid's cadres and cards."""
    cadres = [make_cadre(f"干部{i}", unit_a if i % 2 else unit_b, grid_a) for i in range(2)]
    start(grid_supervisor, cadres[0])
    client = as_user(township_officer_a)
    small = _overview_queries(client, grid_a, django_assert_max_num_queries)
    cadres += [make_cadre(f"干部{i}", unit_a if i % 2 else unit_b, grid_a) for i in range(2, 20)]
    for cadre in cadres[1:12]:
        start(grid_supervisor, cadre)
    assert _overview_queries(client, grid_a, django_assert_max_num_queries) == small


def test_it_keeps_card_entries_from_a_colleague_on_the_grid_team(
    as_user, grid_supervisor, grid_leader_a, grid_a, cadre_a, unit_a
):
    """A grid team member who works in the cadre's unit reads neither the card nor its file entry."""
    from gridwatch.supervision import cards

    card = submitted(grid_supervisor, cadre_a)
    cards.card_review(actor=grid_leader_a, card=card, accept=True)
    colleague = team_member("deputy_colleague", grid_a, role="deputy")
    make_cadre("赵敏", unit_a, grid_a, user=colleague)
    client = as_user(colleague)
    assert client.get(url("card_detail", card.pk)).status_code == 404
    response = client.get(reverse("people:cadre_detail", args=[cadre_a.pk]))
    if response.status_code == 200:
        assert not [e for e in response.context["timeline"] if e.kind == FileEntryKind.OBSERVATION]
    # The grid leader, not conflicted, reads it.
    response = as_user(grid_leader_a).get(reverse("people:cadre_detail", args=[cadre_a.pk]))
    assert [e for e in response.context["timeline"] if e.kind == FileEntryKind.OBSERVATION]
