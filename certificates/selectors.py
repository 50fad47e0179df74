"""Reads of certificates for staff and holders, scoped by city (accounts.permissions)."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import AnyUser, has_capability, require, scope_by_city
from applications.models import Application, Status
from catalog.models import Campaign, City
from certificates.models import Certificate, IssueBatch, PrintCalibration
from certificates.numbering import normalise_number
from certificates.services.issuing import Readiness, readiness_of

READS = "certificates.view"
PRINT_PART = 500  # certificates per printed PDF of a batch


def city_for(user: AnyUser, code: str | None) -> City | None:
    """The city a page is about: city staff's own; the association's choice (None: every city)."""
    require(user, READS)
    assert isinstance(user, User)
    if not user.is_association:
        return user.city
    return get_object_or_404(City, code=code) if code else None


@dataclass(frozen=True)
class CityLine:
    city: City
    passed: int  # passed and waiting for a certificate
    valid: int
    delivered: int
    revoked: int
    ready: Readiness


def overview(campaign: Campaign, cities: Iterable[City]) -> list[CityLine]:
    """Per city: who waits for a certificate, what is issued, collected, revoked, and whether the
    city's results are final (its publicity closed, no objection open)."""
    cities = list(cities)
    ready = readiness_of(campaign, cities)
    waiting = dict(
        Application.objects.filter(campaign=campaign, status=Status.PASSED)
        .values_list("city")
        .annotate(n=Count("pk"))
        .values_list("city", "n")
    )
    counts: dict[int, dict[str, int]] = {
        row["city"]: {"valid": row["valid"], "delivered": row["delivered"], "revoked": row["revoked"]}
        for row in Certificate.objects.filter(campaign=campaign)
        .values("city")
        .annotate(
            valid=Count("pk", filter=Q(state=Certificate.State.VALID)),
            delivered=Count("pk", filter=Q(state=Certificate.State.VALID, handout__isnull=False)),
            revoked=Count("pk", filter=Q(state=Certificate.State.REVOKED)),
        )
    }
    return [
        CityLine(
            city=city,
            passed=waiting.get(city.pk, 0),
            valid=counts.get(city.pk, {}).get("valid", 0),
            delivered=counts.get(city.pk, {}).get("delivered", 0),
            revoked=counts.get(city.pk, {}).get("revoked", 0),
            ready=ready[city.pk],
        )
        for city in cities
    ]


def certificates_for(user: AnyUser) -> QuerySet[Certificate]:
    require(user, READS)
    return scope_by_city(Certificate.objects.all(), user)


def register(
    user: AnyUser, campaign: Campaign, city: City | None, *, state: str = "", query: str = "", handout: str = ""
) -> QuerySet[Certificate]:
    """The certificates a staff member may read, filtered: state, 已领/未领, number, name or ID tail."""
    rows = certificates_for(user).filter(campaign=campaign).select_related("city", "handout")
    if city is not None:
        rows = rows.filter(city=city)
    if state in Certificate.State.values:
        rows = rows.filter(state=state)
    if handout == "collected":
        rows = rows.filter(handout__isnull=False)
    elif handout == "waiting":
        rows = rows.filter(state=Certificate.State.VALID, handout__isnull=True)
    query = query.strip()
    if query:
        matches = Q(number=normalise_number(query)) | Q(name__contains=query)
        if len(query) == 4:  # 尾号: the last four of the ID number
            matches |= Q(application__id_tail=query.upper())
        rows = rows.filter(matches)
    return rows.order_by("number")


def get_certificate_for(user: AnyUser, number: str) -> Certificate:
    """One certificate the user may read (404 otherwise: another city's does not exist for them)."""
    rows = certificates_for(user).select_related(
        "city", "campaign", "application", "replaces", "replaced_by", "batch", "handout__recorded_by"
    )
    certificate = rows.filter(number=normalise_number(number)).first()
    if certificate is None:
        raise Http404("no such certificate")
    return certificate


def print_parts(batch: IssueBatch) -> range:
    """The parts (1, 2, …) a batch's valid certificates print in (`batches` counts them)."""
    count: int = batch.valid_count  # type: ignore[attr-defined]
    return range(1, max(1, -(-count // PRINT_PART)) + 1)


@dataclass
class UnitGroup:
    unit: str
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def collected(self) -> int:
        return sum(1 for c in self.certificates if hasattr(c, "handout"))

    def __len__(self) -> int:
        return len(self.certificates)

    @property
    def key(self) -> str:
        """A stable name for the unit's form (the unit's name may hold any character)."""
        return hashlib.blake2b(self.unit.encode(), digest_size=6).hexdigest()


def by_unit(rows: Iterable[Certificate]) -> list[UnitGroup]:
    """The city's valid certificates grouped by work unit (七: units collect for their staff)."""
    ordered = sorted(rows, key=lambda c: (c.employer or "", c.number))
    return [UnitGroup(unit or "", list(group)) for unit, group in groupby(ordered, key=lambda c: c.employer or "")]


def batches(user: AnyUser, campaign: Campaign | None = None) -> QuerySet[IssueBatch]:
    require(user, READS)
    rows = scope_by_city(IssueBatch.objects.select_related("campaign", "city", "occupation", "issued_by"), user)
    rows = rows.annotate(valid_count=Count("certificates", filter=Q(certificates__state=Certificate.State.VALID)))
    return rows.filter(campaign=campaign) if campaign is not None else rows


def get_batch_for(user: AnyUser, pk: int) -> IssueBatch:
    batch = batches(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("no such batch")
    return batch


def batch_certificates(batch: IssueBatch) -> QuerySet[Certificate]:
    return Certificate.objects.filter(batch=batch).select_related("city").order_by("number")


def own_certificate(user: AnyUser, number: str) -> Certificate:
    """A certificate in force for its holder's downloads; the association (certificates.print) may
    print any. 404 otherwise: another's certificate does not exist for the asker."""
    rows = Certificate.objects.select_related("application", "city", "campaign")
    certificate = rows.filter(number=number, state=Certificate.State.VALID).first()
    if certificate is None:
        raise Http404("no such certificate in force")
    if certificate.application.applicant_id == user.pk or has_capability(user, "certificates.print"):
        return certificate
    raise Http404("not yours")


def holder_certificates(application: Application) -> list[Certificate]:
    """The holder's certificates, the one in force first."""
    rows = Certificate.objects.filter(application=application).select_related("handout", "replaces")
    return sorted(rows, key=lambda c: (not c.is_valid, c.number))


def calibration() -> PrintCalibration:
    return PrintCalibration.objects.order_by("pk").first() or PrintCalibration()
