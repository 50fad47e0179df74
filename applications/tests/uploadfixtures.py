"""Upload fixtures built in code: photos (Pillow), PDFs (reportlab, pypdf, or byte by byte), bombs.

No file on disk and no system font is needed: Chinese text is written with
reportlab's built-in CID font STSong-Light, which pypdf extracts back as Unicode.
"""

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

WHITE = (255, 255, 255)
DARK = (45, 45, 50)
BLUE = (67, 142, 219)  # the usual 蓝底
RED = (200, 30, 40)

# Common characters, no punctuation: each extracted character counts 1 字.
HAN = "技能等级认定汽车维修工作总结发动机故障诊断排除电控系统检修实践经验培训徒弟安全生产质量管理"


# ---------------------------------------------------------------------------
# Images


def portrait(size: tuple[int, int] = (413, 579), background=WHITE) -> Image.Image:
    """A 一寸-like ID photo: plain background, a face and dark shoulders."""
    width, height = size
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.18, width * 0.7, height * 0.62), fill=(226, 190, 160))  # face
    draw.ellipse((width * 0.28, height * 0.12, width * 0.72, height * 0.32), fill=(30, 25, 25))  # hair
    draw.rectangle((width * 0.08, height * 0.7, width * 0.92, height), fill=(35, 40, 60))  # shoulders
    return image


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def photo(fmt: str = "JPEG", size: tuple[int, int] = (413, 579), background=WHITE, **params) -> bytes:
    return encode(portrait(size, background), fmt, **params)


def phone_photo(
    size: tuple[int, int] = (3024, 4032), *, noise: float = 12.0, on_side: bool = False, exif=None, quality: int = 95
) -> bytes:
    """A portrait as a phone camera writes it: full resolution, sensor noise, high JPEG quality (several MB).

    `on_side`: the pixels are stored rotated 90° counter-clockwise, as a phone held upright
    stores them (give an EXIF orientation 6 to show them upright).
    """
    image = portrait(size)
    if noise:
        grain = Image.effect_noise(size, noise).convert("RGB")
        image = ImageChops.add(image, grain, offset=-128)
    if on_side:
        image = image.transpose(Image.Transpose.ROTATE_90)
    return encode(image, "JPEG", quality=quality, exif=exif or Image.Exif())


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: maker, model, time and the place the picture was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "Mate 60"
    exif[ExifTags.Base.DateTime] = "2026:11:30 09:15:00"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 49.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (111.0, 39.0, 3.2)
    return exif


def id_card(size: tuple[int, int] = (856, 540)) -> Image.Image:
    """A scan of an ID card, upright: pale card, a dark band along the top edge, some text-like lines."""
    width, height = size
    image = Image.new("RGB", size, (236, 240, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height // 8), fill=(20, 40, 90))
    for row in range(4):
        y = height // 4 + row * height // 7
        draw.rectangle((width // 10, y, width // 2, y + height // 20), fill=(60, 60, 60))
    return image


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="40,49.2N"/></rdf:RDF></x:xmpmeta>'
)


def document_image(fmt: str, *, on_side: bool = True) -> bytes:
    """An ID-card scan from a phone with every kind of metadata its format can carry."""
    image = id_card()
    if on_side:
        image = image.transpose(Image.Transpose.ROTATE_90)
    exif = gps_exif(orientation=6 if on_side else 1)
    if fmt == "JPEG":
        return encode(image, "JPEG", quality=92, exif=exif, icc_profile=srgb_icc(), comment=b"secret comment", xmp=XMP)
    if fmt == "PNG":
        text = PngInfo()
        text.add_text("Comment", "secret comment")
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        text.add_text("Author", "HUAWEI Mate 60", zip=True)
        return encode(image, "PNG", exif=exif, icc_profile=srgb_icc(), pnginfo=text)
    return encode(image, fmt)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_bomb(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims width × height RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def bmp_header_bomb(width: int, height: int) -> bytes:
    """A BMP header claiming width × height 24-bit pixels, followed by a few bytes."""
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    header = b"BM" + struct.pack("<IHHI", 14 + len(info) + 64, 0, 0, 14 + len(info))
    return header + info + b"\xff" * 64


# ---------------------------------------------------------------------------
# PDFs


def han_text(count: int) -> str:
    return "".join(HAN[i % len(HAN)] for i in range(count))


def text_pdf(text: str, *, per_line: int = 40, font_size: int = 10) -> bytes:
    """A text PDF (A4), `per_line` characters a line, as many pages as needed."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    top, bottom, leading = A4[1] - 60, 60, font_size * 1.5
    y = top
    pdf.setFont(CJK_FONT, font_size)
    for start in range(0, len(text), per_line):
        if y < bottom:
            pdf.showPage()
            pdf.setFont(CJK_FONT, font_size)
            y = top
        pdf.drawString(50, y, text[start : start + per_line])
        y -= leading
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pages_pdf(pages: int) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        pdf.setFont(CJK_FONT, 12)
        pdf.drawString(50, 780, f"第 {number} 页")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf(pages: int = 2, footer: str = "") -> bytes:
    """Image-only pages, like a phone scanning app makes; optionally a tiny text footer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    scan = Image.new("L", (300, 420), 250)
    ImageDraw.Draw(scan).rectangle((30, 30, 270, 60), fill=20)
    for number in range(1, pages + 1):
        pdf.drawImage(ImageReader(scan), 0, 0, *A4)
        if footer:
            pdf.setFont(CJK_FONT, 8)
            pdf.drawString(280, 20, footer.format(number))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pypdf_writer(source: bytes) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(source)))


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF written byte by byte, with a correct xref table: for content no library would write."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


TEXT_CONTENT = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"


def one_page_pdf(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    resources: bytes = b"",
    content: bytes = TEXT_CONTENT,
    extra: dict[int, bytes] | None = None,
) -> bytes:
    """Catalog 1, pages 2, page 3, content 4, font 5; `catalog`, `page`, `resources` are spliced into those."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> " + resources + b" >> " + page + b" >>",
        4: stream(content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    objects.update(extra or {})
    return raw_pdf(objects)


def deflate_bomb(decompressed: int, fill: bytes = b" ") -> bytes:
    """zlib data that inflates to `decompressed` bytes of `fill` (about 1000:1)."""
    compressor = zlib.compressobj(9)
    chunk = fill * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(decompressed // len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)


def flate_bomb_pdf(pages: int = 1, decompressed: int = 200 * 1024 * 1024) -> bytes:
    """`pages` pages, each with its own FlateDecode content stream inflating to `decompressed` bytes."""
    bomb = deflate_bomb(decompressed)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(pages)), pages),
    }
    for i in range(pages):
        objects[10 + 2 * i] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (11 + 2 * i)
        objects[11 + 2 * i] = stream(bomb, b"/Filter /FlateDecode")
    return raw_pdf(objects)
