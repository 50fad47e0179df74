"""Issuing (七: 就促会统一制发): once a city's publicity is closed with no open objection, the
association issues its passed candidates in batches (the city, or one occupation of it).

`issue` checks and calls `lifecycle.certify_many`; the certificates' receiver calls
`create_certificates` inside that transaction: numbers from the locked counters, the canonical
record signed, one row each, the holders told after the commit."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import lifecycle
from applications.models import Application, Status
from audit.services import record
from catalog.models import Campaign, City, Occupation
from certificates.models import Certificate, IssueBatch
from certificates.record import NO_WORK_TYPE, Record
from certificates.services.numbers import take_numbers
from notifications.services import Notice, notify_many
from scoring.models import Objection, Publicity
from skillcert import signing
from skillcert.lib.masking import mask_id_number
from skillcert.refusals import TransitionRefused

# The QR's link: this site's verification page with the signed record in the path.
SCAN_PATH = "/verify/c/"


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str = ""


def readiness(campaign: Campaign, city: City) -> Readiness:
    """Whether the city's results are final: its publicity closed, no objection open."""
    return readiness_of(campaign, [city])[city.pk]


def readiness_of(campaign: Campaign, cities: Sequence[City]) -> dict[int, Readiness]:
    """`readiness` of each city (by pk), in two queries whatever their number."""
    publicities = {
        p.city_id: p
        for p in Publicity.objects.filter(campaign=campaign, city__in=cities).annotate(
            open_objections=Count("objections", filter=Q(objections__state=Objection.State.OPEN))
        )
    }
    answers = {}
    for city in cities:
        publicity = publicities.get(city.pk)
        if publicity is None:
            refusal = _("%(city)s的成绩尚未公示。")
        elif publicity.is_open:
            refusal = _("%(city)s的成绩仍在公示期内，公示结束后才能发证。")
        elif publicity.open_objections:  # the annotation above
            refusal = _("%(city)s还有未答复的异议，答复后才能发证。")
        else:
            refusal = ""
        answers[city.pk] = Readiness(not refusal, refusal % {"city": city.name} if refusal else "")
    return answers


def issuable(campaign: Campaign, city: City, occupation: Occupation | None = None) -> QuerySet[Application]:
    """The city's passed candidates who hold no certificate yet."""
    rows = Application.objects.filter(campaign=campaign, city=city, status=Status.PASSED)
    return rows.filter(occupation=occupation) if occupation is not None else rows


def record_of(certificate: Certificate) -> Record:
    return Record(
        number=certificate.number,
        name=certificate.name,
        id_number_masked=certificate.id_number_masked,
        occupation_code=certificate.occupation_code,
        occupation=certificate.occupation_name,
        work_type=certificate.work_type,
        level=certificate.level,
        issued_on=certificate.issued_on,
        issuer=certificate.issuer,
    )


def sign_record(facts: Record) -> str:
    """The compact JWS over the canonical record (header alg EdDSA, kid, typ certificate+jwt)."""
    return signing.sign(facts.as_json(), typ=signing.CERTIFICATE)


def scan_url(credential: str) -> str:
    """What the QR holds: this site's verification page carrying the signed record."""
    return f"{settings.SITE_URL.rstrip('/')}{SCAN_PATH}{credential}"


@transaction.atomic
def issue(
    actor: User,
    campaign: Campaign,
    city: City,
    *,
    occupation: Occupation | None = None,
    issued_on: date | None = None,
) -> IssueBatch:
    """Issue the city's (or one occupation's) passed candidates; refused with a message before the
    city's results are final or when nobody is left to issue."""
    if not actor.is_association:
        raise PermissionDenied("only the association issues certificates")
    ready = readiness(campaign, city)
    if not ready.ready:
        raise TransitionRefused(ready.reason)
    ids = list(
        issuable(campaign, city, occupation).order_by("level_id", "occupation__code", "pk").values_list("pk", flat=True)
    )
    if not ids:
        raise TransitionRefused(_("没有待发证的合格人员（可能已全部发证）。"))
    issued_on = issued_on or timezone.localdate()
    batch = IssueBatch.objects.create(
        campaign=campaign, city=city, occupation=occupation, issued_on=issued_on, issued_by=actor
    )
    moved = lifecycle.certify_many(actor, ids, issued_on=issued_on, batch=batch)
    if not moved:  # someone else issued them while this one waited for the rows
        raise TransitionRefused(_("这些人员刚刚已由他人发证。"))
    batch.count = len(moved)
    batch.save(update_fields=["count"])
    record(
        "certificates.batch_issued",
        actor=actor,
        obj=batch,
        after={"count": batch.count, "city": city.code, "occupation": occupation.code if occupation else ""},
    )
    return batch


def _order(application: Application) -> tuple[int, str, int]:
    return (application.level_id or 0, application.occupation.code if application.occupation else "", application.pk)


def create_certificates(
    applications: Sequence[Application],
    *,
    actor: User,
    issued_on: date,
    batch: IssueBatch | None = None,
    replacing: dict[int, Certificate] | None = None,
) -> list[Certificate]:
    """One numbered, signed certificate per application (inside the lifecycle's transaction).
    Serials follow level, occupation code and application order; `replacing` names the old
    certificate a re-issue replaces."""
    replacing = replacing or {}
    people = list(
        Application.objects.filter(pk__in=[a.pk for a in applications]).select_related(
            "occupation", "level", "city", "applicant", "campaign"
        )
    )
    people.sort(key=_order)
    made: list[Certificate] = []
    for level, group in groupby(people, key=lambda a: a.level_id or 0):
        members = list(group)
        numbers = take_numbers(issued_on.year, level, len(members))
        for application, number in zip(members, numbers, strict=True):
            made.append(_certificate(application, number, actor, issued_on, batch, replacing.get(application.pk)))
    Certificate.objects.bulk_create(made, batch_size=500)
    _tell(made, "certificates.reissued" if replacing else "certificates.issued")
    return made


def _certificate(
    application: Application,
    number: str,
    actor: User,
    issued_on: date,
    batch: IssueBatch | None,
    replaces: Certificate | None,
) -> Certificate:
    occupation = application.occupation
    certificate = Certificate(
        application=application,
        campaign_id=application.campaign_id,
        city=application.city,
        batch=batch,
        number=number,
        year=issued_on.year,
        serial=int(number[-6:]),
        name=application.full_name,
        id_number=application.id_number,
        id_number_masked=mask_id_number(application.id_number),
        occupation_code=occupation.code if occupation else "",
        occupation_name=occupation.name if occupation else "",
        work_type=application.work_type.strip() or NO_WORK_TYPE,
        level=application.level_id or 0,
        employer=application.employer,
        issued_on=issued_on,
        issuer=settings.CERTIFICATE_ISSUER,
        replaces=replaces,
        issued_by=actor,
    )
    certificate.credential = sign_record(record_of(certificate))
    certificate.kid = str(signing.header_of(certificate.credential).get("kid", ""))
    return certificate


def _tell(certificates: list[Certificate], kind: str) -> None:
    notify_many(
        kind,
        [
            Notice(
                c.application.applicant,
                {
                    "application": c.application,
                    "certificate": c,
                    "url": reverse("applications:detail", args=[c.application_id]),
                },
                c.application,
            )
            for c in certificates
        ],
    )
