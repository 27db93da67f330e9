"""Field encryption behind one CryptoProvider (SECURITY.md item 4).

The default provider is Fernet (AES-128-CBC + HMAC-SHA256) through ``cryptography``, with every key of
``GRIDWATCH_FIELD_KEYS`` accepted for reading and the first used for writing, so keys rotate with the
``rotate_field_keys`` command. A tampered ciphertext raises ``DecryptionError``, never returns garbage.
An SM4 provider for 密评 can replace it by implementing the same three methods.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class DecryptionError(Exception):
    pass


class CryptoProvider:
    def encrypt(self, plaintext: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def decrypt(self, ciphertext: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def rotate(self, ciphertext: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


def _fernet_key(material: str) -> bytes:
    try:
        key = material.encode()
        Fernet(key)
        return key
    except (ValueError, TypeError):
        # A passphrase, not a Fernet key: derive one (development keys only; production uses real keys).
        return base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())


class FernetProvider(CryptoProvider):
    def __init__(self, keys):
        if not keys:
            raise ValueError("at least one field key is required")
        self._fernet = MultiFernet([Fernet(_fernet_key(k)) for k in keys])

    def encrypt(self, plaintext):
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext):
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except (InvalidToken, ValueError) as exc:
            raise DecryptionError("ciphertext is corrupt or was made with an unknown key") from exc

    def rotate(self, ciphertext):
        """The same plaintext encrypted with the first key (for ``rotate_field_keys``)."""
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except (InvalidToken, ValueError) as exc:
            raise DecryptionError("ciphertext is corrupt or was made with an unknown key") from exc


@cache
def _provider_for(keys):
    return FernetProvider(list(keys))


def get_provider():
    return _provider_for(tuple(settings.GRIDWATCH_FIELD_KEYS))


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 with the pepper from the environment: lookups without storing the value."""
    key = hmac.new(settings.GRIDWATCH_PEPPER.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. Empty stays empty (so 'not given' is visible without decrypting)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return get_provider().decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return get_provider().encrypt(value)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "gridwatch.core.crypto.EncryptedTextField", args, kwargs


def encrypted_fields():
    from django.apps import apps

    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


# ----------------------------------------------------------------------- data migrations of columns


def _rewrite_columns(schema_editor, tables, change):
    """Every non-empty value of ``tables`` (``[(table, (column, ...)), ...]``) replaced by ``change(value)``,
    read and written as raw SQL: a migration that makes a column encrypted declares it so in its model state
    already, so the ORM would decrypt what is still plain."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns in tables:
            names = ", ".join(quote(c) for c in columns)
            cursor.execute(f"SELECT {quote('id')}, {names} FROM {quote(table)}")
            sets = ", ".join(f"{quote(c)} = %s" for c in columns)
            for pk, *values in cursor.fetchall():
                cursor.execute(
                    f"UPDATE {quote(table)} SET {sets} WHERE {quote('id')} = %s",
                    [change(v) if v else v for v in values] + [pk],
                )


def encrypt_columns(schema_editor, tables):
    """For a data migration: encrypt the texts of ``tables`` recorded in plain. A value already encrypted is
    left as it is (rows the new code wrote during an upgrade, a migration run again after a failure)."""
    provider = get_provider()

    def once(value):
        try:
            provider.decrypt(value)
        except DecryptionError:
            return provider.encrypt(value)
        return value

    _rewrite_columns(schema_editor, tables, once)


def decrypt_columns(schema_editor, tables):
    """For the reverse of ``encrypt_columns``: the texts of ``tables`` back in plain."""
    _rewrite_columns(schema_editor, tables, get_provider().decrypt)
