"""The PDF safety walk: is this upload a PDF we may keep and show to reviewers? Pure module: no Django.

* `check_pdf`: a PDF of at most `DOCUMENT_MAX_BYTES`, not cut off, not encrypted, at most
  PDF_MAX_PAGES pages, without active content (JavaScript, launch, web links, form submits,
  remote actions, XFA, embedded files: every object reachable from the catalog is looked at,
  iteratively, at most PDF_MAX_OBJECTS of them), whose page content decodes within the budget.
* `inspect_pdf`: the same walk, returning `PdfFacts` (pages, and with `read_text` the 字数 of
  the text layer, scanned pages, whether the count is complete), for checks with rules of
  their own (the applicant's 技术总结 and 论文 minimums live in `applications.uploads`).
* `extract_text`: the text layer of a stored PDF, bounded, for the similarity check.
* `count_characters`: 字数 as Word counts it.

Decoding runs under `pypdf.apply_configuration` (a context variable, so other code is
unaffected): a stream may inflate to at most 16 MB, a document's page content to 32 MB in
total. Counting 字 is pure Python, so it is bounded by time: at most PDF_TEXT_SECONDS
(checked before every content operator) and pages of at most PDF_TEXT_PAGE_MAX_BYTES.
"""

import io
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from skillcert.uploads.files import (
    DOCUMENT_MAX_BYTES,
    MB,
    CheckedUpload,
    UploadRejected,
    check_size,
    checked_upload,
    detect_kind,
    refuse_type,
)

logger = logging.getLogger(__name__)
_clock = time.monotonic  # a module attribute, so tests can drive the text-extraction deadline

PDF_MAX_PAGES = 50
PDF_STREAM_MAX_BYTES = 16 * MB
PDF_CONTENT_BUDGET_BYTES = 32 * MB
PDF_MAX_OBJECTS = 100_000
PDF_TEXT_MAX_CHARACTERS = 200_000
PDF_TEXT_SECONDS = 5.0
PDF_TEXT_PAGE_MAX_BYTES = 1 * MB
PDF_ACCEPT = "application/pdf"  # for <input type="file" accept=...>

SCANNED_PAGE_MAX_CHARACTERS = 30  # a page with an image and fewer 字 than this is a scan


# ---------------------------------------------------------------------------
# PDFs

# Keyword arguments of `apply_configuration`: byte limits, and embedded media left unparsed.
PDF_LIMITS: dict[str, Any] = {
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
class PdfFacts:
    pages: int
    characters: int | None = None
    scanned_pages: int = 0
    complete: bool = True


INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


def page_streams(page: DictionaryObject) -> Iterator[tuple[StreamObject | None, bool]]:
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


def _read_pages(reader: PdfReader, facts: PdfFacts, *, read_text: bool) -> None:
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
        for stream, is_image in page_streams(page):
            if is_image:
                has_image = True
                continue
            assert stream is not None  # only images come without a stream
            data = stream.get_data()  # decoded once: pypdf caches it on the stream
            page_bytes += len(data)
            if not has_image and INLINE_IMAGE.search(data):
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


def inspect_pdf(data: bytes, *, read_text: bool) -> PdfFacts:
    if b"%%EOF" not in data[-1024:]:
        raise UploadRejected(_TRUNCATED_PDF)
    with apply_configuration(**PDF_LIMITS):
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
            facts = PdfFacts(pages=pages)
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


def check_pdf(data: bytes, name: str = "") -> CheckedUpload:
    """A PDF-only material without a length rule (专利、项目报告). `name` is ignored."""
    check_size(data, DOCUMENT_MAX_BYTES, "PDF 文件")
    kind = detect_kind(data)
    if kind != "pdf":
        raise refuse_type(kind, expected=" PDF", accepted="PDF")
    facts = inspect_pdf(data, read_text=False)
    return checked_upload(data, kind, pages=facts.pages)


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
        raise refuse_type(kind, expected=" PDF", accepted="PDF")
    if max_characters <= 0:
        return ""
    parts: list[str] = []
    extracted = 0
    with apply_configuration(**PDF_LIMITS):
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
                for stream, is_image in page_streams(page):
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
