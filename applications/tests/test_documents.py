"""The printable 申报表 and 诚信承诺书: real A4 PDFs with an embedded Chinese font, read back with pypdf and
rendered with PDFium (or poppler's pdftoppm) to check that ink lands where it should."""

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from applications import documents
from applications.documents import (
    CONTINUED,
    FontMissingError,
    cjk_font_path,
    fit_text,
    pledge_promises,
    render_application_form,
    render_integrity_pledge,
    wrap_lines,
)
from applications.sheet import ApplicationSheet

A4_WIDTH, A4_HEIGHT = 595.27, 841.89
SHOTS = Path(tempfile.gettempdir()) / "doc-shots"

HISTORY = (
    "2008年7月—2012年6月　呼和浩特市公交集团　汽车维修工\n"
    "2012年7月—2018年12月　内蒙古自治区机关事务管理局车队　汽车维修工（班组长）\n"
    "2019年1月至今　内蒙古自治区机关事务管理局车队　汽车维修技师"
)


def _jpeg(size=(390, 567), color="white", orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _sheet(**changes) -> ApplicationSheet:
    sheet = ApplicationSheet(
        full_name="额尔敦巴雅尔",
        gender="男",
        ethnicity="蒙古族",
        id_number="150102198807150031",
        education="大学本科",
        phone="13904711234",
        work_started_on=date(2008, 7, 1),
        occupation_years=15,
        employer="内蒙古自治区机关事务管理局车队",
        occupation="汽车维修工",
        occupation_code="4-12-01-01",
        level="三级/高级工",
        work_type="汽车机械维修工",
        category="晋级",
        prior_certificate_occupation="汽车维修工",
        prior_certificate_number="S000015010000193000123",
        work_history=HISTORY,
        achievements="2019年获全区机关事业单位汽车维修技能竞赛二等奖；带徒 4 名。",
        specialties="擅长电控发动机故障诊断，解决柴油车冬季低温启动困难问题。",
        campaign_year=2023,
        photo_jpeg=_jpeg(),
        city="hohhot",
    )
    return replace(sheet, **changes)


@pytest.fixture(scope="module")
def form() -> bytes:
    return render_application_form(_sheet())


@pytest.fixture(scope="module")
def pledge() -> bytes:
    return render_integrity_pledge(_sheet())


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in _reader(pdf).pages]


def _compact(text: str) -> str:
    """Text without line breaks and spaces (wrapping adds the former, the form spreads some labels)."""
    return re.sub(r"\s+", "", text)


def _images(xobjects) -> list:
    """Image XObjects, looking into form XObjects (ReportLab wraps each image in one)."""
    found = []
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            found.append(obj)
        elif obj.get("/Subtype") == "/Form":
            found += _images(obj.get("/Resources", {}).get("/XObject"))
    return found


def _page_images(pdf: bytes, index: int) -> list:
    return _images(_reader(pdf).pages[index]["/Resources"].get("/XObject"))


# --- The application form (annex 2) -----------------------------------------------------------------------------


def test_form_is_an_a4_pdf_of_two_pages(form):
    assert form.startswith(b"%PDF-")
    reader = _reader(form)
    assert len(reader.pages) == 2  # front and back of one sheet
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_WIDTH, abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_HEIGHT, abs=1)
    assert reader.metadata.title == "内蒙古自治区机关事业单位技能人员职业技能等级认定申报表（额尔敦巴雅尔）"


def test_front_page_text_reads_back(form):
    front = _texts(form)[0]
    for line in ("内蒙古自治区机关事业单位", "技能人员职业技能等级认定申报表"):
        assert line in front
    for label in ("姓名", "性别", "民族", "身份证号码", "文化程度", "联系电话", "参加工作时间", "本职业工龄"):
        assert label in front
    for label in ("工作单位", "申报职业", "申报等级", "申报工种", "申报类别", "工作简历："):
        assert label in front
    assert "上一级\n证书职业" in front and "上一级\n证书编号" in front
    for value in ("额尔敦巴雅尔", "男", "蒙古族", "150102198807150031", "大学本科", "13904711234"):
        assert value in front
    for value in ("2008年7月", "15年", "内蒙古自治区机关事务管理局车队", "汽车维修工", "三级/高级工"):
        assert value in front
    for value in ("汽车机械维修工", "晋级", "S000015010000193000123"):
        assert value in front
    assert "2012年7月—2018年12月\u3000内蒙古自治区机关事务管理局车队\u3000汽车维修工（班组长）" in front
    assert "近期免冠白底" not in front  # a photo was given
    assert CONTINUED not in front


def test_back_page_has_the_text_boxes_and_five_opinion_boxes(form):
    back = _texts(form)[1]
    compact = _compact(back)
    assert "历次参加技术革新、技术攻关和技能竞赛的成绩（成果）、传授技艺情况" in compact
    assert "技术特长以及在本工种生产工艺、关键操作技术方面解决难题的表现、业绩" in compact
    assert "2019年获全区机关事业单位汽车维修技能竞赛二等奖；带徒4名。" in compact
    assert "擅长电控发动机故障诊断" in compact
    for label in (*documents.OPINIONS, documents.ASSOCIATION_OPINION):
        assert label in back
    assert back.count("（公章）") == 5
    assert back.count("年\u3000\u3000月\u3000\u3000日") == 5
    assert "注：此表 A4 纸正反面打印" in back


def _fonts(pdf: bytes) -> list:
    fonts = []
    for page in _reader(pdf).pages:
        fonts += [font.get_object() for font in page["/Resources"]["/Font"].values()]
    return fonts


@pytest.mark.parametrize("render", [render_application_form, render_integrity_pledge])
def test_every_font_is_an_embedded_truetype_subset(render):
    fonts = _fonts(render(_sheet()))
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert "WenQuanYiMicroHei" in font["/BaseFont"]
        assert re.match(r"/[A-Z]{6}\+", font["/BaseFont"])  # a subset
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_the_photo_is_drawn_in_the_photo_box(form):
    images = _page_images(form, 0)
    assert len(images) == 1
    assert "/DCTDecode" in images[0]["/Filter"]  # embedded as JPEG
    assert not _page_images(form, 1)


def test_without_a_photo_the_box_says_what_to_attach():
    pdf = render_application_form(_sheet(photo_jpeg=None))
    assert not _page_images(pdf, 0)
    front = _texts(pdf)[0]
    assert "近期免冠白底\n彩色照片" in front and "1.5 寸" in front


def test_an_unreadable_photo_prints_the_placeholder(caplog):
    pdf = render_application_form(_sheet(photo_jpeg=b"not a jpeg"))
    assert not _page_images(pdf, 0)
    assert "近期免冠白底" in _texts(pdf)[0]
    assert "not a readable image" in caplog.text


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation():
    sideways = _jpeg(size=(400, 300), color="gray", orientation=6)  # stored landscape, shown portrait
    (image,) = _page_images(render_application_form(_sheet(photo_jpeg=sideways)), 0)
    assert (image["/Width"], image["/Height"]) == (300, 400)


def test_missing_optional_values_leave_cells_empty():
    pdf = render_application_form(
        _sheet(
            work_started_on=None,
            occupation_years=None,
            work_type="",
            prior_certificate_occupation="",
            prior_certificate_number="",
            achievements="",
        )
    )
    assert len(_reader(pdf).pages) == 2
    front = _texts(pdf)[0]
    assert "参加工作时间\n本职业工龄" in front
    assert "本职业工龄\n工作单位" in front


# --- Long text ---------------------------------------------------------------------------------------------------

LONG_HISTORY = (
    "2012年至今在内蒙古自治区机关事务管理局车队从事汽车维修工作，负责发动机、变速箱、电控系统的故障诊断与维修"
    "（含 ISO9001 质量体系文件编写）。"
) * 40


ACHIEVEMENTS = documents.ACHIEVEMENTS_LABEL
SPECIALTIES = documents.SPECIALTIES_LABEL


@pytest.fixture(scope="module")
def long_form() -> bytes:
    return render_application_form(_sheet(work_history=LONG_HISTORY[:3000]))


def test_long_work_history_shrinks_then_continues_on_an_extra_page(long_form):
    pages = _texts(long_form)
    assert len(pages) == 3  # front, back, one 附页
    assert pages[0].count(CONTINUED) == 1
    assert "申报表附页" in pages[2]
    assert "工作简历（续）：" in pages[2]
    assert "姓名：额尔敦巴雅尔" in pages[2] and "身份证号码：150102198807150031" in pages[2]
    assert "附页第 1 页，共 1 页" in pages[2]
    # Nothing is lost: what the front shows plus what the 附页 shows is the whole history.
    shown = _compact(pages[0].split("工作简历：")[1]).replace(CONTINUED, "")
    continued = _compact(pages[2].split("工作简历（续）：")[1].split("附页第")[0])
    assert shown + continued == _compact(LONG_HISTORY[:3000])


def _char_boxes(pdf: bytes, index: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    pdfium = pytest.importorskip("pypdfium2")
    page = pdfium.PdfDocument(pdf)[index]
    text = page.get_textpage()
    boxes = []
    for i in range(text.count_chars()):
        char = text.get_text_range(i, 1)
        if char.strip():
            boxes.append((char, text.get_charbox(i)))
    return boxes


def test_long_work_history_stays_inside_its_box(long_form):
    left, right = documents.TABLE_LEFT, documents.TABLE_LEFT + documents.TABLE_WIDTH
    box_top = documents.FRONT_TOP - 8 * documents.ROW
    inside = [(char, box) for char, box in _char_boxes(long_form, 0) if box[3] < box_top]
    assert len(inside) > 2000
    for char, (x0, y0, x1, _y1) in inside:
        assert left < x0 and x1 < right, char
        assert y0 > documents.BOTTOM, char


def test_every_line_is_drawn_inside_the_box_it_was_fitted_to(monkeypatch):
    drawn = []
    original = documents._draw_lines

    def spy(canvas, fitted, box, *args, **kwargs):
        drawn.append((fitted, box))
        original(canvas, fitted, box, *args, **kwargs)

    monkeypatch.setattr(documents, "_draw_lines", spy)
    huge = _sheet(
        employer="内蒙古自治区机关事务管理局车队汽车维修保养中心第三班组" * 12,
        work_type="汽车机械维修工" * 20,
        ethnicity="鄂温克族" * 30,  # the narrowest cell: a shorter marker
        work_history=LONG_HISTORY * 2,
        achievements=LONG_HISTORY,
        specialties=LONG_HISTORY,
    )
    pdf = render_application_form(huge)
    assert len(drawn) > 30
    for fitted, box in drawn:
        assert fitted.height <= box.h + 0.01
        for line in fitted.lines:
            assert documents._width(line, fitted.size) <= box.w + 0.01, line

    pages = _texts(pdf)
    assert len(pages) > 3
    extra = "".join(pages[2:])
    for label in ("民族", "工作单位", "申报工种", "工作简历", ACHIEVEMENTS, SPECIALTIES):
        assert f"{label}（续）" in _compact(extra)
    assert f"附页第 1 页，共 {len(pages) - 2} 页" in extra
    assert all("（续）：" in page for page in pages[2:])  # each 附页 says whose text it continues
    assert _compact(extra).count(CONTINUED) == 0


def test_fit_text_shrinks_before_it_truncates():
    text = "汽车维修" * 40  # 160 characters
    roomy = fit_text(text, 200, 200, 10.5, 8)
    assert roomy.size == 10.5 and not roomy.rest
    tight = fit_text(text, 200, 110, 10.5, 8)
    assert 8 <= tight.size < 10.5 and not tight.rest
    cut = fit_text(text, 200, 40, 10.5, 8)
    assert cut.size == 8 and cut.lines[-1].endswith(CONTINUED)
    assert "".join(cut.lines).replace(CONTINUED, "") + cut.rest == text


def test_wrap_keeps_lines_narrow_words_whole_and_punctuation_off_line_starts():
    text = "负责发动机、变速箱、电控系统的故障诊断与维修（含 ISO9001 质量体系文件编写）。" * 6 + "\n\n第二段"
    lines = wrap_lines(text, 10, 120)
    for line in lines:
        assert documents._width(line, 10) <= 120
        assert not line or line[0] not in "，。、）：；"
        assert not line.endswith("（")
    assert any("ISO9001" in line for line in lines)
    assert not any(line.endswith(("ISO", "ISO9")) for line in lines)
    assert lines[-2:] == ["", "第二段"]


# --- The integrity pledge (annex 3) -----------------------------------------------------------------------------


def test_pledge_is_one_a4_page_with_the_six_promises(pledge):
    assert pledge.startswith(b"%PDF-")
    reader = _reader(pledge)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(A4_WIDTH, abs=1)
    assert float(page.mediabox.height) == pytest.approx(A4_HEIGHT, abs=1)
    text = page.extract_text()
    compact = _compact(text)
    assert "诚信承诺书" in text
    assert "本人自愿参加机关事业单位技能人员职业技能等级认定并已知晓相关规定，现郑重承诺：" in compact
    promises = pledge_promises(2023)
    assert len(promises) == 6
    for promise in promises:
        assert _compact(promise) in compact
    assert "遵守 2023 年全区" in text
    assert "身份证号：150102198807150031" in text
    assert "联系电话：13904711234" in text
    assert "承诺人（签名）：" in text and "（额尔敦巴雅尔）" in text
    assert "年\u3000\u3000月\u3000\u3000日" in text


def test_pledge_year_follows_the_campaign():
    text = _texts(render_integrity_pledge(_sheet(campaign_year=2024)))[0]
    assert "遵守 2024 年全区" in text and "2023" not in text


# --- Rendering to pixels ----------------------------------------------------------------------------------------


def _png(pdf: bytes, index: int, name: str) -> Image.Image:
    """Page `index` at 72 dpi (1 px = 1 pt), saved under the temp dir's doc-shots/ for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    target = SHOTS / f"{name}-p{index + 1}.png"
    try:
        import pypdfium2 as pdfium
    except ImportError:
        pdfium = None
    if pdfium is not None:
        image = pdfium.PdfDocument(pdf)[index].render(scale=1).to_pil()
    elif shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / "doc.pdf"
            source.write_bytes(pdf)
            page = str(index + 1)
            command = ["pdftoppm", "-png", "-r", "72", "-f", page, "-l", page, "-singlefile", source]
            subprocess.run([*command, Path(scratch) / "page"], check=True, timeout=60)
            image = Image.open(Path(scratch) / "page.png")
            image.load()
    else:
        if os.environ.get("CI") == "true":
            pytest.fail("neither pypdfium2 nor pdftoppm is installed")
        pytest.skip("neither pypdfium2 nor pdftoppm is installed")
    image.save(target)
    return image.convert("L")


def _dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(image.crop(box).histogram()[:128])


def test_rendered_front_page_shows_the_title_grid_and_text(form):
    page = _png(form, 0, "form")
    width, height = page.size
    assert width == pytest.approx(595, abs=1) and height == pytest.approx(842, abs=1)
    title = _dark(page, (0, 30, width, 105))
    assert title > 1500  # two lines of 18–20 pt heading
    assert _dark(page, (0, 0, width, 30)) == 0  # top margin stays blank
    # The grid's outer frame: a dark vertical line at the table's left edge, all the way down.
    left = round(documents.TABLE_LEFT)
    column = [page.getpixel((x, y)) for y in range(140, 780, 40) for x in (left - 1, left, left + 1)]
    assert sum(1 for value in column if value < 128) >= 16


def test_rendered_back_page_and_pledge_have_ink(form, pledge):
    back = _png(form, 1, "form")
    assert _dark(back, (0, 0, 595, 842)) > 5000
    pledge_page = _png(pledge, 0, "pledge")
    assert _dark(pledge_page, (0, 90, 595, 150)) > 300  # 诚信承诺书
    assert _dark(pledge_page, (0, 150, 595, 560)) > 5000  # the promises


# --- Font lookup and caching -------------------------------------------------------------------------------------


def test_font_comes_from_the_installed_package():
    path = cjk_font_path()
    assert path.name == "wqy-microhei.ttc" and path.stat().st_size > 1_000_000


def test_a_missing_font_package_says_what_to_install(monkeypatch):
    monkeypatch.setattr(documents, "FONT_PACKAGE", "no_such_font_package")
    with pytest.raises(FontMissingError, match="paperang-p2-fonts-cjk"):
        cjk_font_path()


def test_rendering_is_deterministic(form, pledge):
    assert render_application_form(_sheet()) == form
    assert render_integrity_pledge(_sheet()) == pledge
    assert _texts(render_application_form(_sheet())) == _texts(form)
    other = render_application_form(_sheet(phone="13900000000"))
    assert other != form


def test_a_character_the_font_lacks_is_logged(caplog):
    render_integrity_pledge(_sheet(full_name="王䶮"))  # U+4DAE, CJK extension A: not in WenQuanYi Micro Hei
    assert "䶮" in caplog.text
    caplog.clear()
    render_integrity_pledge(_sheet())
    assert "no glyph" not in caplog.text


def test_pledge_values_shrink_to_stay_on_the_page():
    pdf = render_integrity_pledge(_sheet(phone="0471-1234567 / 13904711234 / 13904711235 / 13904711236"))
    right = A4_WIDTH - documents.PLEDGE_LEFT
    phone = [box for char, box in _char_boxes(pdf, 0) if char in "/0123456789" and box[1] < 300]
    assert phone and max(x1 for _x0, _y0, x1, _y1 in phone) <= right + 0.5
    assert "0471-1234567 / 13904711234 / 13904711235 / 13904711236" in _texts(pdf)[0]
