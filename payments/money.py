"""Yuan and fen, without floats: the one place amounts change unit (pure, no Django)."""

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")


class AmountError(ValueError):
    """str() is the message to show."""


def yuan(value: str | int | Decimal) -> Decimal:
    """A positive amount in yuan with at most two decimals, or AmountError."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise AmountError("金额格式不正确，请填写数字，例如 150 或 150.00。") from None
    if not amount.is_finite():
        raise AmountError("金额格式不正确，请填写数字，例如 150 或 150.00。")
    if amount <= 0:
        raise AmountError("金额必须大于 0。")
    if amount >= Decimal("1000000"):
        raise AmountError("金额过大，请核对。")
    if amount != amount.quantize(CENT):
        raise AmountError("金额最多保留两位小数（分）。")
    return amount.quantize(CENT)


def to_fen(amount: Decimal) -> int:
    """Yuan → fen, exact: 150.50 → 15050. Refuses fractions of a fen."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise AmountError("金额最多保留两位小数（分）。")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Fen → yuan: 15050 → Decimal('150.50')."""
    return (Decimal(fen) / 100).quantize(CENT)
