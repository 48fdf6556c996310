"""argon2id hashes: verified, refused, and upgraded when the cost settings change."""

from __future__ import annotations

from service.settings import Settings
from service.staff.passwords import dummy_hash, hash_password, verify_password

CHEAP = Settings(debug=True, password_time_cost=1, password_memory_kib=1024)


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("a long enough secret", CHEAP)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "a long enough secret", CHEAP).ok
    assert not verify_password(stored, "a long enough secreT", CHEAP).ok


def test_a_hash_made_with_other_costs_asks_for_a_rehash() -> None:
    stronger = CHEAP.model_copy(update={"password_time_cost": 2})
    stored = hash_password("a long enough secret", CHEAP)
    assert not verify_password(stored, "a long enough secret", CHEAP).needs_rehash
    check = verify_password(stored, "a long enough secret", stronger)
    assert check.ok
    assert check.needs_rehash


def test_garbage_in_the_hash_column_is_a_refusal_not_a_crash() -> None:
    assert not verify_password("not-a-hash", "whatever", CHEAP).ok


def test_the_dummy_hash_matches_no_password() -> None:
    assert not verify_password(dummy_hash(CHEAP), "", CHEAP).ok


def test_production_defaults_are_argon2_recommended_costs() -> None:
    # The field defaults, not Settings(): the test run lowers the costs in the environment.
    fields = Settings.model_fields
    assert fields["password_time_cost"].default == 3
    assert fields["password_memory_kib"].default == 64 * 1024
    assert fields["min_password_length"].default >= 12
