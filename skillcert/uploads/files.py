"""The first checks every uploaded file goes through, whatever it is for. Pure module: no Django.

A check takes the raw bytes (never the client's file name: the type is detected from the
content) and returns a `CheckedUpload` or raises `UploadRejected`, whose str() is a Chinese
message to show next to the field.
"""

import hashlib
import math
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * MB  # a PDF or a scan: what a phone or a scanner writes

NEEDS_MANUAL_LENGTH_CHECK = "needs_manual_length_check"


class UploadRejected(ValueError):
    """The upload is refused; str() is the message to show the applicant."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "jpeg" | "png" | "bmp" | "pdf" | "xlsx", detected from the content
    extension: str  # ".jpg" | ".png" | ".bmp" | ".pdf" | ".xlsx": use this, never the client's name
    content_type: str
    size: int  # bytes
    sha256: str  # hex digest of the bytes, for duplicate detection
    pages: int | None = None  # PDFs
    text_characters: int | None = None  # 字数 of the text layer, when it was counted
    flags: tuple[str, ...] = ()
    width: int | None = None  # images, as displayed (EXIF rotation applied for photos)
    height: int | None = None
    sheets: int | None = None  # workbooks: worksheets, and the most rows and columns of any one
    rows: int | None = None
    columns: int | None = None

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


KINDS = {
    "jpeg": _Kind(".jpg", "image/jpeg", ("JPEG", "MPO")),  # MPO: JPEG with a depth map, from some phones
    "png": _Kind(".png", "image/png", ("PNG",)),
    "bmp": _Kind(".bmp", "image/bmp", ("BMP",)),
    "pdf": _Kind(".pdf", "application/pdf", ()),
    "xlsx": _Kind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ()),
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
    """The file type from its first bytes: a key of `KINDS`, `_OTHER_IMAGES`, `_NOT_IMAGES`, or None."""
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


def refuse_type(detected: str | None, *, expected: str, accepted: str, noun: str = "文件") -> UploadRejected:
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


def check_size(data: bytes, limit: int, what: str) -> None:
    if not data:
        raise UploadRejected("文件为空，请重新选择文件。")
    if len(data) > limit:
        raise UploadRejected(f"{what}不能超过 {limit // MB} MB，当前约 {_format_mb(len(data), limit)} MB。")


def checked_upload(data: bytes, kind: str, **facts: Any) -> CheckedUpload:
    info = KINDS[kind]
    return CheckedUpload(
        kind=kind,
        extension=info.extension,
        content_type=info.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **facts,
    )
