"""Checks on the documents an applicant uploads from a phone, and what is stored of them. Pure module: no Django.

The generic layer (type detection, size, the PDF safety walk, text extraction, 字数) is
`skillcert.uploads`; this module adds the rules of the applicant's slots on top of it.

Every check takes the raw bytes and the client's file name and either returns a
`CheckedUpload` or raises `UploadRejected`, whose str() is a Chinese message to
show next to the field. Nothing is stored on failure: the caller then asks
`prepare_for_storage` for the bytes to store (`StoredFile`: every image re-encoded
upright without metadata, the photo downscaled to a JPEG under 2 MB; PDFs as
uploaded), stores those under a name of its own ending in `StoredFile.extension`,
records `StoredFile.sha256` (the digest of the stored bytes) and shows
`StoredFile.notes` to the applicant. The original of an image is never kept.

The client's file name is never trusted, never parsed and never used: the type is
detected from the content (magic bytes, then Pillow or pypdf must parse it).

Which check for which material:

* `check_photo`               白底证件照: JPEG, PNG or BMP as a phone takes it (≤ 20 MB), white background.
* `check_document`            身份证正反面、学历证书、诚信承诺书扫描件、原证书、网上查询截图:
                              PDF or image (JPEG, PNG, BMP).
* `check_technical_summary`   技术总结: PDF only, ≥ 1000 字.
* `check_paper`               论文: PDF only, ≥ 3000 字.
* `skillcert.uploads.check_pdf` 专利、项目报告 and any other PDF-only material: no length rule.

Limits (module constants, chosen for this campaign):

* Photo: the upload ≤ 20 MB and 50 megapixels (a 48-megapixel phone camera
  writes 8064 × 6048, 10–20 MB; a 12-megapixel one 3024 × 4032, 3–6 MB); JPEGs are
  decoded at 1/2–1/8 scale where that suffices, so a big phone photo costs little
  memory. After EXIF rotation at least 260 × 320 px (a 小一寸 photo scanned at 300
  dpi is 260 × 378, a 一寸 photo 295 × 413, the ID-card photo standard 358 × 441;
  320 leaves room for a slightly cropped one); portrait: height / width between
  1.1 and 1.8 (一寸 1.40, ID-card standard 1.23, phone 4:3 is 1.33, 16:9 is 1.78).
  Stored (the notice's rule: jpg under 2 MB, 2 × 1024 × 1024 bytes): fitted into
  1200 × 1600 px (二寸 at 300 dpi is 413 × 579), JPEG quality 90, lowered until
  it fits. HEIC (an iPhone's own format) cannot be read by Pillow here (no
  pillow-heif): it is refused with how to get a JPEG; iPhones convert to JPEG
  by themselves when the page asks for JPEG, PNG or BMP.
* Other images are stored with the same pixels, EXIF rotation applied, colours
  converted to sRGB from an embedded ICC profile, and re-encoded (JPEG as JPEG at
  quality 90, PNG and BMP as PNG) without EXIF, GPS, XMP, ICC, comments or PNG
  text chunks.
* White background: the photo is shrunk to at most 300 px, then a band of 6 % of
  the width (or height) is sampled along the top edge and along the upper half of
  the left and right edges (the bottom and the lower sides are shoulders and
  clothes). A sampled pixel is "white" if its luminance is ≥ 200 and its channel
  spread (max − min of R, G, B) is ≤ 40. The photo passes if the mean luminance
  of the band is ≥ 220 and ≥ 90 % of its pixels are white. Blue (≈ 128) and red
  (≈ 76) backgrounds fail on luminance, pale blue fails on spread.
* Other uploads: ≤ 10 MB. Images ≤ 40 megapixels (photos 24), checked from the
  header before any pixel is decoded; short side ≥ 200 px. PDFs ≤ 50 pages.
* PDFs are parsed with pypdf in non-strict mode (phone apps and WPS write small
  errors), but must end with %%EOF in their last 1024 bytes (a cut-off upload
  fails there), must not be encrypted, and must carry no JavaScript, launch,
  web-link (/URI), form-submit or remote actions, file specifications pointing
  to a URL, forms with scripts (XFA) or embedded files: every object reachable
  from the catalog (pages, annotations, AcroForm fields, outlines, the names
  tree, action chains) is looked at, iteratively, at most 100 000 of them.
* The 诚信承诺书 must be signed by hand: `is_unsigned_copy` recognises the
  system's own printable PDF uploaded back (byte-identical, re-saved with its
  document information, or printed to PDF again: same text layer, no image).
* PDF decoding, under `pypdf.apply_configuration` (a context variable, so other
  code is unaffected): a stream may inflate to at most 16 MB, and a document's
  page content (content streams and form XObjects) to 32 MB in total; past
  either the PDF is refused. Counting 字 is pure Python, so it is bounded by time
  instead: at most 5 seconds (checked before every content operator) and pages
  of at most 1 MB of content; past those the count is incomplete, and a short
  count then goes to the reviewer instead of being refused.

字数 (`count_characters`) is counted like Word's 字数统计: each Han character and
each Chinese punctuation mark is 1, and each run of Latin letters or digits
(a word or number such as "ABS", "2023" or "3.5") is 1. A page with an image
and fewer than 30 字 is a scan: if the total is short of the minimum and there is
such a page, the PDF is accepted with NEEDS_MANUAL_LENGTH_CHECK in `flags`.
"""

import io
import logging
import re
import unicodedata

from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader, apply_configuration

from applications import vocabulary
from skillcert.uploads.files import (
    DOCUMENT_MAX_BYTES,
    IMAGE_KINDS,
    KINDS,
    MB,
    NEEDS_MANUAL_LENGTH_CHECK,
    CheckedUpload,
    UploadRejected,
    check_size,
    checked_upload,
    detect_kind,
    refuse_type,
)
from skillcert.uploads.images import (
    CORRUPT_IMAGE,
    TRANSPOSE,
    StoredFile,
    bare,
    encode_jpeg,
    exif_orientation,
    on_white,
    open_image,
    reencode_image,
    shown_size,
    stored_file,
)
from skillcert.uploads.pdf import (
    INLINE_IMAGE,
    PDF_LIMITS,
    PDF_MAX_PAGES,
    extract_text,
    inspect_pdf,
    page_streams,
)

logger = logging.getLogger(__name__)


PHOTO_UPLOAD_MAX_BYTES = 20 * MB  # what a phone takes; it is downscaled to PHOTO_MAX_BYTES
PHOTO_MAX_BYTES = 2 * MB  # what is stored and exported (the notice's rule)
UPLOAD_MAX_BYTES = max(PHOTO_UPLOAD_MAX_BYTES, DOCUMENT_MAX_BYTES)  # the largest file any slot takes

PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT = 260, 320
PHOTO_MAX_PIXELS = 50_000_000  # a 48/50-megapixel phone camera (8160 × 6120)
PHOTO_STORED_WIDTH, PHOTO_STORED_HEIGHT = 1200, 1600  # the box a stored photo is fitted into
PHOTO_MIN_ASPECT, PHOTO_MAX_ASPECT = 1.1, 1.8  # height / width

WHITE_MIN_MEAN_LUMINANCE = 220
WHITE_MIN_SHARE = 0.90
WHITE_PIXEL_MIN_LUMINANCE = 200
WHITE_PIXEL_MAX_SPREAD = 40
BORDER_BAND = 0.06
BACKGROUND_SAMPLE_SIZE = 300

DOCUMENT_MIN_SIDE = 200


TECHNICAL_SUMMARY_MIN_CHARACTERS = vocabulary.MIN_CHARACTERS["technical_summary"]
PAPER_MIN_CHARACTERS = vocabulary.MIN_CHARACTERS["paper"]


PHOTO_ACCEPT = "image/jpeg,image/png,image/bmp"  # for <input type="file" accept=...>
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/bmp"


# ---------------------------------------------------------------------------
# Images


def _background(image: Image.Image, orientation: int) -> tuple[float, float, float]:
    """(mean luminance, share of white pixels, colour spread of the mean) of the border band."""
    if image.mode in {"P", "PA", "La", "RGBa"} or "transparency" in image.info:
        image = image.convert("RGBA")
    scale = BACKGROUND_SAMPLE_SIZE / max(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)
    small = on_white(image)
    if orientation in TRANSPOSE:
        small = small.transpose(TRANSPOSE[orientation])
    width, height = small.size
    band_x = max(1, round(width * BORDER_BAND))
    band_y = max(1, round(height * BORDER_BAND))
    boxes = [
        (0, 0, width, band_y),  # top
        (0, band_y, band_x, max(band_y + 1, height // 2)),  # upper left
        (width - band_x, band_y, width, max(band_y + 1, height // 2)),  # upper right
    ]
    pixels = luminance_sum = white = 0.0
    channel_sums = [0.0, 0.0, 0.0]
    for box in boxes:
        part = small.crop(box)
        count = part.width * part.height
        luminance = part.convert("L")
        red, green, blue = part.split()
        spread = ImageChops.subtract(
            ImageChops.lighter(ImageChops.lighter(red, green), blue),
            ImageChops.darker(ImageChops.darker(red, green), blue),
        )
        bright = luminance.point(lambda v: 255 if v >= WHITE_PIXEL_MIN_LUMINANCE else 0)
        neutral = spread.point(lambda v: 255 if v <= WHITE_PIXEL_MAX_SPREAD else 0)
        white += ImageStat.Stat(ImageChops.multiply(bright, neutral)).sum[0] / 255
        luminance_sum += ImageStat.Stat(luminance).sum[0]
        for index, value in enumerate(ImageStat.Stat(part).sum):
            channel_sums[index] += value
        pixels += count
    means = [value / pixels for value in channel_sums]
    return luminance_sum / pixels, white / pixels, max(means) - min(means)


def check_photo(data: bytes, name: str = "") -> CheckedUpload:
    """白底证件照: JPEG, PNG or BMP, ≤ 20 MB and 50 megapixels as a phone takes it, portrait, white background.

    What is stored is made by `prepare_for_storage` (a JPEG under 2 MB). `name` is ignored.
    """
    check_size(data, PHOTO_UPLOAD_MAX_BYTES, "照片")
    kind = detect_kind(data)
    if kind not in IMAGE_KINDS:
        raise refuse_type(kind, expected="图片", accepted="JPG、PNG 或 BMP", noun="照片")
    draft = (BACKGROUND_SAMPLE_SIZE * 2, BACKGROUND_SAMPLE_SIZE * 2)  # the background is judged at 300 px
    image, orientation, size = open_image(data, kind, max_pixels=PHOTO_MAX_PIXELS, draft=draft)
    with image:
        width, height = shown_size(size, orientation)
        if width < PHOTO_MIN_WIDTH or height < PHOTO_MIN_HEIGHT:
            raise UploadRejected(
                f"照片分辨率太低（{width} × {height} 像素），"
                f"至少需要 {PHOTO_MIN_WIDTH} × {PHOTO_MIN_HEIGHT} 像素，请上传清晰的证件照。"
            )
        aspect = height / width
        if not PHOTO_MIN_ASPECT <= aspect <= PHOTO_MAX_ASPECT:
            raise UploadRejected(
                f"照片须为竖版证件照（当前 {width} × {height} 像素），请裁剪为一寸或二寸照片的比例后上传。"
            )
        mean, share, spread = _background(image, orientation)
    if mean < WHITE_MIN_MEAN_LUMINANCE or share < WHITE_MIN_SHARE:
        why = "当前背景为彩色（如蓝底、红底）" if spread > WHITE_PIXEL_MAX_SPREAD else "当前背景偏暗、偏灰或有杂物"
        raise UploadRejected(f"照片背景须为白色，{why}，请上传白底证件照。")
    return checked_upload(data, kind, width=width, height=height)


# ---------------------------------------------------------------------------
# What is stored: images re-encoded without metadata, the original is not kept


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, round(size / 1024))} KB"


def _prepare_photo(data: bytes, kind: str) -> StoredFile:
    with Image.open(io.BytesIO(data), formats=list(KINDS[kind].pillow_formats)) as probe:
        orientation = exif_orientation(probe)
        width, height = shown_size(probe.size, orientation)
    scale = min(1.0, PHOTO_STORED_WIDTH / width, PHOTO_STORED_HEIGHT / height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    draft = (target[1], target[0]) if orientation in {5, 6, 7, 8} else target  # in the file's own orientation
    image, orientation, _ = open_image(data, kind, max_pixels=PHOTO_MAX_PIXELS, draft=draft)
    with image:
        clean = on_white(bare(image, orientation))
    if clean.size != target:
        clean = clean.resize(target, Image.Resampling.LANCZOS)
    jpeg = encode_jpeg(clean, PHOTO_MAX_BYTES)
    with Image.open(io.BytesIO(jpeg)) as written:
        stored_size = written.size
    notes = []
    if stored_size != (width, height) or kind != "jpeg" or len(data) > PHOTO_MAX_BYTES:
        notes.append(
            f"照片已从 {width} × {height} 像素、{_size_text(len(data))} "
            f"压缩为 {stored_size[0]} × {stored_size[1]} 像素、{_size_text(len(jpeg))} 的 JPG 图片。"
        )
    return stored_file(jpeg, "jpeg", width=stored_size[0], height=stored_size[1], notes=tuple(notes))


def prepare_for_storage(data: bytes, checked: CheckedUpload, *, photo: bool = False) -> StoredFile:
    """What to store for bytes that passed their check (`checked`): the original is never kept for images.

    * Photo (白底证件照): EXIF rotation applied, fitted into PHOTO_STORED_WIDTH ×
      PHOTO_STORED_HEIGHT, transparency on white, re-encoded as a JPEG under
      PHOTO_MAX_BYTES, with a note saying what was done when the size or format changed.
    * Other images (ID cards, diplomas, screenshots): same pixels, EXIF rotation
      applied, colours converted to sRGB, re-encoded (JPEG as JPEG, PNG and BMP as
      PNG) without EXIF, GPS, XMP, ICC, comments or PNG text chunks.
    * PDFs: stored as uploaded (their checks refuse active content).
    """
    if checked.kind == "pdf":
        return stored_file(data, "pdf", notes=())
    if checked.kind not in IMAGE_KINDS:
        raise UploadRejected(CORRUPT_IMAGE)
    if photo:
        return _prepare_photo(data, checked.kind)
    return reencode_image(data, checked.kind)


def export_photo_jpeg(data: bytes) -> bytes:
    """The photo as it is stored: a clean JPEG, EXIF rotation applied, no metadata, ≤ 2 MB.

    For photos that passed `check_photo`; anything else raises `UploadRejected`.
    """
    return prepare_for_storage(data, check_photo(data), photo=True).data


_UNSAFE_NAME_CHARS = re.compile(r'[/\\<>:"|?*]')


def _clean_name_part(value: str) -> str:
    value = _UNSAFE_NAME_CHARS.sub("", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return value.strip()


def photo_export_name(full_name: str, id_number: str) -> str:
    """`姓名-身份证号.jpg`, with path separators, characters Windows forbids in names and control characters removed."""
    name, number = _clean_name_part(full_name), _clean_name_part(id_number)
    if not name or not number:
        raise ValueError("photo_export_name needs a name and an ID number")
    return f"{name}-{number}.jpg"


# ---------------------------------------------------------------------------
# The checks per material


def check_document(data: bytes, name: str = "") -> CheckedUpload:
    """身份证、学历证书、诚信承诺书、原证书、网上查询截图: a PDF or an image (JPEG, PNG, BMP). `name` is ignored."""
    check_size(data, DOCUMENT_MAX_BYTES, "文件")
    kind = detect_kind(data)
    if kind == "pdf":
        facts = inspect_pdf(data, read_text=False)
        return checked_upload(data, kind, pages=facts.pages)
    if kind not in IMAGE_KINDS:
        raise refuse_type(kind, expected=" PDF 或图片", accepted="PDF、JPG、PNG 或 BMP")
    image, orientation, size = open_image(data, kind)
    with image:
        width, height = shown_size(size, orientation)
    if min(width, height) < DOCUMENT_MIN_SIDE:
        raise UploadRejected(f"图片分辨率太低（{width} × {height} 像素），请上传清晰的照片或扫描件。")
    return checked_upload(data, kind, width=width, height=height)


def check_text_pdf(data: bytes, name: str = "", *, minimum: int, label: str) -> CheckedUpload:
    """A PDF whose text layer must hold at least `minimum` 字 (see `count_characters`).

    Scanned pages (an image and almost no text) cannot be counted: if the count is
    short and the PDF has such pages, it is accepted with NEEDS_MANUAL_LENGTH_CHECK
    for the reviewer. So is a PDF whose text could not all be read in the budget.
    """
    check_size(data, DOCUMENT_MAX_BYTES, f"{label} PDF 文件")
    kind = detect_kind(data)
    if kind != "pdf":
        raise refuse_type(kind, expected=" PDF", accepted="PDF")
    facts = inspect_pdf(data, read_text=True)
    characters = facts.characters or 0
    flags: tuple[str, ...] = ()
    if characters < minimum:
        if facts.scanned_pages or not facts.complete:
            flags = (NEEDS_MANUAL_LENGTH_CHECK,)
        else:
            raise UploadRejected(
                f"{label}不少于 {minimum} 字，当前约 {characters} 字。"
                "（按 PDF 中的文字统计：汉字和中文标点每个计 1 字，每个英文单词或数字计 1 字。）"
            )
    return checked_upload(data, kind, pages=facts.pages, text_characters=characters, flags=flags)


def check_technical_summary(
    data: bytes, name: str = "", *, minimum: int = TECHNICAL_SUMMARY_MIN_CHARACTERS
) -> CheckedUpload:
    """技术总结: PDF only, at least 1000 字."""
    return check_text_pdf(data, name, minimum=minimum, label="技术总结")


def check_paper(data: bytes, name: str = "", *, minimum: int = PAPER_MIN_CHARACTERS) -> CheckedUpload:
    """论文: PDF only, at least 3000 字."""
    return check_text_pdf(data, name, minimum=minimum, label="论文")


# ---------------------------------------------------------------------------
# Our own printable documents uploaded back

GENERATED_TEXT_SHARE = 0.8  # share of the generated PDF's lines found in an upload that makes it a copy
_WHITESPACE = re.compile(r"\s+")


def _lines(text: str) -> list[str]:
    lines = (_WHITESPACE.sub("", line) for line in text.splitlines())
    return [line for line in lines if len(line) >= 6]  # short lines (dates, blanks) say nothing


def _has_images(reader: PdfReader) -> bool:
    for page in list(reader.pages)[:PDF_MAX_PAGES]:
        for stream, is_image in page_streams(page):
            if is_image or (stream is not None and INLINE_IMAGE.search(stream.get_data())):
                return True
    return False


def is_unsigned_copy(data: bytes, generated: bytes) -> bool:
    """Whether an uploaded PDF is the `generated` printable document itself rather than a scan of it, signed.

    True for a byte-identical copy; for a PDF that kept the generated one's document
    information (same /Creator, e.g. opened and saved again); and for a PDF without
    any image whose text layer holds at least GENERATED_TEXT_SHARE of the generated
    one's lines ("打印为 PDF" again, or printed before the phone number was changed).
    A photo or a scan (an image, with or without an OCR text layer) is never a copy.
    For uploads that passed `check_document`, which bounds what is decoded here.
    """
    if data == generated:
        return True
    if detect_kind(data) != "pdf":
        return False
    with apply_configuration(**PDF_LIMITS):
        try:
            ours = PdfReader(io.BytesIO(generated))
            reader = PdfReader(io.BytesIO(data), strict=False)
            creator = ours.metadata.get("/Creator") if ours.metadata else None
            if creator and reader.metadata and reader.metadata.get("/Creator") == creator:
                return True
            if _has_images(reader):
                return False
        except Exception as error:  # unreadable here means it is not our own PDF
            logger.info("PDF not compared with the generated one: %r", error)
            return False
    expected = _lines(extract_text(generated))
    if not expected:
        return False
    found = _WHITESPACE.sub("", extract_text(data))
    return sum(line in found for line in expected) >= GENERATED_TEXT_SHARE * len(expected)
