"""Checks on the documents an applicant uploads from a phone, and what is stored of them. Pure module: no Django.

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
* `check_pdf`                 专利、项目报告 and any other PDF-only material: no length rule.

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

import hashlib
import io
import logging
import math
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops, ImageCms, ImageStat
from pypdf import PageObject, PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

logger = logging.getLogger(__name__)
_clock = time.monotonic  # a module attribute, so tests can drive the text-extraction deadline

MB = 1024 * 1024

PHOTO_UPLOAD_MAX_BYTES = 20 * MB  # what a phone takes; it is downscaled to PHOTO_MAX_BYTES
PHOTO_MAX_BYTES = 2 * MB  # what is stored and exported (the notice's rule)
DOCUMENT_MAX_BYTES = 10 * MB
UPLOAD_MAX_BYTES = max(PHOTO_UPLOAD_MAX_BYTES, DOCUMENT_MAX_BYTES)  # the largest file any slot takes

PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT = 260, 320
PHOTO_MAX_PIXELS = 50_000_000  # a 48/50-megapixel phone camera (8160 × 6120)
PHOTO_STORED_WIDTH, PHOTO_STORED_HEIGHT = 1200, 1600  # the box a stored photo is fitted into
PHOTO_MIN_ASPECT, PHOTO_MAX_ASPECT = 1.1, 1.8  # height / width
JPEG_QUALITY = 90

WHITE_MIN_MEAN_LUMINANCE = 220
WHITE_MIN_SHARE = 0.90
WHITE_PIXEL_MIN_LUMINANCE = 200
WHITE_PIXEL_MAX_SPREAD = 40
BORDER_BAND = 0.06
BACKGROUND_SAMPLE_SIZE = 300

IMAGE_MAX_PIXELS = 40_000_000
DOCUMENT_MIN_SIDE = 200

PDF_MAX_PAGES = 50
PDF_STREAM_MAX_BYTES = 16 * MB
PDF_CONTENT_BUDGET_BYTES = 32 * MB
PDF_MAX_OBJECTS = 100_000
PDF_TEXT_MAX_CHARACTERS = 200_000
PDF_TEXT_SECONDS = 5.0
PDF_TEXT_PAGE_MAX_BYTES = 1 * MB
SCANNED_PAGE_MAX_CHARACTERS = 30  # a page with an image and fewer 字 than this is a scan

TECHNICAL_SUMMARY_MIN_CHARACTERS = 1000
PAPER_MIN_CHARACTERS = 3000

NEEDS_MANUAL_LENGTH_CHECK = "needs_manual_length_check"

PHOTO_ACCEPT = "image/jpeg,image/png,image/bmp"  # for <input type="file" accept=...>
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/bmp"
PDF_ACCEPT = "application/pdf"


class UploadRejected(ValueError):
    """The upload is refused; str() is the message to show the applicant."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "jpeg" | "png" | "bmp" | "pdf", detected from the content
    extension: str  # ".jpg" | ".png" | ".bmp" | ".pdf": use this, never the client's name
    content_type: str
    size: int  # bytes
    sha256: str  # hex digest of the bytes, for duplicate detection
    pages: int | None = None  # PDFs
    text_characters: int | None = None  # 字数 of the text layer, when it was counted
    flags: tuple[str, ...] = ()
    width: int | None = None  # images, as displayed (EXIF rotation applied for photos)
    height: int | None = None

    @property
    def needs_manual_length_check(self) -> bool:
        """Scanned (image-only) pages: the reviewer has to judge the length."""
        return NEEDS_MANUAL_LENGTH_CHECK in self.flags


# ---------------------------------------------------------------------------
# Type detection


@dataclass(frozen=True)
class _Kind:
    extension: str
    content_type: str
    pillow_formats: tuple[str, ...]


_KINDS = {
    "jpeg": _Kind(".jpg", "image/jpeg", ("JPEG", "MPO")),  # MPO: JPEG with a depth map, from some phones
    "png": _Kind(".png", "image/png", ("PNG",)),
    "bmp": _Kind(".bmp", "image/bmp", ("BMP",)),
    "pdf": _Kind(".pdf", "application/pdf", ()),
}
IMAGE_KINDS = frozenset({"jpeg", "png", "bmp"})

# Types we refuse, named so the message can say what was received.
_OTHER_IMAGES = {"heic": "HEIC", "avif": "AVIF", "webp": "WebP", "gif": "GIF", "tiff": "TIFF"}
_NOT_IMAGES = {
    "exe": "可执行程序",
    "zip": "压缩包或 Word/Excel 文档",
    "rar": "压缩包",
    "7z": "压缩包",
    "ole": "Word/Excel 文档",
}


def detect_kind(data: bytes) -> str | None:
    """The file type from its first bytes: a key of `_KINDS`, `_OTHER_IMAGES`, `_NOT_IMAGES`, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"BM"):
        return "bmp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"#!")):
        return "exe"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if data.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data[4:8] == b"ftyp" and data[8:12] in {b"avif", b"avis"}:
        return "avif"
    if data[4:8] == b"ftyp" and data[8:12] in {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}:
        return "heic"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def _refuse_type(detected: str | None, *, expected: str, accepted: str, noun: str = "文件") -> UploadRejected:
    """The message for a file of the wrong type, e.g. "文件内容不是图片（检测到可执行程序），请上传 …"."""
    if detected == "heic":  # iPhones save HEIC unless "兼容性最佳" is chosen; Pillow here cannot read it
        return UploadRejected(
            f"不支持 HEIC 格式的图片（苹果手机默认格式），请转换为 {accepted} 格式后重新上传："
            "可在“设置 → 相机 → 格式”中选择“兼容性最佳”后重新拍摄，或从相册选择照片时让手机自动转换。"
        )
    if detected in _OTHER_IMAGES:
        return UploadRejected(f"不支持 {_OTHER_IMAGES[detected]} 格式的图片，请转换为 {accepted} 格式后重新上传。")
    hint = ""
    if detected == "pdf":
        hint = "（检测到 PDF 文件）"
    elif detected in IMAGE_KINDS:
        hint = "（检测到图片）"
    elif detected in _NOT_IMAGES:
        hint = f"（检测到{_NOT_IMAGES[detected]}）"
    word = "Word 文档请先另存为 PDF。" if detected in {"zip", "ole"} and "PDF" in accepted else ""
    return UploadRejected(f"文件内容不是{expected}{hint}，请上传 {accepted} 格式的{noun}。{word}")


def _format_mb(size: int, limit: int) -> str:
    shown = f"{size / MB:.1f}"
    if size > limit and float(shown) * MB <= limit:
        shown = f"{math.ceil(size / MB * 100) / 100:.2f}"
    return shown


def _check_size(data: bytes, limit: int, what: str) -> None:
    if not data:
        raise UploadRejected("文件为空，请重新选择文件。")
    if len(data) > limit:
        raise UploadRejected(f"{what}不能超过 {limit // MB} MB，当前约 {_format_mb(len(data), limit)} MB。")


def _result(data: bytes, kind: str, **facts: Any) -> CheckedUpload:
    info = _KINDS[kind]
    return CheckedUpload(
        kind=kind,
        extension=info.extension,
        content_type=info.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **facts,
    )


# ---------------------------------------------------------------------------
# Images

_CORRUPT_IMAGE = "图片文件已损坏或不完整，无法打开，请重新拍摄或导出后上传。"

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block only loses the rotation
        return 1
    return value if value in _TRANSPOSE else 1


def _open_image(
    data: bytes, kind: str, max_pixels: int = IMAGE_MAX_PIXELS, *, draft: tuple[int, int] | None = None
) -> tuple[Image.Image, int, tuple[int, int]]:
    """Decode the image, refusing pixel bombs from the header first.

    Returns (loaded image, EXIF orientation, size in the file's header). Image.open
    only reads the header, so width × height is known before any pixel is decoded;
    Pillow itself raises DecompressionBombError above 2 × Image.MAX_IMAGE_PIXELS
    (≈ 179 megapixels) while opening, which is caught here. `draft` lets a JPEG be
    decoded at 1/2, 1/4 or 1/8 scale (never below that size): a 48-megapixel phone
    photo then costs the memory of a few megapixels.
    """
    formats = _KINDS[kind].pillow_formats
    too_big = f"图片尺寸过大，请压缩到 {max_pixels // 10_000} 万像素以内后重新上传。"
    try:
        with Image.open(io.BytesIO(data), formats=list(formats)) as probe:
            if probe.format not in formats:
                raise UploadRejected(_CORRUPT_IMAGE)
            width, height = probe.size
            if width < 1 or height < 1:
                raise UploadRejected(_CORRUPT_IMAGE)
            if width * height > max_pixels:
                raise UploadRejected(
                    f"图片尺寸过大（{width} × {height} 像素），请压缩到 {max_pixels // 10_000} 万像素以内后重新上传。"
                )
            probe.verify()  # structure and checksums (PNG CRCs), without decoding
        image = Image.open(io.BytesIO(data), formats=list(formats))
        if draft and image.format in {"JPEG", "MPO"}:
            image.draft(image.mode if image.mode in {"L", "CMYK"} else "RGB", draft)
        image.load()  # a truncated file fails here (ImageFile.LOAD_TRUNCATED_IMAGES must stay False)
    except UploadRejected:
        raise
    except Image.DecompressionBombError as error:
        logger.info("image refused as a decompression bomb: %s", error)
        raise UploadRejected(too_big) from error
    except Exception as error:  # Pillow raises many types on hostile input; all mean "cannot be read"
        logger.info("image refused as unreadable: %r", error)
        raise UploadRejected(_CORRUPT_IMAGE) from error
    return image, _orientation(image), (width, height)


def _shown_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """(width, height) as displayed, after the EXIF rotation."""
    return (size[1], size[0]) if orientation in {5, 6, 7, 8} else size


def _on_white(image: Image.Image) -> Image.Image:
    """RGB with any transparency composited onto white; no metadata (EXIF, ICC, comments) is carried over."""
    if image.mode == "RGB" and "transparency" not in image.info:
        out = Image.new("RGB", image.size)
        out.paste(image)
        return out
    rgba = image.convert("RGBA")
    out = Image.new("RGB", image.size, (255, 255, 255))
    out.paste(rgba, mask=rgba.getchannel("A"))
    return out


def _background(image: Image.Image, orientation: int) -> tuple[float, float, float]:
    """(mean luminance, share of white pixels, colour spread of the mean) of the border band."""
    if image.mode in {"P", "PA", "La", "RGBa"} or "transparency" in image.info:
        image = image.convert("RGBA")
    scale = BACKGROUND_SAMPLE_SIZE / max(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)
    small = _on_white(image)
    if orientation in _TRANSPOSE:
        small = small.transpose(_TRANSPOSE[orientation])
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
    _check_size(data, PHOTO_UPLOAD_MAX_BYTES, "照片")
    kind = detect_kind(data)
    if kind not in IMAGE_KINDS:
        raise _refuse_type(kind, expected="图片", accepted="JPG、PNG 或 BMP", noun="照片")
    draft = (BACKGROUND_SAMPLE_SIZE * 2, BACKGROUND_SAMPLE_SIZE * 2)  # the background is judged at 300 px
    image, orientation, size = _open_image(data, kind, max_pixels=PHOTO_MAX_PIXELS, draft=draft)
    with image:
        width, height = _shown_size(size, orientation)
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
    return _result(data, kind, width=width, height=height)


# ---------------------------------------------------------------------------
# What is stored: images re-encoded without metadata, the original is not kept

_METADATA_KEYS = frozenset({"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop", "adobe"})
_METADATA_NOTE = "已去除图片中的拍摄时间、地点（GPS）、设备等附加信息。"


@dataclass(frozen=True)
class StoredFile:
    """The bytes to store for an upload that passed its check, and what was done to them."""

    data: bytes
    extension: str
    content_type: str
    sha256: str  # of `data`, the stored bytes
    width: int | None = None
    height: int | None = None
    notes: tuple[str, ...] = ()  # in Chinese, for the applicant ("照片已从 … 压缩为 …")


def _has_metadata(image: Image.Image) -> bool:
    if _METADATA_KEYS & image.info.keys() or getattr(image, "text", None):
        return True
    try:
        return len(image.getexif()) > 0
    except Exception:  # a broken EXIF block is dropped all the same
        return True


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours converted from the embedded ICC profile (Display P3, Adobe RGB, CMYK) to sRGB, so dropping it is safe."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image.convert("RGB") if image.mode == "CMYK" else image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except Exception as error:  # a broken profile: keep the pixels as they are
        logger.info("ICC profile not applied: %r", error)
        return image.convert("RGB") if image.mode == "CMYK" else image
    return converted or image


_SRGB = ImageCms.createProfile("sRGB")


def _bare(image: Image.Image, orientation: int) -> Image.Image:
    """The pixels only, as displayed: EXIF rotation applied, then every metadata entry dropped."""
    image = _to_srgb(image)
    image = image.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else image.copy()
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image


_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})


def _encode_jpeg(image: Image.Image, limit: int) -> bytes:
    """JPEG at JPEG_QUALITY, lowered (then the size) until it fits in `limit` bytes."""
    quality = JPEG_QUALITY
    while True:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True)
        if buffer.tell() <= limit:
            return buffer.getvalue()
        if quality > 60:
            quality -= 10
        else:
            smaller = (max(1, image.width * 4 // 5), max(1, image.height * 4 // 5))
            image = image.resize(smaller, Image.Resampling.LANCZOS)


def _stored(data: bytes, kind: str, **facts: Any) -> StoredFile:
    info = _KINDS[kind]
    return StoredFile(data, info.extension, info.content_type, hashlib.sha256(data).hexdigest(), **facts)


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, round(size / 1024))} KB"


def _prepare_photo(data: bytes, kind: str) -> StoredFile:
    with Image.open(io.BytesIO(data), formats=list(_KINDS[kind].pillow_formats)) as probe:
        orientation = _orientation(probe)
        width, height = _shown_size(probe.size, orientation)
    scale = min(1.0, PHOTO_STORED_WIDTH / width, PHOTO_STORED_HEIGHT / height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    draft = (target[1], target[0]) if orientation in {5, 6, 7, 8} else target  # in the file's own orientation
    image, orientation, _ = _open_image(data, kind, max_pixels=PHOTO_MAX_PIXELS, draft=draft)
    with image:
        clean = _on_white(_bare(image, orientation))
    if clean.size != target:
        clean = clean.resize(target, Image.Resampling.LANCZOS)
    jpeg = _encode_jpeg(clean, PHOTO_MAX_BYTES)
    with Image.open(io.BytesIO(jpeg)) as written:
        stored_size = written.size
    notes = []
    if stored_size != (width, height) or kind != "jpeg" or len(data) > PHOTO_MAX_BYTES:
        notes.append(
            f"照片已从 {width} × {height} 像素、{_size_text(len(data))} "
            f"压缩为 {stored_size[0]} × {stored_size[1]} 像素、{_size_text(len(jpeg))} 的 JPG 图片。"
        )
    return _stored(jpeg, "jpeg", width=stored_size[0], height=stored_size[1], notes=tuple(notes))


def _prepare_document_image(data: bytes, kind: str) -> StoredFile:
    """JPEG stays JPEG, PNG and BMP become PNG (lossless, and a BMP scan is ten times smaller)."""
    image, orientation, _ = _open_image(data, kind)
    with image:
        had_metadata = _has_metadata(image)
        clean = _bare(image, orientation)
    buffer = io.BytesIO()
    if kind == "jpeg":
        if clean.mode not in {"L", "RGB"}:
            clean = clean.convert("RGB")
        clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        stored_kind = "jpeg"
    else:
        if clean.mode not in _PNG_MODES:
            clean = clean.convert("RGBA" if "A" in clean.mode else "RGB")
        params = {"transparency": clean.info["transparency"]} if "transparency" in clean.info else {}
        clean.save(buffer, "PNG", **params)  # zlib level 6: optimize=True costs seconds on a scan for a few %
        stored_kind = "png"
    notes = (_METADATA_NOTE,) if had_metadata else ()
    return _stored(buffer.getvalue(), stored_kind, width=clean.width, height=clean.height, notes=notes)


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
        return _stored(data, "pdf", notes=())
    if checked.kind not in IMAGE_KINDS:
        raise UploadRejected(_CORRUPT_IMAGE)
    if photo:
        return _prepare_photo(data, checked.kind)
    return _prepare_document_image(data, checked.kind)


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
# PDFs

# Keyword overrides of pypdf's configuration (never its positional `configuration`).
_PDF_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": PDF_STREAM_MAX_BYTES,
    "array_based_stream_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "zlib_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "zlib_maximum_recovery_input_length": 1 * MB,
    "lzw_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "run_length_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "brotli_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "jbig2_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "image_maximum_buffer_size": PDF_STREAM_MAX_BYTES,
    "stream_decoding_work_maximum_length": 2 * PDF_STREAM_MAX_BYTES,
    "stream_parsing_work_maximum_count": 1_000_000,
    "page_tree_maximum_entries": 10_000,
    "page_tree_maximum_page_entries": 10_000,
    "xform_maximum_invocations_per_extraction": 500,
    "jbig2dec_binary": None,  # never run an external program on an upload
}

_CORRUPT_PDF = "PDF 文件已损坏或不完整（可能上传中断），无法打开，请重新导出后上传。"
_TRUNCATED_PDF = "PDF 文件不完整（文件结尾缺失，可能上传中断或文件已损坏），请重新导出后上传。"
_ENCRYPTED_PDF = "PDF 已加密或设置了密码，请取消密码（或用“打印为 PDF”另存一份）后重新上传。"
_TOO_BIG_PDF = "PDF 内容异常（解压后数据过大或结构过于复杂），无法检查，请用“打印为 PDF”重新导出后上传。"
_ACTIVE_CONTENT = {
    "script": "PDF 中含有脚本（JavaScript 或表单脚本），出于安全原因不能接收",
    "embedded": "PDF 中嵌入了附件或其他文件，出于安全原因不能接收",
    "launch": "PDF 中含有打开程序或外部文件的动作，出于安全原因不能接收",
    "remote": "PDF 中含有网址链接或联网动作（打开或点击时会访问外部网站或提交数据），出于安全原因不能接收",
}
_RE_EXPORT = "，请用“打印为 PDF”重新生成一份后上传。"
_UNLINK = "，请删除文档中的超链接后重新导出 PDF（Word 中可全选后按 Ctrl+Shift+F9 取消全部超链接），再上传。"

# Action types (/S) that run code, open programs or files, call out to the network, or send data.
# A reviewer's viewer may follow a link without asking, so a plain web link (/URI) is refused too.
_ACTIONS = {
    "/JavaScript": "script",
    "/Rendition": "script",  # may carry /JS
    "/RichMediaExecute": "script",
    "/Launch": "launch",
    "/GoToR": "launch",  # another PDF, on a share or a server
    "/ImportData": "launch",
    "/SubmitForm": "remote",
    "/URI": "remote",
    "/GoToE": "embedded",
    "/Sound": "embedded",
    "/Movie": "embedded",
}
# Keys whose mere presence means active or embedded content.
_KEYS = {"/JS": "script", "/JavaScript": "script", "/XFA": "script", "/EmbeddedFiles": "embedded", "/EF": "embedded"}
_SUBTYPES = {
    "/FileAttachment": "embedded",
    "/RichMedia": "embedded",
    "/Screen": "embedded",
    "/Movie": "embedded",
    "/Sound": "embedded",
}


_CONTAINERS = (DictionaryObject, ArrayObject, IndirectObject)


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _active_content(reader: PdfReader) -> str | None:
    """Walk every object reachable from the catalog (dictionaries only, no stream is decoded).

    Catches JavaScript, launch, web-link (/URI) and form-submit actions wherever they
    hang: the Names tree, /OpenAction, /AA on the catalog, pages, annotations and form
    fields (AcroForm), link and widget annotations, outlines (bookmarks), /Next chains,
    and file specifications that point to a URL (/FS /URL, /Thread to another file).
    Names are compared decoded (pypdf reads /U#52I as /URI). At most PDF_MAX_OBJECTS
    objects are visited; past that the PDF is refused as too complex.
    """
    stack = [reader.trailer.raw_get("/Root")]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise UploadRejected(_TOO_BIG_PDF)
        if isinstance(node, DictionaryObject):
            for key, value in dict.items(node):
                if key in _KEYS:
                    return _KEYS[key]
                if key in {"/S", "/Type", "/Subtype", "/FS"}:
                    name = _resolve(value)
                    if key == "/S" and name in _ACTIONS:
                        return _ACTIONS[name]
                    if key == "/S" and name == "/Thread" and "/F" in node:
                        return "launch"
                    if key == "/Subtype" and name in _SUBTYPES:
                        return _SUBTYPES[name]
                    if key == "/Type" and name == "/EmbeddedFile":
                        return "embedded"
                    if key == "/FS" and name == "/URL":
                        return "remote"
                if isinstance(value, _CONTAINERS):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(item for item in list.__iter__(node) if isinstance(item, _CONTAINERS))
    return None


@dataclass
class _PdfFacts:
    pages: int
    characters: int | None = None
    scanned_pages: int = 0
    complete: bool = True


_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


def _page_streams(page: DictionaryObject) -> Iterator[tuple[StreamObject | None, bool]]:
    """The page's content streams and its form XObjects, recursively; (None, True) for each image."""
    contents = _resolve(page.get("/Contents"))
    if isinstance(contents, StreamObject):
        yield contents, False
    elif isinstance(contents, ArrayObject):
        for item in contents:
            stream = _resolve(item)
            if isinstance(stream, StreamObject):
                yield stream, False
    pending = [(_resolve(page.get("/Resources")), 0)]
    seen: set[int] = set()
    while pending:
        resources, depth = pending.pop()
        if not isinstance(resources, DictionaryObject) or depth > 8:
            continue
        xobjects = _resolve(resources.get("/XObject"))
        if not isinstance(xobjects, DictionaryObject):
            continue
        for value in xobjects.values():
            xobject = _resolve(value)
            if not isinstance(xobject, StreamObject) or id(xobject) in seen:
                continue
            seen.add(id(xobject))
            subtype = _resolve(xobject.get("/Subtype"))
            if subtype == "/Image":
                yield None, True
            elif subtype == "/Form":
                yield xobject, False
                pending.append((_resolve(xobject.get("/Resources")), depth + 1))


class _OutOfTime(BaseException):
    """Raised from pypdf's per-operator callback to stop text extraction at the deadline.

    A BaseException, so that pypdf's `except Exception` around form XObjects does not swallow it.
    """


def _extract_text(page: PageObject, deadline: float) -> str:
    def guard(_operator: object, _operands: object, _cm: object, _tm: object) -> None:
        if _clock() > deadline:
            raise _OutOfTime

    return page.extract_text(visitor_operand_before=guard)


def _read_pages(reader: PdfReader, facts: _PdfFacts, *, read_text: bool) -> None:
    """Decode every page's content within the budget (a FlateDecode bomb is refused), and count 字 if asked.

    pypdf caches what it decodes, so PDF_CONTENT_BUDGET_BYTES bounds the memory a
    PDF can take; each stream is also bounded by PDF_STREAM_MAX_BYTES (pypdf's
    configuration). Text extraction is pure Python (≈ 1 s a megabyte of content),
    so it is bounded by time: pages with more than PDF_TEXT_PAGE_MAX_BYTES of
    content are skipped, and extraction stops after PDF_TEXT_SECONDS, checked
    before every operator. Either makes the count incomplete (`facts.complete`).
    """
    budget = PDF_CONTENT_BUDGET_BYTES
    decoded: set[int] = set()
    extracted = 0
    characters = 0
    deadline = _clock() + PDF_TEXT_SECONDS
    for page in reader.pages:
        has_image = False
        page_bytes = 0
        for stream, is_image in _page_streams(page):
            if is_image:
                has_image = True
                continue
            assert stream is not None  # only images come without a stream
            data = stream.get_data()  # decoded once: pypdf caches it on the stream
            page_bytes += len(data)
            if not has_image and _INLINE_IMAGE.search(data):
                has_image = True
            if id(stream) not in decoded:
                decoded.add(id(stream))
                budget -= len(data)
                if budget < 0:
                    raise UploadRejected(_TOO_BIG_PDF)
        if not read_text or not facts.complete:
            continue
        if page_bytes > PDF_TEXT_PAGE_MAX_BYTES:
            facts.complete = False
            continue
        try:
            text = _extract_text(page, deadline)[: PDF_TEXT_MAX_CHARACTERS - extracted]
        except (_OutOfTime, LimitReachedError):
            facts.complete = False
            continue
        extracted += len(text)
        page_characters = count_characters(text)
        characters += page_characters
        if has_image and page_characters < SCANNED_PAGE_MAX_CHARACTERS:
            facts.scanned_pages += 1
        if extracted >= PDF_TEXT_MAX_CHARACTERS:
            facts.complete = False
    if read_text:
        facts.characters = characters


def _inspect_pdf(data: bytes, *, read_text: bool) -> _PdfFacts:
    if b"%%EOF" not in data[-1024:]:
        raise UploadRejected(_TRUNCATED_PDF)
    with apply_configuration(**_PDF_LIMITS):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(_ENCRYPTED_PDF)
            pages = len(reader.pages)
            if pages == 0:
                raise UploadRejected("PDF 中没有页面，请检查后重新上传。")
            if pages > PDF_MAX_PAGES:
                raise UploadRejected(f"PDF 不能超过 {PDF_MAX_PAGES} 页，当前 {pages} 页。")
            active = _active_content(reader)
            if active:
                raise UploadRejected(_ACTIVE_CONTENT[active] + (_UNLINK if active == "remote" else _RE_EXPORT))
            facts = _PdfFacts(pages=pages)
            _read_pages(reader, facts, read_text=read_text)
        except UploadRejected:
            raise
        except FileNotDecryptedError as error:
            raise UploadRejected(_ENCRYPTED_PDF) from error
        except LimitReachedError as error:
            logger.info("PDF refused at a pypdf limit: %s", error)
            raise UploadRejected(_TOO_BIG_PDF) from error
        except Exception as error:  # pypdf raises many types on hostile input; all mean "cannot be read"
            logger.info("PDF refused as unreadable: %r", error)
            raise UploadRejected(_CORRUPT_PDF) from error
    return facts


# ---------------------------------------------------------------------------
# 字数

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # CJK ideographs, extensions A–G
_CJK_PUNCTUATION = (
    "\u3001-\u303f"  # 、。〈〉《》「」【】〔〕〇 …
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # ！（），：；？【】… full-width
    "\u2010-\u2027\u00b7"  # ‐ – — ‘ ’ “ ” … ·
)
_LETTER = rf"[^\W_{_HAN}{_CJK_PUNCTUATION}]"  # letters and digits of any other script
_COUNTED = re.compile(rf"[{_HAN}{_CJK_PUNCTUATION}]|{_LETTER}+(?:[.'’\-_]{_LETTER}+)*")


def count_characters(text: str) -> int:
    """字数 as Word's 字数统计 counts it: each Han character and each Chinese punctuation mark is 1,
    and each word or number in Latin letters and digits ("ABS", "2023", "3.5", "ISO-9001") is 1."""
    return sum(1 for _ in _COUNTED.finditer(text))


# ---------------------------------------------------------------------------
# The checks per material


def check_document(data: bytes, name: str = "") -> CheckedUpload:
    """身份证、学历证书、诚信承诺书、原证书、网上查询截图: a PDF or an image (JPEG, PNG, BMP). `name` is ignored."""
    _check_size(data, DOCUMENT_MAX_BYTES, "文件")
    kind = detect_kind(data)
    if kind == "pdf":
        facts = _inspect_pdf(data, read_text=False)
        return _result(data, kind, pages=facts.pages)
    if kind not in IMAGE_KINDS:
        raise _refuse_type(kind, expected=" PDF 或图片", accepted="PDF、JPG、PNG 或 BMP")
    image, orientation, size = _open_image(data, kind)
    with image:
        width, height = _shown_size(size, orientation)
    if min(width, height) < DOCUMENT_MIN_SIDE:
        raise UploadRejected(f"图片分辨率太低（{width} × {height} 像素），请上传清晰的照片或扫描件。")
    return _result(data, kind, width=width, height=height)


def check_pdf(data: bytes, name: str = "") -> CheckedUpload:
    """A PDF-only material without a length rule (专利、项目报告). `name` is ignored."""
    _check_size(data, DOCUMENT_MAX_BYTES, "PDF 文件")
    kind = detect_kind(data)
    if kind != "pdf":
        raise _refuse_type(kind, expected=" PDF", accepted="PDF")
    facts = _inspect_pdf(data, read_text=False)
    return _result(data, kind, pages=facts.pages)


def check_text_pdf(data: bytes, name: str = "", *, minimum: int, label: str) -> CheckedUpload:
    """A PDF whose text layer must hold at least `minimum` 字 (see `count_characters`).

    Scanned pages (an image and almost no text) cannot be counted: if the count is
    short and the PDF has such pages, it is accepted with NEEDS_MANUAL_LENGTH_CHECK
    for the reviewer. So is a PDF whose text could not all be read in the budget.
    """
    _check_size(data, DOCUMENT_MAX_BYTES, f"{label} PDF 文件")
    kind = detect_kind(data)
    if kind != "pdf":
        raise _refuse_type(kind, expected=" PDF", accepted="PDF")
    facts = _inspect_pdf(data, read_text=True)
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
    return _result(data, kind, pages=facts.pages, text_characters=characters, flags=flags)


def check_technical_summary(
    data: bytes, name: str = "", *, minimum: int = TECHNICAL_SUMMARY_MIN_CHARACTERS
) -> CheckedUpload:
    """技术总结: PDF only, at least 1000 字."""
    return check_text_pdf(data, name, minimum=minimum, label="技术总结")


def check_paper(data: bytes, name: str = "", *, minimum: int = PAPER_MIN_CHARACTERS) -> CheckedUpload:
    """论文: PDF only, at least 3000 字."""
    return check_text_pdf(data, name, minimum=minimum, label="论文")


# ---------------------------------------------------------------------------
# Text for the reviewers' similarity check


def extract_text(data: bytes, *, max_characters: int = PDF_TEXT_MAX_CHARACTERS) -> str:
    """The text layer of a stored PDF (技术总结、论文), pages joined by newlines, for `review.similarity`.

    Bounded like the 字数 count of `check_text_pdf`: pypdf's decoding limits, the first
    PDF_MAX_PAGES pages, PDF_CONTENT_BUDGET_BYTES of page content in all, pages of at most
    PDF_TEXT_PAGE_MAX_BYTES of content, PDF_TEXT_SECONDS (checked before every content
    operator) and at most `max_characters` characters. Past a limit the text is cut short
    rather than refused: the file passed its check when it was uploaded. No active-content
    walk is made here (extraction runs nothing). Raises UploadRejected when the bytes are not
    a PDF, are encrypted or cannot be parsed at all.
    """
    kind = detect_kind(data)
    if kind != "pdf":
        raise _refuse_type(kind, expected=" PDF", accepted="PDF")
    if max_characters <= 0:
        return ""
    parts: list[str] = []
    extracted = 0
    with apply_configuration(**_PDF_LIMITS):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(_ENCRYPTED_PDF)
            pages = list(reader.pages)[:PDF_MAX_PAGES]
        except UploadRejected:
            raise
        except FileNotDecryptedError as error:
            raise UploadRejected(_ENCRYPTED_PDF) from error
        except Exception as error:  # pypdf raises many types on hostile input
            logger.info("PDF text not extracted, unreadable: %r", error)
            raise UploadRejected(_CORRUPT_PDF) from error
        budget = PDF_CONTENT_BUDGET_BYTES
        decoded: set[int] = set()
        deadline = _clock() + PDF_TEXT_SECONDS
        for page in pages:
            if extracted >= max_characters or _clock() > deadline:
                break
            try:
                page_bytes = 0
                for stream, is_image in _page_streams(page):
                    if is_image:
                        continue
                    assert stream is not None  # only images come without a stream
                    content = stream.get_data()  # decoded once: pypdf caches it on the stream
                    page_bytes += len(content)
                    if id(stream) not in decoded:
                        decoded.add(id(stream))
                        budget -= len(content)
                if budget < 0:
                    break
                if page_bytes > PDF_TEXT_PAGE_MAX_BYTES:
                    continue
                text = _extract_text(page, deadline)
            except _OutOfTime:
                break
            except Exception as error:  # a broken or oversized page loses its text, not the others'
                logger.info("PDF page text not extracted: %r", error)
                continue
            parts.append(text[: max_characters - extracted])
            extracted += len(parts[-1])
    return "\n".join(parts)[:max_characters]


# ---------------------------------------------------------------------------
# Our own printable documents uploaded back

GENERATED_TEXT_SHARE = 0.8  # share of the generated PDF's lines found in an upload that makes it a copy
_WHITESPACE = re.compile(r"\s+")


def _lines(text: str) -> list[str]:
    lines = (_WHITESPACE.sub("", line) for line in text.splitlines())
    return [line for line in lines if len(line) >= 6]  # short lines (dates, blanks) say nothing


def _has_images(reader: PdfReader) -> bool:
    for page in list(reader.pages)[:PDF_MAX_PAGES]:
        for stream, is_image in _page_streams(page):
            if is_image or (stream is not None and _INLINE_IMAGE.search(stream.get_data())):
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
    with apply_configuration(**_PDF_LIMITS):
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
