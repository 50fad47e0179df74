"""The certificate's serif face: converted once per version of its source, found by the source's hash,
read by ReportLab as TrueType."""

from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from skillcert.pdf import serif


@pytest.fixture
def font_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(serif.FONT_DIR_ENV, str(tmp_path))
    return tmp_path


@pytest.fixture
def conversions(monkeypatch):
    """Stand in for the 25-second conversion: record each call and write a marker file."""
    calls: list[Path] = []

    def convert(source: Path, target: Path) -> None:
        calls.append(target)
        target.write_bytes(b"converted")

    monkeypatch.setattr(serif, "convert", convert)
    return calls


def test_the_installed_source_is_noto_serif_sc_with_cff_outlines():
    source = serif.source_path()
    assert source is not None and source.name == "NotoSerifSC-Regular.otf"
    assert source.read_bytes()[:4] == b"OTTO"  # CFF: what ReportLab cannot read, hence the conversion


def test_the_build_is_named_by_the_source_hash_and_made_once(font_dir, conversions):
    first = serif.build()
    assert first is not None and first.parent == font_dir
    assert first.name == f"NotoSerifSC-Regular-{serif.source_digest(serif.source_path())}.ttf"
    assert serif.build() == first and serif.built_path() == first
    assert conversions == [first]


def test_a_conversion_of_another_source_version_is_removed(font_dir, conversions):
    stale = font_dir / "NotoSerifSC-Regular-0000000000000000.ttf"
    stale.write_bytes(b"old")
    current = serif.build()
    assert not stale.exists() and current.exists()


def test_nothing_is_built_at_run_time(font_dir, conversions):
    assert serif.built_path() is None
    assert conversions == []


def test_without_the_source_package_nothing_is_built(font_dir, conversions, monkeypatch):
    monkeypatch.setattr(serif, "SOURCE_PACKAGE", "no_such_font_package")
    assert serif.build() is None and conversions == []


def test_the_installed_conversion_is_truetype_that_reportlab_reads():
    built = serif.built_path()
    assert built is not None, "make install builds the certificate font (python -m skillcert.pdf.serif)"
    assert built.read_bytes()[:4] == b"\x00\x01\x00\x00"
    face = TTFont("SerifProbe", str(built)).face
    assert all(ord(char) in face.charToGlyph for char in "职业技能等级证书王小明巴特尔（）：0123456789S")
