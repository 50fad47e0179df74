"""The printed certificate: what a reader extracts from it, what a phone decodes from its QR code, where its
values sit (and move to on pre-printed stock), and the faces it carries."""

import io
import logging
import math
import re
from dataclasses import replace
from datetime import date

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from certificates import certificate_pdf
from certificates.certificate_pdf import (
    DEFAULT_BODY_TEXT,
    MAX_OFFSET_MM,
    NATIONAL_QUERY_ADDRESSES,
    PHOTO,
    QR,
    SLOTS,
    Calibration,
    calibration_sheet,
    mm_box,
    render_certificate,
    render_certificates,
    render_variable_fields,
    render_variable_fields_batch,
)
from certificates.record import ID_TYPE, PrintedCertificate, Record
from skillcert.pdf import MM
from skillcert.pdf.fonts import FONT_NAME, SERIF_NAME

LABELS = (
    "姓名",
    "证件类型",
    "证件号码",
    "职业名称",
    "工种/职业方向",
    "职业技能等级",
    "证书编号",
    "评价机构",
    "发证日期",
)
VERIFY = "https://skillcert.example.cn/certificates/verify/"


def photo_jpeg() -> bytes:
    image = Image.new("RGB", (413, 579), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 80, 310, 330), fill=(200, 160, 130))
    draw.rectangle((60, 360, 350, 579), fill=(40, 60, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def signed_url(length: int = 700) -> str:
    """A verification URL of `length` characters carrying a random-looking token, as the QR holds it."""
    token = "".join(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[(i * 37 + i // 7) % 64] for i in range(2000)
    )
    head = VERIFY + "#"
    return head + token[: length - len(head)]


RECORD = Record(
    number="S000015150001233000001",
    name="王小明",
    id_number_masked="1501**********0015",
    occupation_code="6-31-01-03",
    occupation="电工",
    work_type="",
    level=3,
    issued_on=date(2023, 11, 20),
    issuer="内蒙古职业培训与就业促进会",
)
PRINTED = PrintedCertificate(
    record=RECORD,
    id_type=ID_TYPE,
    id_number="150102199001010015",
    photo=photo_jpeg(),
    qr=signed_url(),
    query_addresses=(f"本平台证书查验 {VERIFY}", *NATIONAL_QUERY_ADDRESSES),
)


def with_record(printed: PrintedCertificate = PRINTED, **changes) -> PrintedCertificate:
    return replace(printed, record=replace(printed.record, **changes))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def placed(pdf: bytes, page: int = 0) -> dict[str, tuple[float, float]]:
    """Each piece of text on the page with its origin (x, y) in points, as a reader sees it."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(text.strip(), (x, y))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def decoded_qr(pdf: bytes, page: int = 0, dpi: int = 150) -> str:
    """What a camera reads: the page rasterised at `dpi`, decoded by zxing-cpp."""
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil()
    found = [barcode for barcode in zxingcpp.read_barcodes(image) if barcode.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, f"{len(found)} QR codes found"
    return found[0].text


def page_fonts(pdf: bytes) -> dict[str, dict]:
    """The page's fonts by base name (subset tag dropped), each with its descendant's descriptor."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    out = {}
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        out[str(font["/BaseFont"])] = descendant["/FontDescriptor"].get_object()
    return out


# --- what it says -------------------------------------------------------------------------------------------------


def test_the_certificate_shows_the_title_the_body_text_and_every_label_and_fact():
    pdf = render_certificate(PRINTED)
    assert len(page_texts(pdf)) == 1
    text = flat(page_texts(pdf)[0])
    for value in (
        "职业技能等级证书",
        DEFAULT_BODY_TEXT,
        *LABELS,
        "王小明",
        ID_TYPE,
        "电工（6-31-01-03）",
        "三级/高级工",
        "S000015150001233000001",
        "内蒙古职业培训与就业促进会",
        "2023年11月20日",
        "盖章",
        *PRINTED.query_addresses,
    ):
        assert flat(value) in text, value


def test_the_whole_id_number_is_printed_never_the_masked_one():
    text = flat(page_texts(render_certificate(PRINTED))[0])
    assert "150102199001010015" in text
    assert "**" not in text


def test_a_certificate_without_a_work_type_prints_two_dashes_on_its_line():
    positions = placed(render_certificate(PRINTED))
    assert abs(positions["--"][1] - positions["工种/职业方向"][1]) < 3  # on the label's line

    named = placed(render_certificate(with_record(work_type="高压电工")))
    assert "--" not in named and abs(named["高压电工"][1] - named["工种/职业方向"][1]) < 3


def test_its_own_body_text_and_title_replace_the_defaults():
    printed = replace(PRINTED, body_text="经考核，成绩合格，特发此证。", title="职业技能等级证书（补发）")
    text = flat(page_texts(render_certificate(printed))[0])
    assert "经考核，成绩合格，特发此证。" in text and DEFAULT_BODY_TEXT not in text
    assert "职业技能等级证书（补发）" in text


def test_the_same_certificate_gives_the_same_bytes():
    assert render_certificate(PRINTED) == render_certificate(PRINTED)
    assert render_variable_fields(PRINTED, Calibration(1, 2)) == render_variable_fields(PRINTED, Calibration(1, 2))


# --- text stays in its box -----------------------------------------------------------------------------------------


def dark_outside(pdf: bytes, allowed: list[tuple[float, float, float, float]], dpi: int = 100) -> int:
    """Dark pixels of the page outside the `allowed` boxes (x, y, w, h in points from the bottom-left)."""
    scale = dpi / 72
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil().convert("L")
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    height = image.size[1]
    for x, y, w, h in allowed:
        draw.rectangle(
            ((x - 1) * scale, height - (y + h + 1) * scale, (x + w + 1) * scale, height - (y - 1) * scale), 255
        )
    dark = Image.eval(image, lambda v: 255 if v < 128 else 0)
    outside = Image.composite(Image.new("L", image.size, 0), dark, mask)
    return outside.histogram()[255]


def value_areas() -> list[tuple[float, float, float, float]]:
    boxes = [slot.box() for slot in SLOTS] + [mm_box(*PHOTO), mm_box(QR[0], QR[1], QR[2], QR[2])]
    return [(box.x, box.y, box.w, box.h) for box in boxes]


def test_long_names_occupations_and_issuers_stay_inside_their_boxes_and_are_printed_whole():
    name = "阿卜杜热合曼·艾合买提江·买买提明·吐尔逊·库尔班·阿不都拉·热合曼·司马义·伊力哈木·艾力"[:50]
    issuer = "内蒙古自治区人力资源和社会保障厅直属职业技能等级认定社会培训评价组织暨内蒙古职业培训与就业促进会" * 2
    printed = with_record(
        name=name, occupation="电力工程技术人员及装备制造业自动化控制系统运行维护人员" * 2, issuer=issuer[:100]
    )
    text = flat(page_texts(render_certificate(printed))[0])
    for value in (name, issuer[:100], printed.record.occupation):
        assert flat(value) in text  # whole: nothing cut
    assert dark_outside(render_variable_fields(printed), value_areas()) == 0


def test_a_short_certificate_prints_nothing_outside_the_value_boxes_either():
    assert dark_outside(render_variable_fields(PRINTED), value_areas()) == 0
    assert dark_outside(render_certificate(PRINTED), value_areas()) > 1000  # the labels and border: the check sees ink


# --- the QR code --------------------------------------------------------------------------------------------------


def test_the_qr_code_decodes_to_exactly_the_verification_url_at_150_dpi():
    assert len(PRINTED.qr) == 700
    assert decoded_qr(render_certificate(PRINTED)) == PRINTED.qr
    assert decoded_qr(render_variable_fields(PRINTED, Calibration(-3, 4))) == PRINTED.qr


def test_the_qr_modules_of_a_700_character_url_are_big_enough_for_a_phone_on_paper():
    import segno

    symbol = segno.make(PRINTED.qr, error=certificate_pdf.QR_ERROR, micro=False)
    module_mm = QR[2] / (len(symbol.matrix) + 2 * certificate_pdf.QR_BORDER)
    assert symbol.error in {"M", "Q", "H"}  # at least 15 % of the symbol may be lost
    assert module_mm >= 0.5


def test_a_qr_code_too_long_for_readable_modules_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="certificates.certificate_pdf"):
        render_certificate(replace(PRINTED, qr=signed_url(700)))
        assert not caplog.records
        render_certificate(replace(PRINTED, qr=signed_url(1200)))
    assert "phones may not read it" in caplog.text


# --- faces --------------------------------------------------------------------------------------------------------


def test_the_certificate_embeds_the_serif_and_falls_back_to_wenquanyi_per_character():
    pdf = render_certificate(with_record(name="王소민"))  # 소 is Hangul: Noto Serif SC has none, WenQuanYi has
    fonts = page_fonts(pdf)
    serif = [name for name in fonts if SERIF_NAME in name]
    fallback = [name for name in fonts if FONT_NAME in name]
    assert serif and fallback, list(fonts)
    assert all("+" in name and "/FontFile2" in fonts[name] for name in serif + fallback)  # embedded subsets
    assert "王소민" in page_texts(pdf)[0]


def test_a_certificate_in_common_characters_needs_only_the_serif():
    fonts = page_fonts(render_certificate(PRINTED))
    assert fonts and all(SERIF_NAME in name for name in fonts), list(fonts)


def test_a_character_no_face_has_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="skillcert.pdf.fonts"):
        render_certificate(with_record(name="王\U0002a6a5明"))
    assert "\U0002a6a5" in caplog.text


def test_without_the_serif_built_the_certificate_prints_in_wenquanyi(monkeypatch):
    monkeypatch.setattr(certificate_pdf, "certificate_faces", lambda: (FONT_NAME,))
    pdf = render_certificate(PRINTED)
    assert all(FONT_NAME in name for name in page_fonts(pdf))
    assert "150102199001010015" in page_texts(pdf)[0]
    assert decoded_qr(pdf) == PRINTED.qr


# --- batches ------------------------------------------------------------------------------------------------------


def test_a_batch_has_one_page_per_certificate_in_order():
    items = [with_record(name=f"王{n}号", number=f"S0000151500012330000{n:02d}") for n in range(1, 8)]
    out = io.BytesIO()
    assert render_certificates(iter(items), out) == 7
    texts = page_texts(out.getvalue())
    assert len(texts) == 7
    assert all(f"王{n}号" in text for n, text in enumerate(texts, start=1))


def test_an_empty_batch_is_a_valid_pdf_of_no_certificate():
    out = io.BytesIO()
    assert render_certificates([], out) == 0
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == 1


def test_a_batch_for_pre_printed_stock_has_one_page_per_certificate():
    out = io.BytesIO()
    assert render_variable_fields_batch([PRINTED] * 3, Calibration(1, 1), out) == 3
    assert len(page_texts(out.getvalue())) == 3


# --- pre-printed stock --------------------------------------------------------------------------------------------

VALUES = ("王小明", ID_TYPE, "150102199001010015", "电工（6-31-01-03）", "--", "三级/高级工", "2023年11月20日")


def test_the_values_only_print_has_no_label_no_title_no_body_text_and_no_addresses():
    text = flat(page_texts(render_variable_fields(PRINTED))[0])
    for value in VALUES:
        assert flat(value) in text
    for absent in (*LABELS, "职业技能等级证书", "特发此证", "盖章", "证书查询", "zscx"):
        assert absent not in text, absent


def test_the_values_print_where_the_full_certificate_prints_them():
    full, variable = placed(render_certificate(PRINTED)), placed(render_variable_fields(PRINTED))
    for value in VALUES:
        assert variable[value] == pytest.approx(full[value], abs=0.01), value


def test_the_values_move_by_the_calibration_offset():
    still = placed(render_variable_fields(PRINTED))
    moved = placed(render_variable_fields(PRINTED, Calibration(offset_x_mm=5, offset_y_mm=-3)))
    for value in VALUES:
        dx, dy = moved[value][0] - still[value][0], moved[value][1] - still[value][1]
        assert dx == pytest.approx(5 * MM, abs=0.01) and dy == pytest.approx(-3 * MM, abs=0.01), value  # 3 mm down


def test_the_qr_code_and_photo_move_with_the_calibration():
    def dark_box(pdf: bytes) -> tuple[int, int, int, int]:
        image = pypdfium2.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L")
        return Image.eval(image, lambda v: 255 if v < 128 else 0).getbbox()

    printed = with_record(replace(PRINTED, photo=None), name="", issuer="")  # only the QR code and short values
    still, moved = (
        dark_box(render_variable_fields(printed)),
        dark_box(render_variable_fields(printed, Calibration(10, 10))),
    )
    # 10 mm right and 10 mm up: the image's rows count downwards
    assert [b - a for a, b in zip(still, moved, strict=True)] == pytest.approx([10 * MM, -10 * MM] * 2, abs=1.5)


@pytest.mark.parametrize(
    ("x", "y"), [(MAX_OFFSET_MM + 0.5, 0), (0, -MAX_OFFSET_MM - 0.5), (math.nan, 0), (0, math.inf), ("2", 0)]
)
def test_a_calibration_outside_twenty_millimetres_is_refused(x, y):
    with pytest.raises(ValueError, match="mm"):
        Calibration(offset_x_mm=x, offset_y_mm=y)


def test_a_calibration_at_the_bounds_is_accepted():
    assert Calibration(MAX_OFFSET_MM, -MAX_OFFSET_MM).offset_x_mm == MAX_OFFSET_MM


def test_the_calibration_sheet_marks_each_field_with_its_place_and_moves_with_the_offset():
    still, moved = calibration_sheet(), calibration_sheet(Calibration(offset_x_mm=1.5, offset_y_mm=-2))
    text = flat(page_texts(moved)[0])
    assert "当前偏移：水平+1.5mm，垂直-2.0mm" in text
    for slot in SLOTS:
        assert flat(f"{slot.label}（{slot.x:g}, {slot.y + slot.h / 2:g} mm）") in text, slot.label
    a, b = placed(still), placed(moved)
    assert b["100"][0] - a["100"][0] == pytest.approx(1.5 * MM, abs=0.01)
