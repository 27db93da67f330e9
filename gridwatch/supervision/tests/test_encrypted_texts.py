"""The grid leader's remarks on a supervision card and an inspection's findings, corrections and follow-up
name cadres and matters: they are encrypted at rest (SECURITY.md item 4), like the card's summary and item
notes. The services run for real with a sentinel in each text, then every column of every table is read as
text and searched: no sentinel lies there readable. The pages that show the texts show them to their
readers as before; the lists that do not show them do not decrypt them. The migration encrypts the texts
recorded before and decrypts them back when reversed."""

import importlib
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from gridwatch.conftest import make_cadre, plain_copies
from gridwatch.supervision import card_selectors, cards, inspections, selectors
from gridwatch.supervision.models import CardStatus, Inspection, InspectionStatus, SupervisionCard

from .cards_helpers import fill, start
from .conftest import write_entry
from .test_inspections import record

# Each text carries an ASCII mark that survives any encoding but encryption (a JSON column on SQLite
# escapes the Chinese).
RETURNED = "第4项说明不清，请补充张伟同志打牌的时间 CANARY-RETURNED-5b1e"
ACCEPTED = "王芳同志本月表现良好 CANARY-ACCEPTED-c7d2"
FINDINGS = "网格监督卡有两张未按时提交，张伟同志未参加走访 CANARY-FINDINGS-0a9f"
CORRECTIONS = "补交监督卡，补记走访情况 CANARY-CORRECTIONS-3e44"
FOLLOW_UP = "经复查已整改到位 CANARY-FOLLOWUP-81b6"
SECRETS = (RETURNED, ACCEPTED, FINDINGS, CORRECTIONS, FOLLOW_UP)


@pytest.fixture
def scene(grid_supervisor, grid_leader_a, office, grid_a, cadre_a, unit_a):
    """Every text written through the services: a card returned with the grid leader's reason, a card
    accepted with remarks, and an inspection with corrections followed up and closed."""
    returned = fill(start(grid_supervisor, cadre_a), grid_supervisor, concerns=(4,))
    cards.card_submit(actor=grid_supervisor, card=returned)
    cards.card_review(actor=grid_leader_a, card=returned, accept=False, note=RETURNED)

    colleague = make_cadre("王芳", unit_a, grid_a)
    accepted = fill(start(grid_supervisor, colleague), grid_supervisor)
    cards.card_submit(actor=grid_supervisor, card=accepted)
    cards.card_review(actor=grid_leader_a, card=accepted, accept=True, note=ACCEPTED)

    inspection = record(office, grid_a, findings=FINDINGS, corrections=CORRECTIONS, cadres=[cadre_a])
    inspections.inspection_follow_up(actor=office, inspection=inspection, follow_up=FOLLOW_UP)
    return {"returned": returned, "accepted": accepted, "inspection": inspection}


# ------------------------------------------------------------------------------------- the database


def test_no_text_lies_readable_anywhere_in_the_database(scene):
    assert plain_copies(SECRETS) == []
    stored = raw("SELECT review_note FROM supervision_supervisioncard") + raw(
        "SELECT findings, corrections, follow_up FROM supervision_inspection"
    )
    assert stored.count("gAAAAA") == 5  # two remarks, three inspection texts: Fernet tokens


def test_the_texts_are_read_as_written(scene):
    returned = SupervisionCard.objects.get(pk=scene["returned"].pk)
    assert (returned.status, returned.review_note) == (CardStatus.RETURNED, RETURNED)
    assert SupervisionCard.objects.get(pk=scene["accepted"].pk).review_note == ACCEPTED
    inspection = Inspection.objects.get(pk=scene["inspection"].pk)
    assert (inspection.status, inspection.findings, inspection.corrections, inspection.follow_up) == (
        InspectionStatus.CLOSED,
        FINDINGS,
        CORRECTIONS,
        FOLLOW_UP,
    )


def test_empty_texts_stay_empty(office, grid_a):
    """An inspection without corrections keeps empty columns: "none" shows without decrypting."""
    inspection = record(office, grid_a, findings=FINDINGS, corrections="")
    assert raw(
        "SELECT corrections, follow_up FROM supervision_inspection WHERE id = %s", [_key(inspection.pk)]
    ) == json.dumps([["", ""]])


# ----------------------------------------------------------------------------------------- the readers


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    "persona", ["grid_supervisor", "grid_leader_a", "township_officer_a", "county_officer"]
)
def test_the_card_pages_show_the_grid_leaders_remarks_to_their_readers(request, as_user, scene, persona):
    client = as_user(request.getfixturevalue(persona))
    assert RETURNED in page(client, reverse("supervision:card_detail", args=[scene["returned"].pk]))
    assert ACCEPTED in page(client, reverse("supervision:card_detail", args=[scene["accepted"].pk]))


@pytest.mark.parametrize("persona", ["office", "county_officer", "township_officer_a", "grid_leader_a"])
def test_the_inspection_page_shows_its_texts_to_its_readers(request, as_user, scene, persona):
    client = as_user(request.getfixturevalue(persona))
    shown = page(client, reverse("supervision:inspection_detail", args=[scene["inspection"].pk]))
    for text in (FINDINGS, CORRECTIONS, FOLLOW_UP):
        assert text in shown, text
    # The list shows the start of the findings, as before.
    assert FINDINGS[:20] in page(client, reverse("supervision:inspection_list"))


# ------------------------------------------------------------------------- the lists decrypt nothing more


def test_the_lists_decrypt_only_what_they_show(
    scene, as_user, county_officer, grid_a, grid_supervisor, decrypted
):
    write_entry(grid_supervisor, grid_a, people_met="两位退休居民 CANARY-MET-77aa")
    client = as_user(county_officer)
    page(client, reverse("supervision:card_overview") + f"?grid={grid_a.code}")
    page(client, reverse("supervision:inspection_list"))
    page(client, reverse("supervision:diary_list"))
    read = "\n".join(decrypted)
    for mark in ("RETURNED", "ACCEPTED", "CORRECTIONS", "FOLLOWUP", "MET"):
        assert f"CANARY-{mark}-" not in read, mark
    assert FINDINGS in read  # the inspection list shows the start of the findings


def test_the_list_selectors_defer_the_texts(scene, county_officer, grid_a):
    rows = card_selectors.overview(user=county_officer, grid=grid_a, month=scene["returned"].month)
    assert all({"summary", "review_note"} <= card.get_deferred_fields() for _cadre, card in rows if card)
    listed = list(inspections.inspection_list(user=county_officer))
    assert listed and all(i.get_deferred_fields() == {"corrections", "follow_up"} for i in listed)
    assert all(e.get_deferred_fields() == {"people_met"} for e in selectors.diary_list(user=county_officer))


# ----------------------------------------------------------------------------------------- the migration


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return json.dumps(cursor.fetchall(), ensure_ascii=False, default=str)


def _key(pk):
    return pk.hex if connection.vendor == "sqlite" else pk


def _editor():
    return SimpleNamespace(connection=connection)


def test_the_migration_encrypts_the_texts_recorded_before_and_decrypts_them_back(scene, office, grid_a):
    returned, inspection = scene["returned"], scene["inspection"]
    without = record(office, grid_a, findings="x", corrections="")
    # As they were recorded before: in plain.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE supervision_supervisioncard SET review_note = %s WHERE id = %s",
            [RETURNED, _key(returned.pk)],
        )
        cursor.execute(
            "UPDATE supervision_supervisioncard SET review_note = %s WHERE id = %s",
            [ACCEPTED, _key(scene["accepted"].pk)],
        )
        cursor.execute(
            "UPDATE supervision_inspection SET findings = %s, corrections = %s, follow_up = %s WHERE id = %s",
            [FINDINGS, CORRECTIONS, FOLLOW_UP, _key(inspection.pk)],
        )
        cursor.execute(
            "UPDATE supervision_inspection SET findings = %s WHERE id = %s", ["x", _key(without.pk)]
        )
    assert {text for _t, _c, text in plain_copies(SECRETS)} == set(SECRETS)
    migration = importlib.import_module("gridwatch.supervision.migrations.0004_encrypted_texts")

    migration.encrypt(None, _editor())
    migration.encrypt(None, _editor())  # run again (after a failure, or over rows the new code wrote): no-op
    assert plain_copies(SECRETS) == []
    assert SupervisionCard.objects.get(pk=returned.pk).review_note == RETURNED
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert (inspection.findings, inspection.corrections, inspection.follow_up) == (
        FINDINGS,
        CORRECTIONS,
        FOLLOW_UP,
    )
    without = Inspection.objects.get(pk=without.pk)
    assert (without.findings, without.corrections, without.follow_up) == ("x", "", "")  # empty stays empty

    migration.decrypt(None, _editor())
    assert raw("SELECT review_note FROM supervision_supervisioncard WHERE id = %s", [_key(returned.pk)]) == (
        json.dumps([[RETURNED]], ensure_ascii=False)
    )
    assert raw(
        "SELECT findings, corrections, follow_up FROM supervision_inspection WHERE id = %s",
        [_key(inspection.pk)],
    ) == json.dumps([[FINDINGS, CORRECTIONS, FOLLOW_UP]], ensure_ascii=False)
    assert raw(
        "SELECT findings, corrections, follow_up FROM supervision_inspection WHERE id = %s",
        [_key(without.pk)],
    ) == json.dumps([["x", "", ""]])
