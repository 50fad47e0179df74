"""Use cases of applying: start, save a step, upload a document, check, submit, withdraw."""

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from applications import lifecycle, requirements, selectors, uploads
from applications.eligibility_service import decide_for
from applications.models import Application, ApplicationDocument, DocumentSlot, Status
from applications.sheet import ApplicationSheet
from audit.services import record
from catalog.models import Campaign, City
from skillcert.jobs import enqueue_on_commit
from skillcert.lib.identity import parse_id_number
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)


def editable_items(application: Application) -> set[str] | None:
    """None: everything (a draft); else the returned items only (fields or document slots)."""
    return None if application.status == Status.DRAFT else set(application.returned_items)


def _require_editable(application: Application, items: set[str]) -> None:
    if application.status not in lifecycle.EDITABLE:
        raise TransitionRefused(_("申报已提交，不能修改。"))
    if application.status == Status.RETURNED:
        lifecycle.require_review_open(application.campaign)
        outside = items - set(application.returned_items)
        if outside:
            raise TransitionRefused(_("只能修改被退回的项目。"))
    else:
        lifecycle.require_registration_open(application.campaign)


@transaction.atomic
def start_application(
    actor: User, campaign: Campaign, *, self_check_facts: dict[str, Any] | None = None
) -> Application:
    """The applicant's draft in this campaign: the live one if it exists, else a new one
    (pre-filled from the self-check's facts when given)."""
    if actor.role != Role.APPLICANT:
        raise PermissionDenied("only applicants apply")
    existing = selectors.current_application(actor, campaign)
    if existing:
        return existing
    lifecycle.require_registration_open(campaign)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                campaign=campaign,
                applicant=actor,
                full_name=actor.full_name,
                id_number=actor.id_number,
                phone=actor.phone,
            )
    except IntegrityError:  # the same ID number already applied in this campaign
        # A double tap: the other request just started this applicant's draft; that is it.
        existing = selectors.current_application(actor, campaign)
        if existing:
            return existing
        raise TransitionRefused(_("该身份证号码在本批次已有申报，不能重复申报。")) from None
    record("applications.started", actor=actor, obj=application)
    if self_check_facts:
        application = prefill_from_self_check(actor, application, self_check_facts)
    return application


class StaleEdit(TransitionRefused):
    pass


@transaction.atomic
def save_step(actor: User, application: Application, values: dict[str, Any], *, expected_version: int) -> Application:
    """Save one step's fields to a draft. Refuses a stale form (edited elsewhere since)."""
    application = Application.objects.select_for_update().select_related("campaign").get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied("not the applicant")
    if application.version != expected_version:
        raise StaleEdit(_("这份申报已在其他页面或设备上修改过。请查看最新内容后再保存。"))
    if values.get("is_direct_unit"):
        values["city"] = City.objects.get(hosts_direct_units=True)  # 自治区直属单位 apply through 呼和浩特
    changed = [name for name, value in values.items() if getattr(application, name) != value]
    _require_editable(application, set(changed))
    for name, value in values.items():
        setattr(application, name, value)
    application.version += 1
    application.save()
    if changed:
        record("applications.draft_saved", actor=actor, obj=application, after={"fields": sorted(changed)})
    return application


# The self-check's facts that are fields of the application under the same name.
SELF_CHECK_CARRIED = (
    "category",
    "apprenticeship_completed",
    "education",
    "education_related",
    "preparatory_technician",
    "prior_level",
    "prior_related",
    "prior_via_transfer",
    "title_field",
    "title_rank",
    "veteran_wage_level",
)


def prefill_from_self_check(actor: User, application: Application, facts: dict[str, Any]) -> Application:
    """Start a fresh draft from the facts of the self-check (kept in the session, never
    read from the query). Occupations and levels are looked up again; an occupation the
    campaign does not offer is left out. Saved like any step: audited, editable after."""
    from catalog.models import Level, Occupation

    values = {name: facts[name] for name in SELF_CHECK_CARRIED if facts.get(name) not in (None, "")}
    offered = Occupation.objects.filter(offerings__campaign=application.campaign)
    if facts.get("occupation"):
        values["occupation"] = offered.filter(pk=facts["occupation"]).first()
    if facts.get("level"):
        values["level"] = Level.objects.filter(number=facts["level"]).first()
    if facts.get("prior_occupation"):
        values["prior_occupation"] = Occupation.objects.filter(pk=facts["prior_occupation"]).first()
    if facts.get("occupation_years") not in (None, ""):
        values["occupation_years"] = int(float(facts["occupation_years"]))  # whole years on the form
    for name in ("prior_issued_on", "prior_original_issued_on"):
        if facts.get(name):
            values[name] = date.fromisoformat(facts[name])
    values = {name: value for name, value in values.items() if value is not None}
    return save_step(actor, application, values, expected_version=application.version)


def _check(slot: str, data: bytes, name: str) -> uploads.CheckedUpload:
    if slot == "photo":
        return uploads.check_photo(data, name)
    if slot in requirements.MIN_CHARACTERS:
        label = DocumentSlot(slot).label.split("（")[0]
        return uploads.check_text_pdf(data, name, minimum=requirements.MIN_CHARACTERS[slot], label=label)
    return uploads.check_document(data, name)


def upload_document(actor: User, application: Application, slot: str, data: bytes, name: str) -> ApplicationDocument:
    """Check a file by its content and store it privately in its slot (replacing the old one).

    Images are stored re-encoded, upright and without metadata (the photo also downscaled
    to a JPEG under 2 MB); the original bytes are not kept, and `sha256` is the digest of
    what is stored. The returned document's `notes` say what was done, for the applicant.
    Raises uploads.UploadRejected with the reason; nothing is stored then. The client's
    file name is only passed to the checks, never used for storage.
    """
    _require_editable(application, {slot})  # cheap refusal first; checked again under the lock
    checked = _check(slot, data, name)
    if slot == DocumentSlot.PLEDGE:
        _refuse_unsigned_pledge(application, data, checked)
    prepared = uploads.prepare_for_storage(data, checked, photo=slot == DocumentSlot.PHOTO)
    storage = ApplicationDocument.file.field.storage
    stored_name = storage.save(
        f"applications/{application.pk}/{uuid.uuid4().hex}{prepared.extension}", ContentFile(prepared.data)
    )
    try:
        with transaction.atomic():
            document = _store(actor, application, slot, checked, prepared, stored_name)
    except BaseException:
        storage.delete(stored_name)  # the row was not written: leave no file behind
        raise
    document.notes = prepared.notes
    return document


def _refuse_unsigned_pledge(application: Application, data: bytes, checked: uploads.CheckedUpload) -> None:
    """The 诚信承诺书 must be signed by hand: our own printable PDF, as generated or re-saved, is not."""
    if checked.kind != "pdf":
        return
    from applications.documents import FontMissingError, render_integrity_pledge

    try:
        generated = render_integrity_pledge(sheet_for(application))
    except FontMissingError:  # the printable pledge cannot be made here either: nothing to compare with
        logger.warning("pledge not compared with the generated one: the CJK font is missing")
        return
    if uploads.is_unsigned_copy(data, generated):
        raise uploads.UploadRejected(
            _("这是系统生成的未签字诚信承诺书。请打印出来，由本人亲笔签名后，拍照或扫描签字后的纸质承诺书再上传。")
        )


def _store(
    actor: User,
    application: Application,
    slot: str,
    checked: uploads.CheckedUpload,
    prepared: uploads.StoredFile,
    stored_name: str,
) -> ApplicationDocument:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise PermissionDenied("not the applicant")
    _require_editable(application, {slot})
    old = ApplicationDocument.objects.filter(application=application, slot=slot).first()
    if old:
        old_file = old.file.name
        old.delete()
        if old_file:
            transaction.on_commit(lambda: old.file.storage.delete(old_file))
    document = ApplicationDocument.objects.create(
        application=application,
        slot=slot,
        file=stored_name,
        content_type=prepared.content_type,
        size=len(prepared.data),
        sha256=prepared.sha256,
        pages=checked.pages,
        text_characters=checked.text_characters,
        flags=list(checked.flags),
    )
    record(
        "applications.document_uploaded",
        actor=actor,
        obj=application,
        after={"slot": slot, "sha256": prepared.sha256, "size": len(prepared.data)},
    )
    return document


@dataclass(frozen=True)
class Readiness:
    missing_fields: tuple[str, ...]
    missing_documents: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing_fields and not self.missing_documents


def readiness(application: Application) -> Readiness:
    values = {field.name: getattr(application, field.attname) for field in Application._meta.concrete_fields}
    values.update({"city": application.city_id, "occupation": application.occupation_id, "level": application.level_id})
    values["prior_occupation"] = application.prior_occupation_id
    uploaded = set(application.documents.values_list("slot", flat=True))
    return Readiness(
        requirements.missing_fields(values),
        requirements.missing_slots(application.category, application.level_id, uploaded),
    )


@transaction.atomic
def submit_application(actor: User, application: Application) -> Application:
    """Submit a draft, or resubmit a returned application to the tier that returned it.

    The applicant is told, and the duplicate and similarity signals are computed in
    the background once the submission is committed.
    """
    from notifications.services import notify
    from review.tasks import flag_application

    ready = readiness(application)
    missing = ready.missing_fields + ready.missing_documents
    before = application.status
    transition = lifecycle.resubmit if application.status == Status.RETURNED else lifecycle.submit
    application = transition(actor, application, eligibility=decide_for(application), missing=missing)
    if before != application.status:
        url = reverse("applications:detail", args=[application.pk])
        notify(actor, "application.submitted", context={"application": application, "url": url}, obj=application)
        enqueue_on_commit(flag_application, application.pk)
    return application


def withdraw_application(actor: User, application: Application) -> Application:
    return lifecycle.withdraw(actor, application)


def sheet_for(application: Application) -> ApplicationSheet:
    """What the printed 申报表 and 诚信承诺书 show for this application."""
    photo = application.documents.filter(slot="photo").first()
    person = person_of(application)
    prior = application.prior_occupation.name if application.prior_occupation else application.prior_occupation_name
    return ApplicationSheet(
        full_name=application.full_name,
        gender=person.gender_label,
        ethnicity=application.ethnicity,
        id_number=application.id_number,
        education=application.get_education_display() if application.education else "",
        phone=application.phone,
        work_started_on=application.work_started_on,
        occupation_years=application.occupation_years,
        employer=application.employer,
        occupation=application.occupation.name if application.occupation else "",
        occupation_code=application.occupation.code if application.occupation else "",
        level=str(application.level) if application.level_id else "",
        work_type=application.work_type,
        category=application.get_category_display().removesuffix("申报") if application.category else "",
        prior_certificate_occupation=prior,
        prior_certificate_number=application.prior_certificate_number,
        work_history=application.work_history,
        achievements=application.achievements,
        specialties=application.specialties,
        campaign_year=application.campaign.year,
        photo_jpeg=photo.file.read() if photo else None,
        city=application.city.name if application.city else "",
    )


@dataclass(frozen=True)
class Person:
    """Gender and birth date come from the ID number, so they always agree with it."""

    birth_date: date
    gender_label: str


def person_of(application: Application) -> Person:
    resident = parse_id_number(application.id_number)
    return Person(resident.birth_date, _("男") if resident.gender == "male" else _("女"))
