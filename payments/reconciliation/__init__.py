"""Daily reconciliation (对账): one provider's day as we recorded it, next to the provider's own
trade bill, with every difference explained in plain Chinese and a workbook for the accountant.

* Our side: payments of the provider confirmed that day (state 支付成功 or later 已全额退款)
  and refunds done that day. A day is a whole day in Beijing time (Asia/Shanghai), the day of
  WeChat's bills, whatever settings.TIME_ZONE says.
* The provider's side: `PaymentProvider.trade_bill(day)`. A `ProviderError` is recorded as
  "账单获取失败：…" and the report still lists our side; nothing is compared then. An offline
  provider (`online = False`) has no bill: its report lists the receipts to check by hand.
* `compare` is pure (plain records in, differences and totals out, no Django);
  `build_report` gathers the records, `report_xlsx` writes the workbook, `save_report` keeps
  it (one `ReconciliationReport` per provider and day, regenerating replaces it, audited).

The package: `comparison` (the pure part), `report` (gathering a day, keeping reports) and
`workbook` (the xlsx); the names used elsewhere are re-exported here.
"""

from payments.reconciliation.comparison import (
    KINDS,
    PAID_STATES,
    REFUND_DONE,
    Comparison,
    Difference,
    PaymentRecord,
    RefundRecord,
    Totals,
    compare,
    is_refund_row,
)
from payments.reconciliation.report import (
    OFFLINE_NOTE,
    Report,
    build_report,
    generate_daily_reports,
    provider_ids,
    provider_name,
    reports,
    save_report,
    stored_xlsx,
)
from payments.reconciliation.workbook import XLSX_CONTENT_TYPE, report_xlsx, xlsx_filename

__all__ = [
    "KINDS",
    "OFFLINE_NOTE",
    "PAID_STATES",
    "REFUND_DONE",
    "XLSX_CONTENT_TYPE",
    "Comparison",
    "Difference",
    "PaymentRecord",
    "RefundRecord",
    "Report",
    "Totals",
    "build_report",
    "compare",
    "generate_daily_reports",
    "is_refund_row",
    "provider_ids",
    "provider_name",
    "report_xlsx",
    "reports",
    "save_report",
    "stored_xlsx",
    "xlsx_filename",
]
