import pytest

from skillcert.lib.crypto import DecryptionFailed, FieldCipher

KEY = "k" * 40
OTHER = "o" * 40


def test_round_trip():
    cipher = FieldCipher(KEY)
    assert cipher.decrypt(cipher.encrypt("150102198503150015")) == "150102198503150015"


def test_ciphertext_is_randomised_and_hides_the_value():
    cipher = FieldCipher(KEY)
    first, second = cipher.encrypt("13800000001"), cipher.encrypt("13800000001")
    assert first != second
    assert "13800000001" not in first


def test_tampered_ciphertext_is_refused():
    cipher = FieldCipher(KEY)
    token = cipher.encrypt("13800000001")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(tampered)


def test_another_key_cannot_decrypt():
    with pytest.raises(DecryptionFailed):
        FieldCipher(OTHER).decrypt(FieldCipher(KEY).encrypt("x"))


def test_rotation_new_key_first_still_reads_old_values():
    old_token = FieldCipher(KEY).encrypt("secret")
    rotated = FieldCipher(f"{OTHER},{KEY}", lookup_key=KEY)
    assert rotated.decrypt(old_token) == "secret"
    assert FieldCipher(OTHER).decrypt(rotated.rotate(old_token)) == "secret"


def test_lookup_hash_is_stable_and_keyed():
    assert FieldCipher(KEY).lookup_hash("x") == FieldCipher(KEY).lookup_hash("x")
    assert FieldCipher(KEY).lookup_hash("x") != FieldCipher(OTHER).lookup_hash("x")
    assert FieldCipher(f"{OTHER},{KEY}", lookup_key=KEY).lookup_hash("x") == FieldCipher(KEY).lookup_hash("x")


@pytest.mark.parametrize("keys", ["", "short", f"{KEY},short"])
def test_weak_keys_are_refused(keys):
    with pytest.raises(ValueError):
        FieldCipher(keys)
