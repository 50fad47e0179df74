"""The PDF toolkit on its own: tables across pages, QR codes that scan, CJK text embedded and extractable."""

import io

import pypdf
import pypdfium2 as pdfium
import pytest
import segno
from PIL import Image

from skillcert.pdf import (
    CONTINUED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Box,
    Column,
    Page,
    continuation_pages,
    fit_text,
    new_canvas,
    photo_box,
    qr_box,
    signature_box,
    stamp_box,
    text_cell,
    title,
)
from skillcert.pdf.table import draw_table

MARGINS = Page()


def document(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title="测试文档")
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_an_a4_page_with_margins_leaves_the_content_box():
    content = Page(top=30, right=20, bottom=40, left=25).content
    assert (content.x, content.y) == (25, 40)
    assert content.w == pytest.approx(PAGE_WIDTH - 45) and content.top == pytest.approx(PAGE_HEIGHT - 30)
    assert [box.w for box in content.columns((100, 50))] == [100, 50]
    assert [box.top for box in content.rows((10, 20))] == [content.top, content.top - 10]


def test_a_table_of_200_rows_breaks_across_pages_with_its_header_repeated():
    columns = (Column("准考证号", 120), Column("姓名", 90), Column("申报职业", 200), Column("成绩", 60, "right"))
    rows = [(f"2023{n:06d}", f"考生{n}", "汽车维修工（四级/中级工）", f"{60 + n % 40}") for n in range(200)]
    pages = []

    def next_page(canvas):
        canvas.showPage()
        return MARGINS.content

    def draw(canvas):
        pages.append(draw_table(canvas, MARGINS.content, columns, rows, new_page=next_page))
        canvas.showPage()

    texts = page_texts(document(draw))
    assert pages[0] == len(texts) > 1
    for text in texts:
        assert text.index("准考证号") < text.index("姓名") < text.index("申报职业") < text.index("成绩")
    numbers = [line.split()[0] for text in texts for line in text.splitlines() if line.startswith("2023")]
    assert numbers == [f"2023{n:06d}" for n in range(200)]


def test_a_table_that_fits_takes_one_page():
    def draw(canvas):
        assert draw_table(canvas, MARGINS.content, (Column("序号", 40),), [("1",), ("2",)], new_page=pytest.fail) == 1

    document(draw)


def dark_modules(pdf: bytes, box: Box, count: int, scale: float) -> list[list[bool]]:
    """The QR symbol read back from the rendered page: the ink at the centre of each module."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=scale).to_pil().convert("L")
    module = min(box.w, box.h) / count
    left = box.x + (box.w - module * count) / 2
    top = PAGE_HEIGHT - (box.y + (box.h + module * count) / 2)  # from the top of the rendered image
    return [
        [
            image.getpixel((int((left + (c + 0.5) * module) * scale), int((top + (r + 0.5) * module) * scale))) < 128
            for c in range(count)
        ]
        for r in range(count)
    ]


def test_a_qr_box_renders_the_symbol_segno_encodes():
    data = "https://skillcert.example/verify/2023-150102-000123"
    box = Box(100, 500, 90, 90)
    pdf = document(lambda canvas: (qr_box(canvas, box, data, border=2), canvas.showPage()))
    symbol = segno.make(data, error="m", micro=False)
    expected = [[bool(value) for value in row] for row in symbol.matrix]
    size = len(expected)
    read = dark_modules(pdf, box, size + 4, scale=4)
    assert all(not dark for dark in read[0] + read[-1])  # the quiet zone stays white
    assert [row[2:-2] for row in read[2:-2]] == expected


def test_a_qr_module_is_big_enough_to_scan_from_paper():
    pdf_module = []
    document(lambda canvas: pdf_module.append(qr_box(canvas, Box(0, 0, 25 * 72 / 25.4, 25 * 72 / 25.4), "2023-000123")))
    assert pdf_module[0] >= 0.5 * 72 / 25.4


def test_cjk_text_is_embedded_as_a_subset_and_extractable():
    text = "内蒙古自治区职业技能等级认定　额尔敦巴雅尔"

    def draw(canvas):
        title(canvas, "成绩汇总表", PAGE_HEIGHT - 60, 18)
        text_cell(canvas, Box(60, 600, 400, 30), text)
        canvas.showPage()

    pdf = document(draw)
    assert "成绩汇总表" in page_texts(pdf)[0] and text in page_texts(pdf)[0]
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    embedded = [font.get_object() for font in fonts.values()]
    names = [str(font["/BaseFont"]) for font in embedded]
    assert names and all("+" in name for name in names)  # subset: only the glyphs used travel
    descendant = embedded[0]["/DescendantFonts"][0].get_object() if "/DescendantFonts" in embedded[0] else embedded[0]
    descriptor = descendant["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor


def test_fitted_text_shrinks_to_its_floor_then_continues():
    short = fit_text("汽车维修工" * 5, 100, 40, 10.5, 8)  # 3 lines at 10.5 pt, 2 at 9.5 pt
    assert short.size < 10.5 and not short.rest
    long = fit_text("汽车维修工" * 200, 100, 40, 10.5, 8)
    assert long.size == 8 and long.lines[-1].endswith(CONTINUED) and long.rest
    assert long.height <= 40


def test_continuation_pages_are_numbered_and_say_whose_they_are():
    def draw(canvas):
        added = continuation_pages(
            canvas, [("工作简历", "维修" * 1000)], heading="申报表附页", who="姓名：王五", left=50, width=495, bottom=52
        )
        assert added == 2

    texts = page_texts(document(draw))
    assert len(texts) == 2
    for number, text in enumerate(texts, start=1):
        assert "申报表附页" in text and "姓名：王五" in text and "工作简历（续）" in text
        assert f"附页第 {number} 页，共 2 页" in text


def image_count(pdf: bytes) -> int:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    return sum(1 for item in xobjects.values() if item.get_object()["/Subtype"] == "/Image")


def test_a_photo_box_shows_the_photo_or_says_what_belongs_there():
    buffer = io.BytesIO()
    Image.new("RGB", (390, 567), "white").save(buffer, format="JPEG")
    box = Box(400, 600, 99, 128)
    with_photo = document(
        lambda canvas: (photo_box(canvas, box, buffer.getvalue(), placeholder="照片"), canvas.showPage())
    )
    assert image_count(with_photo) == 1
    unreadable = document(
        lambda canvas: (photo_box(canvas, box, b"not a jpeg", placeholder="近期免冠照片"), canvas.showPage())
    )
    assert image_count(unreadable) == 0 and "近期免冠照片" in page_texts(unreadable)[0]


def test_signature_and_stamp_boxes_leave_room_to_sign_and_seal():
    def draw(canvas):
        signature_box(canvas, 300, 200, 520, label="承诺人（签名）：", name="额尔敦巴雅尔", size=14)
        stamp_box(canvas, Box(300, 300, 200, 100), bottom=300, size=10.5)
        canvas.showPage()

    text = page_texts(document(draw))[0]
    assert "承诺人（签名）：" in text and "（额尔敦巴雅尔）" in text
    assert "（公章）" in text and "年　　月　　日" in text
