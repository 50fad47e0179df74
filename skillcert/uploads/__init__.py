"""Checks for uploaded files, shared by every app that takes one. Pure modules: no Django.

Each check takes the raw bytes (the client's file name is never trusted: the type is
detected from the content) and returns a `CheckedUpload` or raises `UploadRejected`, whose
str() is a Chinese message to show next to the field. Rules of one use stay with it
(the applicant's slots, white photo background and 字数 minimums: `applications.uploads`).

* `files`: `detect_kind` (magic bytes), `check_size`, `refuse_type` (the message for a file
  of the wrong type), `checked_upload` (the facts of an accepted file).
* `images`: `open_image` (pixel bombs refused from the header), `reencode_image` (upright,
  sRGB, no EXIF/GPS/XMP/ICC/comments; the original never kept), `StoredFile`.
* `pdf`: `check_pdf` (the safety walk), `inspect_pdf`, `extract_text`, `count_characters`.
* `xlsx`: `check_xlsx` (a workbook to import: bounded unzip, only an xlsx's parts, no
  macros or external links, bounded rows and columns; opened read-only).
"""

from skillcert.uploads.files import (
    DOCUMENT_MAX_BYTES,
    MB,
    NEEDS_MANUAL_LENGTH_CHECK,
    CheckedUpload,
    UploadRejected,
    check_size,
    checked_upload,
    detect_kind,
    refuse_type,
)
from skillcert.uploads.images import StoredFile, open_image, reencode_image
from skillcert.uploads.pdf import PDF_ACCEPT, check_pdf, count_characters, extract_text, inspect_pdf
from skillcert.uploads.xlsx import XLSX_ACCEPT, check_xlsx

__all__ = [
    "DOCUMENT_MAX_BYTES",
    "MB",
    "NEEDS_MANUAL_LENGTH_CHECK",
    "PDF_ACCEPT",
    "XLSX_ACCEPT",
    "CheckedUpload",
    "StoredFile",
    "UploadRejected",
    "check_pdf",
    "check_size",
    "check_xlsx",
    "checked_upload",
    "count_characters",
    "detect_kind",
    "extract_text",
    "inspect_pdf",
    "open_image",
    "reencode_image",
    "refuse_type",
]
