"""Every URL pattern of the project, for every role, from ONE expectation table.

`test_every_url_pattern_has_a_row` walks `django.urls.get_resolver()` (admin, the ninja API and
paysim included) and fails, naming them, for patterns without a row in `EXPECT` and rows
without a pattern. `test_access` then requests every pattern as every role in `ROLES`, object
URLs once per object (王小明's in 呼和浩特 and 李四's in 包头, built once per module by
`_build_world`), and reports every status that differs from the table, all at once.

Adding a URL is adding a row to `EXPECT`, keyed by the pattern's name ("namespace:name")
or, for a pattern without a name, by its route as the walk prints it:

    "accounts:password_reset": Row(PUBLIC),                    # a page: one status per role
    "review:queue_xlsx": Row(REVIEWERS, query="campaign=demo"),
    "review:screen": Row(Who(co=200, reg=200), APP),           # an object URL: status by relation
    "review:decide": Row(DECIDE, APP, method="POST", data={"decision": "approve"}),

* `expect` is a dict role -> status (shortcuts: PUBLIC, LOGGED_IN, STAFF, REVIEWERS,
  ASSOCIATION, ADMIN, `every(s)`), or a `Who`: the status by the role's relation to the
  object — anon, owner (the applicant whose object it is), stranger (any other applicant),
  staff of the object's city by kind (co, reg, expert), staff of another city (elsewhere: one
  status, or a dict by kind), association. A status may be a tuple of accepted statuses.
* `kwargs` maps an object to the URL's kwargs (APP: the application's pk; ORDER: its order
  code); such a row is tried with each object named in `objects` (default "mine", "theirs";
  also "applicant_person", "other_person", "colleague" (a 呼和浩特 expert), "token" (an API
  token of 呼和浩特's co-organizer), "admin", "none").
* `method="POST"` for endpoints that only take POST: every role posts `data` (a dict or a
  function of the object); every answer that is a refusal (4xx, or 302 to the login) must
  leave everything as it was (`fingerprint`: audit events, application statuses, orders,
  payments, refunds, invoices, read messages, passwords and sessions). `logs_out=True` for
  logouts, whose redirect to the login is the point.
* `query` is appended to the URL; `path` replaces the route for regular-expression patterns.
* Admin models are rows of `ADMIN_MODELS` (one per registered model), expanded to their six
  patterns: a model registered without a row fails like any other pattern.

Statuses: 302 for anon must be "sent to the login" (checked); 403 a refusal (the 403 page);
404 "not found", which is how objects that are not yours look. Each request runs in a
savepoint that is rolled back, so a POST never changes what the next role sees.

The figure for the closing note: `test_the_number_of_requests_asserted` prints
"URL patterns × roles asserted" (181 patterns × 8 roles = 1624 requests when written).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import PASSWORD, client_for, make_people

ROLES = (
    "anon",
    "applicant",
    "other_applicant",
    "hohhot_co",
    "baotou_co",
    "hohhot_reg",
    "hohhot_expert",
    "hohhot_invigilator",
    "association",
)
APPLICANTS = {"applicant", "other_applicant"}
STAFF_OF = {"hohhot_co": ("hohhot", "co"), "baotou_co": ("baotou", "co"), "hohhot_reg": ("hohhot", "reg")}
STAFF_OF["hohhot_expert"] = ("hohhot", "expert")
STAFF_OF["hohhot_invigilator"] = ("hohhot", "inv")  # an exam-day account: its site and day only
REFUSED = {302, 403, 404}


def every(status: int | tuple[int, ...]) -> dict[str, int | tuple[int, ...]]:
    return dict.fromkeys(ROLES, status)


PUBLIC = every(200)
LOGGED_IN = {**every(200), "anon": 302}
# Desk staff: exam-day accounts (invigilators) have no workbench.
STAFF = {**LOGGED_IN, "applicant": 403, "other_applicant": 403, "hohhot_invigilator": 403}
REVIEWERS = {**STAFF, "hohhot_expert": 403}  # co-organizers and regulators of a city, the association
ASSOCIATION = {**every(403), "anon": 302, "association": 200}
# The admin site: the association only; everyone else is sent to the login.
ADMIN = {**every(302), "association": 200}


@dataclass(frozen=True)
class Who:
    """The status of an object URL by the role's relation to the object."""

    anon: int = 302
    owner: int = 200
    stranger: int = 404
    co: int = 404
    reg: int = 404
    expert: int = 404
    # An invigilator reads nothing of the desk's objects: refused, whichever way (no capability, not found).
    inv: int | tuple[int, ...] = (403, 404)
    elsewhere: int | dict[str, int] = 404  # one status, or one per kind of staff ("co", "reg", "expert", "inv")
    association: int = 200

    def status(self, relation: str, kind: str) -> int | tuple[int, ...]:
        value = getattr(self, relation)
        if isinstance(value, dict):  # a kind without its own entry elsewhere gets what it gets at home
            return value[kind] if kind in value else getattr(self, kind)
        return value


@dataclass(frozen=True)
class Obj:
    """One object of the world: whose it is, which city, and what object URLs need of it."""

    owner: str | None
    city: str | None
    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def relation(role: str, obj: Obj) -> tuple[str, str]:
    """(relation, kind of staff) of a role to an object."""
    if role == "anon":
        return "anon", ""
    if role == obj.owner:
        return "owner", ""
    if role in APPLICANTS:
        return "stranger", ""
    if role == "association":
        return "association", ""
    city, kind = STAFF_OF[role]
    return (kind if city == obj.city else "elsewhere"), kind


@dataclass(frozen=True)
class Row:
    expect: dict[str, int] | Who
    kwargs: Callable[[Obj], dict[str, Any]] | None = None
    method: str = "GET"
    data: dict[str, Any] | Callable[[Obj], dict[str, Any]] | None = None
    query: str = ""
    path: str | None = None
    objects: tuple[str, ...] = ("mine", "theirs")
    logs_out: bool = False  # a logout: its redirect to the login is the point, not a refusal
    redirects_to: str = ""  # a 302 here is the page's own answer (e.g. "nothing pending: start over")


def APP(o: Obj) -> dict[str, Any]:  # named like a constant: it reads as one in the table
    return {"pk": o.application.pk}


def ORDER(o: Obj) -> dict[str, Any]:
    return {"code": o.order.code}


def SITE(o: Obj) -> dict[str, Any]:
    return {"pk": o.site.pk}


def ROOM(o: Obj) -> dict[str, Any]:
    return {"pk": o.room.pk}


def EXAM_STAFF(o: Obj) -> dict[str, Any]:
    return {"pk": o.exam_staff.pk}


# Reading an application: its applicant, its city's co-organizer and regulator, the
# association. Experts only what is assigned to them (nothing yet).
READ = Who(co=200, reg=200)
# The applicant's own actions: nobody else, not even the association.
OWN = Who(association=404)
# The uploaded materials: the applicant and the reviewers (co-organizer, association).
MATERIALS = Who(co=200, reg=403)
# The printouts with full ID and phone numbers: the applicant and the association.
PRINTOUTS = Who(co=403, reg=403)
# Roles without the capability are refused (403) before the object is looked up; staff with
# it find nothing of another city (404).
ELSEWHERE = {"co": 404, "reg": 404, "expert": 403}
# Review pages: reviewers of the city (403 for roles without review.view).
REVIEW = Who(owner=403, stranger=403, co=200, reg=200, expert=403, elsewhere=ELSEWHERE)
# Review decisions and paper forms: the city's co-organizer and the association (then back to the screen).
DECIDE = Who(owner=403, stranger=403, co=302, reg=403, expert=403, elsewhere=ELSEWHERE, association=302)
# Money pages of an order: city staff read their city's; experts and applicants may not.
ORDER_PAGE = Who(owner=403, stranger=403, co=200, reg=200, expert=403, elsewhere=ELSEWHERE)
# Money itself (offline payments, refunds, invoices): the association; a form without data is a 400.
MONEY = Who(owner=403, stranger=403, co=403, reg=403, expert=403, elsewhere=ELSEWHERE, association=400)
# Exams: the regulator and the association read the arrangement; only the city's co-organizer changes it.
EXAMS_VIEW = REVIEWERS
ARRANGER = {**every(403), "anon": 302, "hohhot_co": 200, "baotou_co": 200}
ARRANGER_POST = {**every(403), "anon": 302, "hohhot_co": 302, "baotou_co": 302}
ARRANGE_ELSEWHERE = {"co": 404, "reg": 403, "expert": 403, "inv": 403}
ARRANGE = Who(
    owner=403, stranger=403, co=200, reg=403, expert=403, inv=403, elsewhere=ARRANGE_ELSEWHERE, association=403
)
ARRANGE_POST = Who(
    owner=403, stranger=403, co=302, reg=403, expert=403, inv=403, elsewhere=ARRANGE_ELSEWHERE, association=403
)
DEMO = {"campaign": "demo"}
# Exam day: the invigilator's own posts, on the day; every other role is refused before any lookup.
INVIGILATOR = {**every(403), "anon": 302, "hohhot_invigilator": 200}
CHECKIN_ELSEWHERE = {"co": 404, "reg": 404, "expert": 403, "inv": 404}
CHECKIN = Who(owner=403, stranger=403, co=403, reg=403, expert=403, inv=404, elsewhere={"inv": 404}, association=403)


def POST(o: Obj) -> dict[str, Any]:  # an exam-day post: the object's room and its assigned session
    return {"room": o.room.pk, "session": o.assignment.session_id}


HANDBOOK = Who(
    owner=403,
    stranger=403,
    co=200,
    reg=200,
    expert=403,
    inv=403,
    elsewhere={"co": 404, "reg": 404, "expert": 403, "inv": 403},
)
# The current files are rendered in the background: nothing is rendered in this world, so a
# reader's download says 生成中 (202) and queues the render; a retry finds it on its way (302).
HANDBOOK_PENDING = replace(HANDBOOK, co=202, reg=202, association=202)
HANDBOOK_POST = replace(HANDBOOK, co=302, reg=302, association=302)
# 综合评审: the city's regulator keeps the pool and panels; an expert reviews what is assigned.
REGULATOR = {**every(403), "anon": 302, "hohhot_reg": 200}
EXPERT_ONLY = {**every(403), "anon": 302, "hohhot_expert": 200}
REVIEW_DESK = Who(
    owner=403,
    stranger=403,
    co=403,
    reg=200,
    expert=403,
    inv=403,
    elsewhere={"co": 403, "reg": 404, "expert": 403, "inv": 403},
    association=403,
)
REVIEWING = Who(
    owner=403,
    stranger=403,
    co=403,
    reg=403,
    expert=200,
    inv=403,
    elsewhere={"co": 403, "reg": 403, "expert": 404, "inv": 403},
    association=403,
)


def EXPERT(o: Obj) -> dict[str, Any]:
    return {"pk": o.expert.pk}


def PANEL(o: Obj) -> dict[str, Any]:
    return {"pk": o.panel.pk}


# --- scoring: the city's regulator enters scores and runs publicity; the city's desk and the
# association read; the public reads publicity and lodges objections.
SCORING_VIEW = REVIEWERS
MARKER_ELSEWHERE = {"co": 404, "reg": 404, "expert": 403, "inv": 403}
SHEET_READ = Who(owner=403, stranger=403, co=200, reg=200, expert=403, inv=403, elsewhere=MARKER_ELSEWHERE)
# Writers of the marking: the regulator of the object's city; other desk staff are refused (403).
MARKER = Who(owner=403, stranger=403, co=403, reg=200, expert=403, inv=403, elsewhere=MARKER_ELSEWHERE, association=403)
MARKER_POST = replace(MARKER, reg=302)
# Checked for the capability first, then found in the regulator's own city: another city's is not found.
ENTER_FIRST = {"co": 403, "reg": 404, "expert": 403, "inv": 403}
PUBLICITY_POST = replace(MARKER_POST, elsewhere=ENTER_FIRST)
REGULATOR_POST = {**every(403), "anon": 302, "hohhot_reg": 302}


def SHEET(o: Obj) -> dict[str, Any]:
    return {"room": o.room.pk, "session": o.assignment.session_id}


def PUBLICITY(o: Obj) -> dict[str, Any]:
    return {"campaign": o.publicity.campaign.slug, "city": o.publicity.city.code}


# Scoring's reports (汇总表, 人员名册, materials) and the archive register: the city's regulator and the association.
REPORTER = {**every(403), "anon": 302}
REPORTS = {**REPORTER, "hohhot_reg": 200, "association": 200}
REPORTS_OF_CITY = Who(
    owner=403,
    stranger=403,
    co=403,
    reg=200,
    expert=403,
    inv=403,
    elsewhere={"co": 403, "reg": 404, "expert": 403, "inv": 403},
)

ISSUER_POST = {**every(403), "anon": 302, "association": 302}
PRINTER = Who(owner=403, stranger=403, co=403, reg=403, expert=403, inv=403, elsewhere=403, association=200)
CERTIFICATE_ELSEWHERE = {"co": 404, "reg": 404, "expert": 403, "inv": 403}
CERTIFICATE_READ = Who(owner=403, stranger=403, co=200, reg=200, expert=403, inv=403, elsewhere=CERTIFICATE_ELSEWHERE)
CERTIFICATE_ISSUER = replace(CERTIFICATE_READ, co=403, reg=403, association=400)
# The holder's own downloads; the association may print any; nobody else learns it exists.
HOLDER = Who(owner=200, stranger=404, co=404, reg=404, expert=404, inv=404, elsewhere=404, association=200)


def CERTIFICATE(o: Obj) -> dict[str, Any]:
    return {"number": o.certificate.number}


EXPECT: dict[str, Row] = {
    # --- public pages --------------------------------------------------------------------
    "catalog:home": Row(PUBLIC),
    "catalog:campaign": Row(PUBLIC, lambda o: {"key": "2023"}, objects=("none",)),
    "catalog:catalog": Row(PUBLIC, lambda o: {"key": "2023"}, query="q=电工&level=3", objects=("none",)),
    "catalog:directory": Row(PUBLIC),
    "applications:self_check": Row(PUBLIC),
    "applications:self_check_in": Row(PUBLIC, lambda o: {"key": "2023"}, objects=("none",)),
    "healthz": Row(PUBLIC),
    "jwks": Row(PUBLIC),
    # --- accounts ------------------------------------------------------------------------
    "accounts:login": Row(PUBLIC),
    "accounts:register": Row(PUBLIC),
    # Nothing pending in a fresh session: both steps send everyone back to their first step.
    "accounts:register_verify": Row(every(302), redirects_to="/accounts/register/"),
    "accounts:forgot_password": Row(PUBLIC),
    "accounts:password_reset": Row(every(302), redirects_to="/accounts/password/forgot/"),
    # An unlock code without a pending login: back to the login, nothing sent.
    "accounts:unlock": Row(every(302), method="POST"),
    # A one-time password for a staff member: the association only (never for itself).
    "accounts:staff_password_reset": Row(
        Who(owner=403, stranger=403, co=403, reg=403, expert=403, elsewhere=403, association=200),
        lambda o: {"pk": o.person.pk},
        method="POST",
        objects=("colleague",),
    ),
    "accounts:logout": Row(every(302), method="POST", logs_out=True),
    "accounts:logout_everywhere": Row(every(302), method="POST", logs_out=True),
    "accounts:me": Row(LOGGED_IN),
    "accounts:password_change": Row(LOGGED_IN),
    "accounts:people": Row(REVIEWERS),
    "accounts:api_tokens": Row(STAFF),
    # A token of 呼和浩特's co-organizer: its owner and the association revoke it (then back to the page).
    "accounts:api_token_revoke": Row(
        Who(owner=302, stranger=403, reg=404, expert=404, elsewhere=404, association=302),
        lambda o: {"pk": o.token.pk},
        method="POST",
        objects=("token",),
    ),
    # Revealing a person's numbers: oneself; staff of their city for colleagues; the association.
    "accounts:reveal": Row(
        Who(stranger=403, co=200, reg=200, elsewhere=403),
        lambda o: {"pk": o.person.pk, "field": "phone"},
        method="POST",
        objects=("applicant_person", "other_person", "colleague"),
    ),
    # --- applying ------------------------------------------------------------------------
    "applications:start": Row({**LOGGED_IN, "applicant": 302, "other_applicant": 302}),
    "applications:start_in": Row(
        {**LOGGED_IN, "applicant": 302, "other_applicant": 302}, lambda o: {"key": "demo"}, objects=("none",)
    ),
    "applications:detail": Row(READ, APP),
    # Submitted (paid) applications: the steps send their applicant back to the detail page.
    "applications:step": Row(Who(owner=302, association=404), lambda o: {"pk": o.application.pk, "name": "person"}),
    "applications:documents": Row(OWN, APP),
    "applications:document_file": Row(MATERIALS, lambda o: {"pk": o.application.pk, "slot": "id_front"}),
    "applications:review": Row(OWN, APP),
    "applications:withdraw": Row(Who(owner=302, association=404), APP, method="POST"),
    "applications:printable": Row(PRINTOUTS, lambda o: {"pk": o.application.pk, "document": "form"}),
    # --- paying --------------------------------------------------------------------------
    "payments:pay": Row(OWN, APP),
    "payments:start": Row(Who(owner=302, association=404), APP, method="POST", data={"channel": "native"}),
    "payments:status": Row(OWN, APP),
    "payments:invoice_request": Row(OWN, APP),
    "payments:invoice_pdf": Row(Who(), APP),  # the applicant, and the association that issued it
    # Signed by the provider, not by a session: the same answer for everyone. A forged body
    # answers 500 today; WeChat's contract is a 4xx: drop 500 when that is fixed.
    "payments:notify": Row(every((400, 401, 500)), lambda o: {"provider": "wechat"}, method="POST", objects=("none",)),
    # --- notifications -------------------------------------------------------------------
    "notifications:inbox": Row(LOGGED_IN),
    "notifications:detail": Row(Who(association=404), lambda o: {"pk": o.message.pk}),
    "notifications:mark_all_read": Row(every(302), method="POST"),
    # --- staff ---------------------------------------------------------------------------
    "staff_home": Row(STAFF),
    "audit:search": Row({**STAFF, "hohhot_co": 403, "baotou_co": 403, "hohhot_expert": 403}),
    "review:queue": Row(REVIEWERS, query="campaign=demo"),
    "review:bulk_approve": Row(
        {**every(403), "anon": 302, "hohhot_co": 302, "baotou_co": 302, "association": 302},
        method="POST",
        data=lambda o: {"campaign": "demo", "ids": o.application_ids},
        objects=("none",),
    ),
    "review:extend": Row(
        {**ASSOCIATION, "association": 302}, method="POST", data={"campaign": "demo", "until": "2099-12-31"}
    ),
    "review:screen": Row(REVIEW, APP),
    # The filtered list as xlsx (numbers masked unless asked for with the unmask permission).
    "review:export": Row(REVIEWERS, method="POST", query="campaign=demo"),
    "review:decide": Row(DECIDE, APP, method="POST", data={"decision": "approve"}),
    "review:paper_form": Row(DECIDE, APP, method="POST", data=lambda o: {"received_on": str(timezone.localdate())}),
    "payments_staff:orders": Row(REVIEWERS),
    "payments_staff:export": Row(REVIEWERS, method="POST", query="campaign=demo"),
    "payments_staff:order": Row(ORDER_PAGE, ORDER),
    "payments_staff:record_offline": Row(MONEY, ORDER, method="POST"),
    "payments_staff:refund": Row(MONEY, ORDER, method="POST", data=lambda o: {"payment": o.payment.pk}),
    "payments_staff:fees": Row(ASSOCIATION),
    "payments_staff:invoices": Row(ASSOCIATION),
    "payments_staff:invoice_issue": Row(
        Who(owner=403, stranger=403, co=403, reg=403, expert=403, elsewhere=403, association=400),
        lambda o: {"pk": o.invoice.pk},
        method="POST",
    ),
    "payments_staff:reconciliation": Row(ASSOCIATION),
    "payments_staff:reconciliation_xlsx": Row(
        ASSOCIATION, lambda o: {"provider": "offline", "day": o.yesterday}, objects=("none",)
    ),
    "catalog_import": Row(ASSOCIATION),
    # The notice's readings and the holiday schedule: the association (catalog.manage).
    "catalog_staff:rules": Row(ASSOCIATION, lambda o: {"key": "demo"}, objects=("none",)),
    "catalog_staff:calendar": Row(ASSOCIATION),
    "catalog_staff:calendar_year": Row(ASSOCIATION, lambda o: {"year": 2027}, objects=("none",)),
    "catalog_staff:calendar_entry": Row(
        ASSOCIATION, lambda o: {"year": 2027, "pk": o.holiday_entry.pk}, objects=("none",)
    ),
    # --- exams ---------------------------------------------------------------------------
    "exams:home": Row(EXAMS_VIEW, query="campaign=demo"),
    "exams:seating": Row(EXAMS_VIEW, query="campaign=demo&city=hohhot"),
    "exams:site_new": Row(ARRANGER, query="campaign=demo"),
    "exams:site": Row(ARRANGE, SITE),
    "exams:site_delete": Row(ARRANGE_POST, SITE, method="POST"),
    "exams:room_new": Row(ARRANGE, SITE),
    "exams:room": Row(ARRANGE, ROOM),
    "exams:room_delete": Row(ARRANGE_POST, ROOM, method="POST"),
    # A room's tickets: nothing is published in this world (404).
    "exams:room_tickets_pdf": Row(
        Who(
            owner=403,
            stranger=403,
            co=404,
            reg=403,
            expert=403,
            inv=403,
            elsewhere=ARRANGE_ELSEWHERE,
            association=403,
        ),
        ROOM,
    ),
    "exams:staff": Row(ARRANGER, query="campaign=demo"),
    "exams:staff_edit": Row(ARRANGE, EXAM_STAFF),
    "exams:staff_delete": Row(ARRANGE_POST, EXAM_STAFF, method="POST"),
    "exams:assignments": Row(ARRANGER, query="campaign=demo"),
    "exams:unassign": Row(ARRANGE_POST, lambda o: {"pk": o.assignment.pk}, method="POST"),
    "exams:needs": Row(ARRANGER, query="campaign=demo"),
    "exams:need": Row(ARRANGE_POST, APP, method="POST", data={**DEMO, "accessible": "on"}),
    "exams:seating_apply": Row(
        ARRANGER_POST, method="POST", data={**DEMO, "seed": "1", "spacing": "none", "version": "0"}
    ),
    "exams:seating_move": Row(ARRANGER_POST, method="POST", data=DEMO),  # an empty form: back with a message
    "exams:seating_swap": Row(ARRANGER_POST, method="POST", data=DEMO),
    "exams:publish": Row(ARRANGER_POST, method="POST", data=DEMO),  # nothing seated: refused with a message
    "exams:latecomers": Row(ARRANGER_POST, method="POST", data=DEMO),
    # The applicant's own ticket, once published (nothing is, in this world).
    "exams:ticket_pdf": Row(Who(owner=404, association=404), APP),
    # --- exam day: the invigilator's posts (only on the day: this world's session is not today) ---
    "exams:checkin_home": Row(INVIGILATOR),
    "exams:checkin_sw": Row(INVIGILATOR),
    "exams:checkin_sync": Row({**INVIGILATOR, "hohhot_invigilator": 400}, method="POST"),  # no scans: 400
    "exams:checkin_room": Row(CHECKIN, POST),
    "exams:checkin_manifest": Row(CHECKIN, POST),
    "exams:checkin_scan": Row(CHECKIN, POST, method="POST", data={"number": "1", "outcome": "present"}),
    "exams:checkin_rest_absent": Row(CHECKIN, POST, method="POST"),
    "exams:checkin_board": Row(EXAMS_VIEW, query="campaign=demo&city=hohhot"),
    # A room's check-in, read-only: the city's desk staff and the association; its invigilator on the day.
    "exams:checkin_status": Row(
        Who(owner=403, stranger=403, co=200, reg=200, expert=403, inv=404, elsewhere=CHECKIN_ELSEWHERE), POST
    ),
    # The 考务手册 (names and photos): the city's co-organizer and regulator, the association.
    "exams:handbooks": Row(EXAMS_VIEW, query="campaign=demo"),
    "exams:handbook": Row(HANDBOOK_PENDING, lambda o: {"pk": o.site.pk, "fmt": "pdf"}),
    "exams:handbook_status": Row(HANDBOOK, SITE),
    "exams:handbook_render": Row(HANDBOOK_POST, SITE, method="POST"),
    "exams:handbook_submission": Row(HANDBOOK, lambda o: {"pk": o.handbook_submission.pk, "fmt": "xlsx"}),
    # Nothing is published in this world: the co-organizer is sent back with the refusal.
    "exams:handbook_submit": Row(ARRANGE_POST, SITE, method="POST"),
    # --- scoring: score entry -----------------------------------------------------------
    "scoring:home": Row(SCORING_VIEW, query="campaign=demo"),
    "scoring:sheet": Row(SHEET_READ, SHEET),
    "scoring:sheet_template": Row(MARKER, lambda o: {"pk": o.sheet.pk}),
    "scoring:sheet_import": Row(MARKER_POST, lambda o: {"pk": o.sheet.pk}, method="POST", data={"round": "1"}),
    "scoring:sheet_resolve": Row(MARKER_POST, lambda o: {"pk": o.sheet.pk}, method="POST"),
    "scoring:sheet_confirm": Row(MARKER_POST, lambda o: {"pk": o.sheet.pk}, method="POST"),  # not ready: a message
    # A preview is its uploader's (呼和浩特's regulator uploaded both; 包头's is another person's: 404).
    "scoring:import_preview": Row(replace(MARKER, elsewhere=ENTER_FIRST), lambda o: {"pk": o.score_import.pk}),
    "scoring:amend": Row(PUBLICITY_POST, lambda o: {"pk": o.score.pk}, method="POST"),  # no reason: a message
    "scoring:amendments": Row(SCORING_VIEW),
    "scoring:amendment_decide": Row(
        {**every(403), "anon": 302, "association": 302},
        lambda o: {"pk": o.amendment.pk},
        method="POST",
        data={"decision": "reject"},
    ),
    # --- scoring: publicity ---------------------------------------------------------------
    "scoring:publicity_list": Row(PUBLIC),
    "scoring:publicity": Row(every(200), PUBLICITY),
    "scoring:objection_new": Row(every(200), PUBLICITY),
    "scoring:objection_lookup": Row(PUBLIC),
    "scoring:objection_status": Row(every(200), lambda o: {"reference": o.objection.reference}),
    # The association without ?city= is sent to every city's progress.
    "scoring:publicity_desk": Row({**SCORING_VIEW, "association": 302}, query="campaign=demo"),
    "scoring:publicity_open": Row(REGULATOR_POST, method="POST", data=DEMO),  # already open: back to the desk
    "scoring:publicity_close": Row(PUBLICITY_POST, lambda o: {"pk": o.publicity.pk}, method="POST"),
    "scoring:objection_answer": Row(PUBLICITY_POST, lambda o: {"pk": o.objection.pk}, method="POST"),
    # --- certificates: public verification (no login; a token that is not ours is a 400) ----
    "verify:form": Row(PUBLIC),
    "verify:scan": Row(every(400), lambda o: {"token": "not.a.token"}, objects=("none",)),
    "verify:status_list": Row(PUBLIC, lambda o: {"list_number": 0}, objects=("none",)),
    # --- 综合评审: the regulator's pool and panels, the association's criteria, the experts --------
    "scoring:experts": Row(REGULATOR),
    "scoring:expert": Row(REVIEW_DESK, EXPERT),
    "scoring:expert_relation": Row(REVIEW_DESK, EXPERT, method="POST"),  # an empty form: shown again
    "scoring:panels": Row(REGULATOR, query="campaign=demo"),
    "scoring:panel": Row(REVIEW_DESK, PANEL),
    "scoring:panel_assign": Row(replace(REVIEW_DESK, reg=302), PANEL, method="POST"),
    "scoring:panel_assignment": Row(REVIEW_DESK, PANEL),
    "scoring:review_criteria": Row(ASSOCIATION, query="campaign=demo"),
    "scoring:my_reviews": Row(EXPERT_ONLY),
    # The expert's candidate and materials: only assigned ones ("assigned"; 李四's is another city's).
    "scoring:review_candidate": Row(REVIEWING, APP, objects=("assigned", "theirs")),
    "scoring:review_material": Row(
        REVIEWING, lambda o: {"pk": o.application.pk, "slot": "technical_summary"}, objects=("assigned", "theirs")
    ),
    # The chair's page: 呼和浩特's panel is chaired by hohhot-expert; its close is refused (sheets missing).
    "scoring:panel_chair": Row(REVIEWING, PANEL),
    "scoring:panel_close": Row(replace(REVIEWING, expert=302), PANEL, method="POST"),
    # --- scoring: the 汇总表 and its scans, the 人员名册, the materials zip, the archive register ---
    # The city's regulator and the association (scoring.reports); only the regulator hands in the scan
    # and writes the register; the materials zip (ID card scans, printouts) is the association's.
    "scoring:summary": Row(REPORTS, query="campaign=demo"),
    "scoring:summary_file": Row(
        REPORTS, lambda o: {"fmt": "pdf"}, query="campaign=demo&city=hohhot", objects=("none",)
    ),
    # No file: the regulator's form answers 400 with the error beside the field.
    "scoring:summary_scan_upload": Row({**REPORTER, "hohhot_reg": 400}, method="POST", data=DEMO),
    "scoring:summary_scan": Row(REPORTS_OF_CITY, lambda o: {"pk": o.summary_scan.pk}),
    "scoring:roster": Row(REPORTS, lambda o: {"fmt": "xlsx"}, query="campaign=demo&city=hohhot", objects=("none",)),
    "scoring:materials": Row({**REPORTER, "association": 200}, query="campaign=demo&city=hohhot"),
    "scoring:archive": Row(REPORTS, query="campaign=demo"),
    "scoring:archive_new": Row({**REPORTER, "hohhot_reg": 200}, query="campaign=demo"),
    "scoring:archive_edit": Row(replace(REPORTS_OF_CITY, association=403), lambda o: {"pk": o.archive_pack.pk}),
    "scoring:archive_delete": Row(
        replace(REPORTS_OF_CITY, reg=302, association=403), lambda o: {"pk": o.archive_pack.pk}, method="POST"
    ),
    "scoring:archive_retention": Row(REPORTS, query="campaign=demo"),
    # --- certificates: the association issues, prints, revokes; the city hands out ----------
    "certificates:home": Row(
        {**REVIEWERS, "hohhot_co": 302, "baotou_co": 302, "hohhot_reg": 302}, query="campaign=demo"
    ),
    # No issue date: the form's message, back to the desk (nothing issued).
    "certificates:issue": Row(ISSUER_POST, method="POST", data={"campaign": "demo", "city": "hohhot"}),
    "certificates:register": Row(REVIEWERS, query="campaign=demo"),
    # The association without ?city= is sent to every city's desk.
    "certificates:handouts": Row({**REVIEWERS, "association": 302}, query="campaign=demo"),
    "certificates:tell_arrival": Row(
        {**every(403), "anon": 302, "hohhot_co": 302, "baotou_co": 302, "association": 302},
        method="POST",
        data={"campaign": "demo", "city": "hohhot"},
    ),
    # No such unit: 404 for whoever may hand out; the others are refused first.
    "certificates:unit_handout": Row(
        {**every(403), "anon": 302, "hohhot_co": 404, "baotou_co": 404, "association": 404},
        method="POST",
        data={"campaign": "demo", "city": "hohhot", "group": "nothing"},
    ),
    "certificates:calibration": Row(ASSOCIATION),
    "certificates:calibration_sheet": Row(ASSOCIATION),
    "certificates:batch_pdf": Row(PRINTER, lambda o: {"pk": o.certificate_batch.pk}),
    "certificates:batch_export": Row(PRINTER, lambda o: {"pk": o.certificate_batch.pk, "fmt": "csv"}),
    "certificates:detail": Row(CERTIFICATE_READ, CERTIFICATE),
    # Empty forms: the permitted see them again with the errors (400); nothing changes.
    "certificates:revoke": Row(CERTIFICATE_ISSUER, CERTIFICATE, method="POST"),
    "certificates:reissue": Row(CERTIFICATE_ISSUER, CERTIFICATE, method="POST"),
    "certificates:hand_out": Row(replace(CERTIFICATE_ISSUER, co=400), CERTIFICATE, method="POST"),
    "certificates:pdf": Row(HOLDER, CERTIFICATE),
    "certificates:credential": Row(HOLDER, CERTIFICATE),
    "api:list_batches": Row(every(401), query="campaign=demo"),
    "api:export_batch": Row(every(401), lambda o: {"batch_id": o.certificate_batch.pk}),
    # --- the API -------------------------------------------------------------------------
    "api:openapi-json": Row(PUBLIC),
    "api:openapi-view": Row(PUBLIC),
    "api:api-root": Row(every(404)),
    "api:list_occupations": Row(PUBLIC, query="campaign=2023"),
    "api:list_cities": Row(PUBLIC),
    "api:list_campaigns": Row(PUBLIC),
    "api:get_campaign": Row(PUBLIC, lambda o: {"key": "2023"}, objects=("none",)),
    "api:check_eligibility": Row(every(400), method="POST"),  # no body
    "api:verify_certificate": Row(every(400)),  # no query: nothing looked up, no miss counted
    "api:certificate_revocations": Row(PUBLIC),
    # Staff endpoints take a Bearer token only: a session, even with its CSRF token, is not enough.
    "api:list_staff_applications": Row(every(401), query="campaign=demo"),
    "api:revoke_current_token": Row(every(401), method="POST"),
    # --- the admin (models: ADMIN_MODELS below) ------------------------------------------
    # Our login with its lockout, not the admin's form; signed-in staff without admin rights: 403.
    "admin/login/": Row({**every(403), "anon": 302, "association": 302}),
    "admin:index": Row(ADMIN),
    "admin:login": Row({**every(403), "anon": 302, "association": 302}),
    "admin:logout": Row(every(302), method="POST", logs_out=True),
    "admin:password_change": Row(ADMIN),
    "admin:password_change_done": Row(ADMIN),
    "admin:autocomplete": Row({**ADMIN, "association": 403}),
    "admin:jsi18n": Row(ADMIN),
    "admin:view_on_site": Row(
        {**ADMIN, "association": 404},
        lambda o: {"content_type_id": o.content_type_id, "object_id": 1},
        objects=("none",),
    ),
    "admin:app_list": Row(ADMIN, path="/admin/catalog/"),
    "admin/(?P<url>.*)$": Row({**ADMIN, "association": 404}, path="/admin/nothing-here/"),
    # --- the WeChat Pay simulator (mounted in tests; never in production) ----------------
    "paysim:index": Row(PUBLIC),
    "paysim:scan": Row(every(404)),  # no such code_url
    "paysim:jsapi": Row(every(400)),
    "paysim:oauth_authorize": Row(every(400)),
    "paysim:oauth_access_token": Row(every(200)),  # an error in WeChat's JSON, as WeChat answers
    "paysim:native": Row(every(401), method="POST"),
    "paysim:jsapi_order": Row(every(401), method="POST"),
    "paysim:query": Row(every(401), lambda o: {"out_trade_no": o.order.code + "-1"}, objects=("mine",)),
    "paysim:close": Row(every(401), lambda o: {"out_trade_no": o.order.code + "-1"}, method="POST", objects=("mine",)),
    "paysim:query_by_id": Row(
        every(401), lambda o: {"transaction_id": "4200000000000000000000000001"}, objects=("none",)
    ),
    "paysim:refunds": Row(every(401), method="POST"),
    "paysim:refund": Row(every(401), lambda o: {"out_refund_no": "R1"}, objects=("none",)),
    "paysim:certificates": Row(every(401)),
    "paysim:tradebill": Row(every(401)),
    "paysim:billdownload": Row(every(401)),
}

# Every registered admin model; each expands to its six patterns. Audit events cannot be
# added or changed by anyone (append-only), so their add page refuses the association too.
# Overrides say what the association gets where it is not 200 (the bare object URL: 302).
READ_ONLY = {"add": 403, "delete": 403}  # records written by the services, never by hand
NOT_HERE = dict.fromkeys(["changelist", "add", "change", "delete", "history"], 403)
ADMIN_MODELS: dict[str, dict[str, int]] = {
    "auth.group": NOT_HERE,  # roles are ours (accounts.permissions), not Django groups
    # No task row exists in tests (tasks run at once), so history and the bare URL go back to the index.
    "django_tasks_database.dbtaskresult": {**NOT_HERE, "history": 302},
    "audit.auditevent": READ_ONLY,
    "accounts.user": {},
    "catalog.occupation": {},
    "catalog.city": {},
    "catalog.organisation": {},
    "catalog.campaign": {},
    "catalog.campaignoccupation": {},
    "notifications.message": READ_ONLY,
    "notifications.delivery": READ_ONLY,
    "payments.order": READ_ONLY,
    "payments.payment": READ_ONLY,
    "payments.refund": READ_ONLY,
    "payments.providernotification": READ_ONLY,
    "payments.reconciliationreport": READ_ONLY,
}


def _admin_rows() -> dict[str, Row]:
    rows = {}
    for label, overrides in ADMIN_MODELS.items():
        app_label, model = label.split(".")
        prefix = f"admin:{app_label}_{model}"
        on_object = {"objects": ("admin",), "kwargs": lambda o, label=label: {"object_id": o.admin_pk[label]}}
        for suffix, association, kwargs in [
            ("changelist", 200, {}),
            ("add", 200, {}),
            ("history", 200, on_object),
            ("delete", 200, on_object),
            ("change", 200, on_object),
        ]:
            expect = {**ADMIN, "association": overrides.get(suffix, association)}
            rows[f"{prefix}_{suffix}"] = Row(expect, **kwargs)
        # The bare object URL redirects to its change page.
        rows[f"admin/{app_label}/{model}/<path:object_id>/"] = Row(
            {**ADMIN, "association": overrides.get("object", 302)}, **on_object
        )
    return rows


TABLE: dict[str, Row] = {**EXPECT, **_admin_rows()}


# --- the walk -----------------------------------------------------------------------------


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """(key, route) of every URL pattern, resolvers included, in resolution order."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


PATTERNS = dict(walk())


def test_every_url_pattern_has_a_row():
    routes = [route for _key, route in walk()]
    keys = [key for key, _route in walk()]
    assert len(set(keys)) == len(keys), "two patterns share a key: give one of them a name"
    missing = sorted(set(PATTERNS) - set(TABLE))
    assert not missing, "URL patterns without a row in skillcert/tests/test_access.py EXPECT: " + ", ".join(missing)
    stale = sorted(set(TABLE) - set(PATTERNS))
    assert not stale, "rows for URL patterns that no longer exist: " + ", ".join(stale)
    assert len(routes) == len(TABLE)


def _path(key: str, row: Row, obj: Obj) -> str:
    if row.path:
        return row.path
    kwargs = row.kwargs(obj) if row.kwargs else {}
    route = PATTERNS[key]
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs.pop(m[1])), route)
    assert not kwargs, f"{key}: kwargs {sorted(kwargs)} are not in the route {route}"
    return "/" + path


def cases(key: str, row: Row) -> list[str]:
    """The objects a row is tried with ("none" for pages without objects)."""
    return list(row.objects) if row.kwargs or isinstance(row.expect, Who) else ["none"]


def expected(row: Row, role: str, obj: Obj) -> tuple[int, ...]:
    value = row.expect.status(*relation(role, obj)) if isinstance(row.expect, Who) else row.expect[role]
    return value if isinstance(value, tuple) else (value,)


# --- the world: built once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Users of every role, and for each applicant a paid application with its order, issued
    invoice and inbox message (王小明 in 呼和浩特, 李四 in 包头); rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> dict[str, Any]:
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from accounts import api_tokens
    from accounts.demo import demo_id_number
    from accounts.models import Role, User
    from applications import lifecycle
    from applications import services as applying
    from applications.tests import uploadfixtures as fx
    from applications.tests.fixtures import attach_documents, fill
    from catalog.models import Campaign, City, FeeRule, HolidayEntry, HolidayYear, Level
    from catalog.services import ensure_demo_campaign
    from notifications.models import Message
    from payments import invoicing
    from payments.models import ProviderNotification, ReconciliationReport, Refund
    from payments.services.offline import record_offline_payment
    from payments.services.orders import ensure_order

    users = make_people()
    users["other_applicant"] = User.objects.create_user(
        None,
        PASSWORD,
        role=Role.APPLICANT,
        full_name="李四",
        id_number=demo_id_number("15020319900708002"),
        phone="13800009999",
    )
    today = timezone.localdate()
    campaign, _ = ensure_demo_campaign(today)
    for level in Level.objects.all():
        FeeRule.objects.create(campaign=campaign, level=level, amount=Decimal("180.00"))
    objects: dict[str, Obj] = {}
    for name, who, city, co in [
        ("mine", "applicant", "hohhot", "hohhot_co"),
        ("theirs", "other_applicant", "baotou", "baotou_co"),
    ]:
        applicant = users[who]
        application = applying.start_application(applicant, campaign)
        fill(application, city=City.objects.get(code=city))
        attach_documents(application)
        application = applying.submit_application(applicant, application)
        application = lifecycle.approve(users[co], application, tier="city")
        application = lifecycle.approve(users["association"], application, tier="association")
        if name == "mine":
            Campaign.objects.filter(pk=campaign.pk).update(payment_opens=today - timedelta(days=1))
        application.refresh_from_db()
        order = ensure_order(application)
        record_offline_payment(
            users["association"],
            order,
            channel="bank_transfer",
            receipt_number=f"R-{name}",
            amount=str(order.amount),
            paid_on=today,
        )
        invoice = invoicing.request_invoice(
            applicant, order, kind="personal", title=applicant.full_name, email="someone@example.cn"
        )
        pdf = SimpleUploadedFile("invoice.pdf", fx.one_page_pdf(), content_type="application/pdf")
        invoice = invoicing.issue_invoice(users["association"], invoice, invoice_number=f"2315{order.pk:016d}", pdf=pdf)
        objects[name] = Obj(
            owner=who,
            city=city,
            values={
                "application": application,
                "order": order,
                "invoice": invoice,
                "message": Message.objects.filter(recipient=applicant).order_by("pk").first(),
                "payment": order.payments.get(),
            },
        )
    _exam_world(users, campaign, objects)
    _review_world(users, campaign, objects)
    _scoring_reports_world(users, campaign, objects)
    _certificates_world(users, campaign, objects)
    objects["applicant_person"] = Obj(owner="applicant", city=None, values={"person": users["applicant"]})
    objects["other_person"] = Obj(owner="other_applicant", city=None, values={"person": users["other_applicant"]})
    objects["colleague"] = Obj(owner="hohhot_expert", city="hohhot", values={"person": users["hohhot_expert"]})
    token, _secret = api_tokens.create_token(users["hohhot_co"], name="导出", scope="read", days=30)
    objects["token"] = Obj(owner="hohhot_co", city="hohhot", values={"token": token})
    Group.objects.create(name="演示")
    holiday_year = HolidayYear.objects.create(year=2027)
    holiday_entry = HolidayEntry.objects.create(
        year=holiday_year, day=date(2027, 1, 1), kind=HolidayEntry.Kind.HOLIDAY, name="元旦"
    )
    # One row of each admin model that the flows above leave empty.
    ProviderNotification.objects.create(provider="wechat", outcome=ProviderNotification.Outcome.values[0])
    ReconciliationReport.objects.create(provider="offline", day=today - timedelta(days=1), generated_at=timezone.now())
    Refund.objects.create(
        payment=objects["mine"].payment,
        out_refund_no="R-admin",
        amount=Decimal("1.00"),
        reason=Refund.Reason.values[0],
        created_by=users["association"],
    )
    admin_pk = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        admin_pk[model._meta.label_lower] = first.pk if first is not None else 0
    objects["admin"] = Obj(owner=None, city=None, values={"admin_pk": admin_pk})
    objects["none"] = Obj(
        owner=None,
        city=None,
        values={
            "yesterday": f"{today - timedelta(days=1):%Y-%m-%d}",
            "application_ids": [objects["mine"].application.pk, objects["theirs"].application.pk],
            "content_type_id": ContentType.objects.get_for_model(Group).pk,
            "holiday_entry": holiday_entry,
        },
    )
    return {"users": users, "objects": objects}


def _exam_world(users, campaign, objects: dict[str, Obj]) -> None:
    """A site, a room, a staff member and an assignment in each city; 呼和浩特's invigilator account."""
    from django.core.files.base import ContentFile

    from accounts.models import Role, User
    from catalog.models import City
    from exams.models import ExamStaff, HandbookSubmission, Room, Site, StaffAssignment

    hohhot = City.objects.get(code="hohhot")
    users["hohhot_invigilator"] = User.objects.create_user(
        "hohhot-invigilator", PASSWORD, role=Role.INVIGILATOR, city=hohhot, full_name="监考员甲"
    )
    session = campaign.sessions.order_by("starts_at").first()
    for name in ("mine", "theirs"):
        city = City.objects.get(code=objects[name].city)
        site = Site.objects.create(campaign=campaign, city=city, name=f"{city.name}考点", address="某路 1 号")
        room = Room.objects.create(site=site, number="01", rows=5, columns=6)
        staff = ExamStaff.objects.create(
            campaign=campaign, city=city, site=site, name="张监考", work_unit="某中学", phone="13900000000"
        )
        assignment = StaffAssignment.objects.create(staff=staff, room=room, session=session)
        submission = HandbookSubmission(site=site, submitted_at=timezone.now(), sha256="0" * 64)
        submission.pdf.save(f"site-{site.pk}.pdf", ContentFile(b"%PDF-1.4 handbook"), save=False)
        submission.xlsx.save(f"site-{site.pk}.xlsx", ContentFile(b"PK handbook"), save=False)
        submission.save()
        objects[name].values.update(
            site=site, room=room, exam_staff=staff, assignment=assignment, handbook_submission=submission
        )
    ExamStaff.objects.filter(city=hohhot).update(user=users["hohhot_invigilator"])
    _scoring_world(users, campaign, objects, session)


def _scoring_world(users, campaign, objects: dict[str, Obj], session) -> None:
    """In each city: the room's score sheet, a final score with a pending amendment, an import
    preview by 呼和浩特's regulator, an open publicity with one objection."""
    from scoring.models import Amendment, Objection, Publicity, Score, ScoreImport
    from scoring.services import entry

    now = timezone.now()
    for name, regulator in (("mine", "hohhot_reg"), ("theirs", "baotou_reg")):
        o = objects[name]
        sheet = entry.ensure_sheet(o.room, session)
        score = Score.objects.create(
            application=o.application,
            part="theory",
            mark="score",
            value=70,
            finalized_by=users[regulator],
            finalized_at=now,
        )
        amendment = Amendment.objects.create(
            score=score,
            old_mark="score",
            old_value=70,
            new_mark="score",
            new_value=72,
            reason="复查",
            requested_by=users[regulator],
            requested_at=now,
        )
        preview = ScoreImport.objects.create(
            sheet=sheet, round=1, file_name="a.xlsx", sha256="0" * 64, uploaded_by=users["hohhot_reg"], uploaded_at=now
        )
        publicity = Publicity.objects.create(
            campaign=campaign,
            city=o.application.city,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + timedelta(days=7),
            opened_by=users[regulator],
            opened_at=now,
        )
        objection = Objection.objects.create(
            publicity=publicity,
            subject="x",
            text="请复查成绩",
            contact_name="张三",
            contact_phone="13900000011",
            lodged_at=now,
        )
        o.values.update(
            sheet=sheet,
            score=score,
            amendment=amendment,
            score_import=preview,
            publicity=publicity,
            objection=objection,
        )


def _review_world(users, campaign, objects: dict[str, Obj]) -> None:
    """综合评审: three experts and a panel in each city (呼和浩特's chaired by hohhot-expert) and one
    more 呼和浩特 candidate, a 技师 with a technical summary, assigned to hohhot-expert ("assigned")."""
    from django.core.files.base import ContentFile

    from applications.generator import generate
    from applications.models import Application, ApplicationDocument, Status
    from catalog.models import City, Level
    from scoring.models import Expert, Panel, Review

    before = set(Application.objects.values_list("pk", flat=True))
    generate(campaign, 1, seed=77)
    assigned = Application.objects.exclude(pk__in=before).get()
    hohhot = City.objects.get(code="hohhot")
    Application.objects.filter(pk=assigned.pk).update(
        city=hohhot, level=Level.objects.get(number=2), status=Status.SCHEDULED
    )
    assigned.refresh_from_db()
    ApplicationDocument.objects.create(
        application=assigned,
        slot="technical_summary",
        file=ContentFile(b"%PDF-1.4 summary", name="summary.pdf"),
        content_type="application/pdf",
        size=16,
        sha256="2" * 64,
    )
    for name in ("mine", "theirs"):
        city = City.objects.get(code=objects[name].city)
        experts = [
            Expert.objects.create(city=city, name=f"{city.name}专家{n}", work_unit=f"某单位{n}") for n in range(3)
        ]
        if name == "mine":
            Expert.objects.filter(pk=experts[0].pk).update(user=users["hohhot_expert"])
        panel = Panel.objects.create(
            campaign=campaign, city=city, name="评审组", chair=experts[0], deadline=timezone.localdate()
        )
        panel.members.set(experts)
        panel.occupations.set([assigned.occupation])
        if name == "mine":
            Review.objects.bulk_create(Review(panel=panel, application=assigned, expert=e) for e in experts)
        objects[name].values.update(expert=experts[0], panel=panel)
    objects["assigned"] = Obj(owner=None, city="hohhot", values={"application": assigned})


def _scoring_reports_world(users, campaign, objects: dict[str, Obj]) -> None:
    """A signed summary scan and an archived pack of answer sheets in each city (on a site and room of
    their own: an archived pack protects its room from deletion, which the exams rows try)."""
    from django.core.files.base import ContentFile

    from exams.models import Room, Site
    from scoring.models import ArchivePack, SummaryScan

    session = campaign.sessions.order_by("starts_at").first()
    for name, regulator in (("mine", "hohhot_reg"), ("theirs", "baotou_reg")):
        obj = objects[name]
        scan = SummaryScan(
            campaign=campaign,
            city=obj.site.city,
            content_type="application/pdf",
            size=9,
            sha256="0" * 64,
            uploaded_by=users[regulator],
            uploaded_at=timezone.now(),
        )
        scan.file.save(f"summary-{name}.pdf", ContentFile(b"%PDF-1.4 "), save=False)
        scan.save()
        site = Site.objects.create(campaign=campaign, city=obj.site.city, name="归档考点", address="某路 2 号")
        room = Room.objects.create(site=site, number="09", rows=5, columns=6)
        pack = ArchivePack.objects.create(
            campaign=campaign,
            city=obj.site.city,
            site=site,
            room=room,
            session=session,
            sheet_count=10,
            box_number=f"BOX-{name}",
            storage_place="档案室",
            retention_years=3,
            archived_by=users[regulator],
            archived_at=timezone.now(),
            retain_until=timezone.localdate() + timedelta(days=3 * 365),
        )
        obj.values.update(summary_scan=scan, archive_pack=pack)


def _certificates_world(users, campaign, objects: dict[str, Obj]) -> None:
    """A batch and a certificate of each applicant's application (setup writes them directly)."""
    from certificates.models import IssueBatch
    from certificates.services.issuing import create_certificates

    today = timezone.localdate()
    for name in ("mine", "theirs"):
        obj = objects[name]
        application = obj.application
        batch = IssueBatch.objects.create(
            campaign=campaign, city=application.city, issued_on=today, issued_by=users["association"], count=1
        )
        (certificate,) = create_certificates([application], actor=users["association"], issued_on=today, batch=batch)
        obj.values.update(certificate=certificate, certificate_batch=batch)


# --- the requests -------------------------------------------------------------------------


def _scoring_fingerprint() -> tuple:
    from scoring.models import Amendment, Entry, Objection, Publicity, Score, ScoreImport, Sheet

    return (
        Entry.objects.count(),
        list(Score.objects.order_by("pk").values_list("pk", "mark", "value", "revision")),
        list(Amendment.objects.order_by("pk").values_list("pk", "state")),
        list(Sheet.objects.order_by("pk").values_list("pk", "state")),
        list(ScoreImport.objects.order_by("pk").values_list("pk", "state")),
        list(Publicity.objects.order_by("pk").values_list("pk", "state")),
        list(Objection.objects.order_by("pk").values_list("pk", "state")),
    )


def fingerprint() -> tuple:
    """What a refused request must not change."""
    from accounts.models import ApiToken, User
    from applications.models import Application
    from audit.models import AuditEvent
    from notifications.models import Message
    from payments.models import InvoiceRequest, Order, Payment, Refund

    rows = (
        AuditEvent.objects.count(),
        list(Application.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Order.objects.order_by("pk").values_list("pk", "state", "flagged")),
        Payment.objects.count(),
        Refund.objects.count(),
        list(InvoiceRequest.objects.order_by("pk").values_list("pk", "state", "invoice_number")),
        Message.objects.filter(read_at__isnull=False).count(),
        list(User.objects.order_by("pk").values_list("pk", "password", "session_salt", "is_active")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        _scoring_fingerprint(),
    )
    return rows


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    """One logged-in client per role (their sessions live as long as the world)."""
    with django_db_blocker.unblock():
        made = {role: client_for(None if role == "anon" else world["users"][role]) for role in ROLES}
    return {role: (client, client.cookies) for role, client in made.items()}


def _sent_to_login(response) -> bool:
    target = response.get("Location", "")
    return response.status_code == 302 and (
        target.startswith(reverse("accounts:login")) or target.startswith("/admin/login/")
    )


def request_as(clients, role: str, row: Row, url: str, obj: Obj) -> tuple[int, str]:
    """(status, problem) of one request, rolled back; problem names what a refusal changed."""
    from http.cookies import SimpleCookie

    client, cookies = clients[role]
    client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))  # a logout never sticks
    data = row.data(obj) if callable(row.data) else row.data
    problem = ""
    with transaction.atomic():
        before = fingerprint() if row.method == "POST" else None
        response = client.post(url, data or {}) if row.method == "POST" else client.get(url)
        refused = response.status_code >= 400 or (_sent_to_login(response) and not row.logs_out)
        if before is not None and refused and fingerprint() != before:
            problem = "refused, yet something changed"
        target = response.get("Location", "")
        own_redirect = bool(row.redirects_to) and target.startswith(row.redirects_to)
        anon_elsewhere = response.status_code == 302 and not _sent_to_login(response) and not own_redirect
        if role == "anon" and anon_elsewhere and not row.logs_out:
            problem = f"anon sent to {target}, not to the login"
        transaction.set_rollback(True)
    return response.status_code, problem


@pytest.mark.parametrize("key", sorted(TABLE))
def test_access(world, clients, db, key):
    row = TABLE[key]
    failures = []
    for name in cases(key, row):
        obj = world["objects"][name]
        url = _path(key, row, obj) + (f"?{row.query}" if row.query else "")
        for role in ROLES:
            want = expected(row, role, obj)
            got, problem = request_as(clients, role, row, url, obj)
            if got not in want or problem:
                wanted = " or ".join(map(str, want))
                failures.append(f"{row.method} {url} as {role} ({name}): expected {wanted}, got {got} {problem}")
    assert not failures, "\n".join(failures)


def test_the_number_of_requests_asserted(capsys):
    """The figure for the closing note: URL patterns × roles (× objects for object URLs)."""
    requests = sum(len(cases(key, row)) * len(ROLES) for key, row in TABLE.items())
    with capsys.disabled():
        print(f"\naccess matrix: {len(TABLE)} URL patterns × {len(ROLES)} roles = {requests} requests asserted")
    assert len(TABLE) == len(PATTERNS) and requests >= len(TABLE) * len(ROLES)
