"""The simulator's keys: generated once, shared by every process, race-free."""

import json
import stat
from dataclasses import asdict

from cryptography import x509

from paysim import keys


def test_keys_are_generated_once_and_reread(settings, tmp_path):
    settings.PAYSIM_KEY_DIR = tmp_path / "paysim"
    first = keys.get_keys()
    keys._cache.clear()  # another process
    again = keys.get_keys()
    assert again == first
    assert len(first.apiv3_key) == 32
    assert len(first.merchant_serial_no) == 40
    assert first.merchant_private_key.key_size == first.platform_private_key.key_size == 2048
    certificate = first.platform_certificate
    assert isinstance(certificate, x509.Certificate)
    assert certificate.public_key().public_numbers() == first.platform_private_key.public_key().public_numbers()
    assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days >= 5 * 365
    assert first.platform_serial_no == format(certificate.serial_number, "X")
    path = settings.PAYSIM_KEY_DIR / keys.FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in settings.PAYSIM_KEY_DIR.iterdir()] == [keys.FILE_NAME]  # no temporary file left


def test_the_worker_that_loses_the_race_uses_the_winners_keys(settings, tmp_path, monkeypatch):
    settings.PAYSIM_KEY_DIR = tmp_path / "paysim"
    winner = keys.generate()
    real_generate = keys.generate

    def generate_while_another_worker_publishes():
        mine = real_generate()
        (settings.PAYSIM_KEY_DIR / keys.FILE_NAME).write_text(json.dumps(asdict(winner)), encoding="utf-8")
        return mine

    monkeypatch.setattr(keys, "generate", generate_while_another_worker_publishes)
    assert keys.get_keys().apiv3_key == winner.apiv3_key


def test_the_merchant_key_file(settings, tmp_path):
    settings.PAYSIM_KEY_DIR = tmp_path / "paysim"
    path = keys.merchant_private_key_file()
    assert path.read_text(encoding="utf-8") == keys.get_keys().merchant_private_key_pem
