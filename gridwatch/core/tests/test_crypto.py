"""Field encryption at rest (SECURITY.md item 4): ciphertext in the database, tampering detected, keys
rotated by a command."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre
from gridwatch.core.crypto import DecryptionError, FernetProvider, get_provider, keyed_hash
from gridwatch.people.models import Cadre

PHONE = "13912345678"


def db_pk(cadre):
    return Cadre._meta.pk.get_db_prep_value(cadre.pk, connection)


def raw_phone(cadre):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM people_cadre WHERE id = %s", [db_pk(cadre)])
        return cursor.fetchone()[0]


def set_raw_phone(cadre, value):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_cadre SET phone = %s WHERE id = %s", [value, db_pk(cadre)])


@pytest.fixture
def cadre(unit_a, grid_a):
    return make_cadre("赵敏", unit_a, grid_a, phone=PHONE)


def test_it_stores_the_phone_as_ciphertext(cadre):
    stored = raw_phone(cadre)
    assert stored and PHONE not in stored
    assert Cadre.objects.get(pk=cadre.pk).phone == PHONE


def test_it_encrypts_the_same_phone_differently_each_time(unit_a, grid_a, cadre):
    other = make_cadre("钱多", unit_a, grid_a, phone=PHONE)
    assert raw_phone(other) != raw_phone(cadre)


def test_it_leaves_an_empty_phone_empty(unit_a, grid_a):
    cadre = make_cadre("孙丽", unit_a, grid_a, phone="")
    assert raw_phone(cadre) == ""


def test_it_refuses_a_tampered_ciphertext(cadre):
    stored = raw_phone(cadre)
    position = len(stored) // 2
    flipped = "A" if stored[position] != "A" else "B"
    set_raw_phone(cadre, stored[:position] + flipped + stored[position + 1 :])
    with pytest.raises(DecryptionError):
        Cadre.objects.get(pk=cadre.pk)


def test_it_refuses_a_ciphertext_made_with_an_unknown_key(cadre):
    foreign = FernetProvider([Fernet.generate_key().decode()]).encrypt(PHONE)
    set_raw_phone(cadre, foreign)
    with pytest.raises(DecryptionError):
        Cadre.objects.get(pk=cadre.pk)


def test_it_rotates_the_field_keys(settings, unit_a, grid_a):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.GRIDWATCH_FIELD_KEYS = [old_key]
    cadres = [make_cadre(f"干部{i}", unit_a, grid_a, phone=f"1390000{i:04d}") for i in range(7)]
    blank = make_cadre("无电话", unit_a, grid_a, phone="")
    before = {c.pk: raw_phone(c) for c in cadres}

    settings.GRIDWATCH_FIELD_KEYS = [new_key]
    with pytest.raises(DecryptionError):
        Cadre.objects.get(pk=cadres[0].pk)

    settings.GRIDWATCH_FIELD_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", "--batch-size", "3", stdout=io.StringIO())

    settings.GRIDWATCH_FIELD_KEYS = [new_key]
    for i, c in enumerate(cadres):
        assert raw_phone(c) != before[c.pk]
        assert Cadre.objects.get(pk=c.pk).phone == f"1390000{i:04d}"
    assert raw_phone(blank) == ""
    event = AuditEvent.objects.get(action="crypto.rotate_field_keys")
    assert event.changes["rotated"]["people.cadre.phone"] == 7
    assert event.changes["failed"] == {}


def test_it_reports_values_no_key_can_read(settings, cadre):
    from django.core.management.base import CommandError

    set_raw_phone(cadre, FernetProvider([Fernet.generate_key().decode()]).encrypt(PHONE))
    with pytest.raises(CommandError, match="people.cadre.phone"):
        call_command("rotate_field_keys", stdout=io.StringIO())
    assert AuditEvent.objects.get(action="crypto.rotate_field_keys").changes["failed"] == {
        "people.cadre.phone": 1
    }


def test_it_uses_the_first_key_for_writing(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.GRIDWATCH_FIELD_KEYS = [first, second]
    token = get_provider().encrypt(PHONE)
    assert FernetProvider([first]).decrypt(token) == PHONE
    with pytest.raises(DecryptionError):
        FernetProvider([second]).decrypt(token)


def test_it_keys_hashes_with_the_pepper(settings):
    settings.GRIDWATCH_PEPPER = "pepper-one"
    one = keyed_hash("13800000000", "phone")
    settings.GRIDWATCH_PEPPER = "pepper-two"
    assert keyed_hash("13800000000", "phone") != one
    assert keyed_hash("13800000000", "receipt") != keyed_hash("13800000000", "phone")
