"""Images as they are stored: decoded safely, upright, sRGB, re-encoded without metadata. Pure module.

* `open_image`: decode an upload's image, refusing pixel bombs from the header before any pixel
  is decoded (and Pillow's own bomb limit); a truncated or hostile file is `UploadRejected`.
  `draft` decodes a JPEG at 1/2–1/8 scale where that suffices.
* `reencode_image`: the same pixels, EXIF rotation applied, colours converted to sRGB from an
  embedded ICC profile, re-encoded (JPEG as JPEG at quality 90, PNG and BMP as PNG) without EXIF,
  GPS, XMP, ICC, comments or PNG text chunks; the original is never kept.
* `bare`, `on_white`, `encode_jpeg`, `to_srgb`: the steps, for stored forms of one use (the
  applicant's photo: `applications.uploads`).
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageCms

from skillcert.uploads.files import KINDS, UploadRejected

logger = logging.getLogger(__name__)

IMAGE_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 90


CORRUPT_IMAGE = "图片文件已损坏或不完整，无法打开，请重新拍摄或导出后上传。"

_ORIENTATION_TAG = 0x0112
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def exif_orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block only loses the rotation
        return 1
    return value if value in TRANSPOSE else 1


def open_image(
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
    formats = KINDS[kind].pillow_formats
    too_big = f"图片尺寸过大，请压缩到 {max_pixels // 10_000} 万像素以内后重新上传。"
    try:
        with Image.open(io.BytesIO(data), formats=list(formats)) as probe:
            if probe.format not in formats:
                raise UploadRejected(CORRUPT_IMAGE)
            width, height = probe.size
            if width < 1 or height < 1:
                raise UploadRejected(CORRUPT_IMAGE)
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
        raise UploadRejected(CORRUPT_IMAGE) from error
    return image, exif_orientation(image), (width, height)


def shown_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """(width, height) as displayed, after the EXIF rotation."""
    return (size[1], size[0]) if orientation in {5, 6, 7, 8} else size


def on_white(image: Image.Image) -> Image.Image:
    """RGB with any transparency composited onto white; no metadata (EXIF, ICC, comments) is carried over."""
    if image.mode == "RGB" and "transparency" not in image.info:
        out = Image.new("RGB", image.size)
        out.paste(image)
        return out
    rgba = image.convert("RGBA")
    out = Image.new("RGB", image.size, (255, 255, 255))
    out.paste(rgba, mask=rgba.getchannel("A"))
    return out


_METADATA_KEYS = frozenset({"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop", "adobe"})
METADATA_NOTE = "已去除图片中的拍摄时间、地点（GPS）、设备等附加信息。"


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


def has_metadata(image: Image.Image) -> bool:
    if _METADATA_KEYS & image.info.keys() or getattr(image, "text", None):
        return True
    try:
        return len(image.getexif()) > 0
    except Exception:  # a broken EXIF block is dropped all the same
        return True


def to_srgb(image: Image.Image) -> Image.Image:
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


def bare(image: Image.Image, orientation: int) -> Image.Image:
    """The pixels only, as displayed: EXIF rotation applied, then every metadata entry dropped."""
    image = to_srgb(image)
    image = image.transpose(TRANSPOSE[orientation]) if orientation in TRANSPOSE else image.copy()
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image


_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})


def encode_jpeg(image: Image.Image, limit: int) -> bytes:
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


def stored_file(data: bytes, kind: str, **facts: Any) -> StoredFile:
    info = KINDS[kind]
    return StoredFile(data, info.extension, info.content_type, hashlib.sha256(data).hexdigest(), **facts)


def reencode_image(data: bytes, kind: str) -> StoredFile:
    """JPEG stays JPEG, PNG and BMP become PNG (lossless, and a BMP scan is ten times smaller)."""
    image, orientation, _ = open_image(data, kind)
    with image:
        had_metadata = has_metadata(image)
        clean = bare(image, orientation)
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
    notes = (METADATA_NOTE,) if had_metadata else ()
    return stored_file(buffer.getvalue(), stored_kind, width=clean.width, height=clean.height, notes=notes)
