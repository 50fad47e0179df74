"""Standard reasons for returning an item, so reviewers click instead of typing. Pure."""

# code -> (text, items it applies to; empty = any item)
STANDARD_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "photo_not_white": ("照片不是白底", ("photo",)),
    "photo_unclear": ("照片不清晰或不是本人近期免冠照", ("photo",)),
    "id_unclear": ("身份证照片不清晰或不完整", ("id_front", "id_back")),
    "diploma_unclear": ("学历证书不清晰", ("diploma",)),
    "pledge_unsigned": ("诚信承诺书未签字", ("pledge",)),
    "certificate_unclear": ("证书不清晰", ("prior_certificate",)),
    "query_unclear": ("证书查询截图不清晰", ("prior_certificate_query",)),
    "query_mismatch": ("证书与网上查询结果不一致", ("prior_certificate", "prior_certificate_query")),
    "summary_too_short": ("技术总结字数不足", ("technical_summary",)),
    "paper_too_short": ("论文/专利/项目报告字数不足", ("paper",)),
    "wrong_document": ("上传的文件不是要求的材料", ()),
    "field_mismatch": ("填写内容与证件不一致", ()),
    "incomplete": ("填写不完整", ()),
}


def reasons_for(item: str) -> list[tuple[str, str]]:
    """(code, text) of the standard reasons that fit an item."""
    return [(code, text) for code, (text, items) in STANDARD_REASONS.items() if not items or item in items]


def reason_text(code: str) -> str:
    return STANDARD_REASONS[code][0]
