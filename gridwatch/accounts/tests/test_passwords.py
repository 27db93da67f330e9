"""Password storage and policy (SECURITY.md item 5)."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

import gridwatch.settings as project_settings


def test_it_hashes_passwords_with_argon2id_first():
    """The project's own setting (the test run swaps in a fast hasher, so read the module)."""
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert (
        Argon2PasswordHasher()
        .encode("Xq7!mountain", Argon2PasswordHasher().salt())
        .startswith("argon2$argon2id$")
    )


@pytest.mark.parametrize("password", ["Xq7!mountain", "river-Stone-82", "TEA.house.19", "Qingshan#2049"])
def test_it_accepts_a_strong_password(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!xyz", "shorter than 8"),
        ("mountainriver", "one character class"),
        ("mountainriver42", "two character classes"),
        ("Password1", "a common password"),
        ("Changshun@2026", "the county's name"),
        ("Guangshun#88x", "a township's name"),
        ("长顺Abc12345", "the county's name in Chinese"),
        ("Gridwatch!2026", "the system's name"),
        ("P@ssw0rd", "a common password with four classes"),
        ("Qwerty123", "a common password with three classes"),
    ],
)
def test_it_refuses_a_weak_password(password, reason):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_it_refuses_a_password_like_the_user_name():
    from gridwatch.conftest import make_user

    user = make_user("wangxiaoming")
    with pytest.raises(ValidationError):
        validate_password("Wangxiaoming1!", user=user)
