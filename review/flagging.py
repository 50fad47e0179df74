"""Fraud and duplicate signals for reviewers: `flag_application`.

Run in the background after an application is submitted or resubmitted
(`review.tasks.flag_application`, enqueued on commit by `applications.services`). It looks at
the application against the other *compared* applications of its campaign — every status
from submitted on, not drafts and not withdrawn ones — and writes `review.models.Flag` rows:

* `duplicate_id`  another compared application with the same `id_number_hash` (two accounts of
                  one person both live). An earlier application that was withdrawn is not one:
                  withdrawing and applying again is allowed. The database constraint refuses
                  this already; the flag is the net under it.
* `same_file`     a document whose SHA-256 equals a document of another applicant's application;
                  `detail` names the slot (both slots when they differ). Files repeated within
                  one's own application are not flagged.
* `similar_text`  a technical summary or paper whose estimated Jaccard similarity (MinHash over
                  character 5-shingles, `review.similarity`) with another applicant's summary or
                  paper is at least `settings.REVIEW_SIMILARITY_THRESHOLD` (default 0.6); `score`
                  is the estimate, `detail` names both slots. Texts of fewer than MIN_SHINGLES
                  shingles (scans with a page-number footer) are not compared.
* `scan_length`   a document the upload check accepted with NEEDS_MANUAL_LENGTH_CHECK (a scan).

Pair flags are written both ways, each linking the other application. Running again creates no
duplicates (get_or_create on the unique (application, kind, other, detail)) and removes the
flags of these kinds involving this application that no longer hold (a returned application
resubmitted with a new document), on it and on the other side. Flags are signals for the
reviewer, not state changes: nothing here is audited.

Texts. A summary or paper whose `text` is empty is read from storage and extracted with
`skillcert.uploads.extract_text` (bounded in pages, bytes, time and characters), and the
text is saved on the document for the next run. This is done for the application's own texts
and, up to MAX_EXTRACTIONS_PER_RUN a run, for compared texts of others still without one (two
applications submitted at the same moment, or a run that failed), so no pair is missed
because neither side's text was in yet.

Signatures. Comparing against every document of a campaign would be O(n) per submission, so
each process keeps an `LSHIndex` per campaign (and threshold) in memory, brought in step with
the database at every run: one query lists the ids of the comparable texts, documents that
left (withdrawn, replaced) are dropped, and only new ones are read. A signature is read from
`ApplicationDocument.minhash` when that field exists and holds one of the current format;
otherwise it is computed from `text` (and stored, when the field exists). Without the field
a fresh worker process computes every signature of the campaign once (about 2 ms a text).
"""

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import batched

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Manager, Model, Q, QuerySet
from django.utils import translation

from applications.models import Application, ApplicationDocument, DocumentSlot, Status
from review import similarity
from review.models import Flag, FlagKind
from skillcert import uploads

logger = logging.getLogger(__name__)

TEXT_SLOTS = (DocumentSlot.TECHNICAL_SUMMARY.value, DocumentSlot.PAPER.value)
NOT_COMPARED = (Status.DRAFT.value, Status.WITHDRAWN.value)
DEFAULT_SIMILARITY_THRESHOLD = similarity.DEFAULT_THRESHOLD
MIN_SHINGLES = 200  # fewer distinct 5-shingles than this is not a text to compare (≈ 200 字)
_LOAD_BATCH = 500
MAX_EXTRACTIONS_PER_RUN = 20  # texts of other applications still to extract, per run


def similarity_threshold() -> float:
    """`settings.REVIEW_SIMILARITY_THRESHOLD` (0.6 when unset), an estimated Jaccard in (0, 1]."""
    value = getattr(settings, "REVIEW_SIMILARITY_THRESHOLD", DEFAULT_SIMILARITY_THRESHOLD)
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured("REVIEW_SIMILARITY_THRESHOLD must be a number in (0, 1]") from None
    if not 0.0 < value <= 1.0:
        raise ImproperlyConfigured("REVIEW_SIMILARITY_THRESHOLD must be a number in (0, 1]")
    return value


def flag_application(application: Application) -> list[Flag]:
    """Compute the signals of one application; returns the flags it now has from this run."""
    current = Application.objects.filter(pk=application.pk).first()
    if current is None or current.status in NOT_COMPARED:
        return []
    application = current
    documents = list(application.documents.all())
    findings = [
        *_duplicate_ids(application),
        *_same_files(application, documents),
        *_similar_texts(application, documents),
        *_scans(application, documents),
    ]
    return _write(application, findings)


# ---------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class _Finding:
    kind: str
    application_id: int
    other_id: int | None
    detail: str
    score: float | None = None


def _compared[M: Model](
    queryset: QuerySet[M] | Manager[M], application: Application, *, prefix: str = ""
) -> QuerySet[M]:
    """Rows of compared applications of the same campaign (prefix: the path to the application)."""
    return queryset.filter(**{f"{prefix}campaign_id": application.campaign_id}).exclude(
        **{f"{prefix}status__in": NOT_COMPARED}
    )


def _label(slot: str) -> str:
    """The slot's name in the source language: details must not depend on the active language."""
    try:
        label = DocumentSlot(slot).label
    except ValueError:
        return slot
    with translation.override(None):
        return str(label)


def _both_ways(
    kind: str, first: int, second: int, first_detail: str, second_detail: str, score: float | None = None
) -> list[_Finding]:
    return [
        _Finding(kind, first, second, first_detail, score),
        _Finding(kind, second, first, second_detail, score),
    ]


def _slot_detail(own: str, other: str) -> str:
    return _label(own) if own == other else _slots_detail(own, other)


def _slots_detail(own: str, other: str) -> str:
    return f"本申报的{_label(own)}与相关申报的{_label(other)}"


def _duplicate_ids(application: Application) -> list[_Finding]:
    if not application.id_number_hash:
        return []
    others = (
        _compared(Application.objects, application)
        .filter(id_number_hash=application.id_number_hash)
        .exclude(pk=application.pk)
        .values_list("pk", flat=True)
    )
    return [f for other in others for f in _both_ways(FlagKind.DUPLICATE_ID, application.pk, other, "", "")]


def _same_files(application: Application, documents: list[ApplicationDocument]) -> list[_Finding]:
    own_slots: dict[str, list[str]] = defaultdict(list)
    for document in documents:
        if document.sha256:
            own_slots[document.sha256].append(document.slot)
    if not own_slots:
        return []
    others = (
        _compared(ApplicationDocument.objects, application, prefix="application__")
        .filter(sha256__in=own_slots)
        .exclude(application__applicant_id=application.applicant_id)
        .values_list("application_id", "slot", "sha256")
    )
    findings = []
    for other, other_slot, sha256 in others:
        for own_slot in own_slots[sha256]:
            findings += _both_ways(
                FlagKind.SAME_FILE,
                application.pk,
                other,
                _slot_detail(own_slot, other_slot),
                _slot_detail(other_slot, own_slot),
            )
    return findings


def _scans(application: Application, documents: list[ApplicationDocument]) -> list[_Finding]:
    return [
        _Finding(FlagKind.SCAN_LENGTH, application.pk, None, _label(document.slot))
        for document in documents
        if uploads.NEEDS_MANUAL_LENGTH_CHECK in (document.flags or [])
    ]


def _similar_texts(application: Application, documents: list[ApplicationDocument]) -> list[_Finding]:
    threshold = similarity_threshold()
    texts = [document for document in documents if document.slot in TEXT_SLOTS]
    if not texts:
        return []
    matches = _campaign_signatures(application.campaign_id, threshold).query(texts)
    # The index is keyed by document pk (see _CampaignSignatures).
    other_ids = {match.key for found in matches.values() for match in found if isinstance(match.key, int)}
    others = {
        pk: (other, slot)
        for pk, other, slot in _compared(ApplicationDocument.objects, application, prefix="application__")
        .filter(pk__in=other_ids, slot__in=TEXT_SLOTS)
        .exclude(application__applicant_id=application.applicant_id)
        .values_list("pk", "application_id", "slot")
    }
    own_slots = {document.pk: document.slot for document in texts}
    findings = []
    for pk, found in matches.items():
        for match in found:
            if match.key not in others:
                continue
            other, other_slot = others[match.key]
            findings += _both_ways(
                FlagKind.SIMILAR_TEXT,
                application.pk,
                other,
                _slots_detail(own_slots[pk], other_slot),
                _slots_detail(other_slot, own_slots[pk]),
                round(match.score, 3),
            )
    return findings


# ---------------------------------------------------------------------------
# Texts and signatures


@cache
def _has_minhash_field() -> bool:
    return any(field.name == "minhash" for field in ApplicationDocument._meta.concrete_fields)


def _stored_signature(raw: bytes | memoryview | None) -> similarity.Signature | None:
    """The signature in `ApplicationDocument.minhash`, if there is one of the current parameters."""
    if not raw:
        return None
    try:
        sig = similarity.Signature.from_bytes(bytes(raw))
    except ValueError:
        return None
    if sig.k != similarity.DEFAULT_K or sig.size != similarity.SIGNATURE_SIZE:
        return None
    return sig


def _computed_signature(pk: int, text: str) -> similarity.Signature:
    sig = similarity.signature(text)
    if _has_minhash_field():
        ApplicationDocument.objects.filter(pk=pk).update(minhash=sig.to_bytes())
    return sig


def _storable(text: str) -> str:
    """PostgreSQL text holds neither NUL nor lone surrogates, which broken PDF font maps can produce."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _extracted_text(document: ApplicationDocument) -> str:
    try:
        with document.file.open("rb") as handle:
            data = handle.read(uploads.DOCUMENT_MAX_BYTES + 1)
    except (OSError, ValueError) as error:
        logger.warning("document %s: file not readable for the similarity check: %r", document.pk, error)
        return ""
    if len(data) > uploads.DOCUMENT_MAX_BYTES:
        logger.warning("document %s: larger than any accepted upload, not read", document.pk)
        return ""
    try:
        return _storable(uploads.extract_text(data))
    except uploads.UploadRejected as error:
        logger.warning("document %s: no text extracted: %s", document.pk, error)
        return ""


def _document_signature(document: ApplicationDocument) -> similarity.Signature | None:
    """The signature of one of this application's texts, extracting and saving its text if needed."""
    if not document.text:
        text = _extracted_text(document)
        if not text:
            return None
        ApplicationDocument.objects.filter(pk=document.pk).update(text=text)
        document.text = text
    return _stored_signature(getattr(document, "minhash", None)) or _computed_signature(document.pk, document.text)


def _signatures(pks: list[int]) -> dict[int, similarity.Signature]:
    """Signatures of stored texts: from the minhash field where it holds one, else computed."""
    result: dict[int, similarity.Signature] = {}
    missing = pks
    if _has_minhash_field():
        missing = []
        for pk, raw in ApplicationDocument.objects.filter(pk__in=pks).values_list("pk", "minhash"):
            sig = _stored_signature(raw)
            if sig is None:
                missing.append(pk)
            else:
                result[pk] = sig
    for pk, text in ApplicationDocument.objects.filter(pk__in=missing).values_list("pk", "text"):
        result[pk] = _computed_signature(pk, text)
    return result


class _CampaignSignatures:
    """The signatures of one campaign's compared summaries and papers, in an LSH index.

    Kept in step with the database at every query (`_sync`). A compared text whose `text` is
    still empty (its own run has not finished, or failed) is extracted here, at most
    MAX_EXTRACTIONS_PER_RUN a run, so that two applications submitted at the same moment still
    meet; files that give no text are not tried again by this process.
    """

    def __init__(self, campaign_id: int, threshold: float):
        self.campaign_id = campaign_id
        self.index = similarity.LSHIndex(threshold=threshold)
        self.seen: set[int] = set()  # documents read: in the index, or too short to compare
        self.textless: set[int] = set()  # documents that gave no text
        self.lock = threading.Lock()

    def _add(self, pk: int, sig: similarity.Signature | None) -> None:
        if sig is None:
            self.textless.add(pk)
            return
        self.seen.add(pk)
        if sig.shingles < MIN_SHINGLES:
            self.index.remove(pk)
        elif self.index.get(pk) != sig:
            self.index.add(pk, sig)

    def _sync(self) -> None:
        rows = (
            ApplicationDocument.objects.filter(application__campaign_id=self.campaign_id, slot__in=TEXT_SLOTS)
            .exclude(application__status__in=NOT_COMPARED)
            .annotate(has_text=ExpressionWrapper(~Q(text=""), output_field=BooleanField()))
            .values_list("pk", "has_text")
        )
        with_text: set[int] = set()
        without_text: set[int] = set()
        for pk, has_text in rows:
            (with_text if has_text else without_text).add(pk)
        for pk in self.seen - with_text:
            self.index.remove(pk)
        self.seen &= with_text
        self.textless &= without_text
        for batch in batched(sorted(with_text - self.seen), _LOAD_BATCH, strict=False):
            for pk, sig in _signatures(list(batch)).items():
                self._add(pk, sig)
        pending = sorted(without_text - self.textless)[:MAX_EXTRACTIONS_PER_RUN]
        for document in ApplicationDocument.objects.filter(pk__in=pending):
            self._add(document.pk, _document_signature(document))

    def query(self, documents: list[ApplicationDocument]) -> dict[int, list[similarity.Match]]:
        """For each of an application's texts long enough to compare, the stored texts at or above
        the threshold (itself excluded)."""
        computed = {document.pk: _document_signature(document) for document in documents}  # outside the lock
        own = {pk: sig for pk, sig in computed.items() if sig is not None and sig.shingles >= MIN_SHINGLES}
        with self.lock:
            for pk, sig in computed.items():
                self._add(pk, sig)
            if not own:
                return {}
            self._sync()
            return {pk: [m for m in self.index.query(sig) if m.key != pk] for pk, sig in own.items()}


_campaigns: dict[tuple[int, float], _CampaignSignatures] = {}
_campaigns_lock = threading.Lock()


def _campaign_signatures(campaign_id: int, threshold: float) -> _CampaignSignatures:
    with _campaigns_lock:
        key = (campaign_id, threshold)
        if key not in _campaigns:
            _campaigns[key] = _CampaignSignatures(campaign_id, threshold)
        return _campaigns[key]


def clear_cache() -> None:
    """Forget the in-memory signatures (tests: ids are reused after a rollback)."""
    with _campaigns_lock:
        _campaigns.clear()


# ---------------------------------------------------------------------------
# Writing


def _write(application: Application, findings: list[_Finding]) -> list[Flag]:
    kept: set[int] = set()
    own: list[Flag] = []
    with transaction.atomic():
        # One run at a time per application. NO KEY: the flags' foreign keys to this row
        # (written by the run of another application) must not wait for it.
        lock = connection.features.has_select_for_no_key_update
        Application.objects.select_for_update(no_key=lock).filter(pk=application.pk).first()
        for finding in dict.fromkeys(findings):
            flag, created = Flag.objects.get_or_create(
                application_id=finding.application_id,
                kind=finding.kind,
                other_id=finding.other_id,
                detail=finding.detail,
                defaults={"score": finding.score},
            )
            if not created and flag.score != finding.score:
                flag.score = finding.score
                flag.save(update_fields=["score"])
            kept.add(flag.pk)
            if finding.application_id == application.pk:
                own.append(flag)
        stale = Flag.objects.filter(Q(application=application) | Q(other=application), kind__in=FlagKind.values)
        stale.exclude(pk__in=kept).delete()
    return sorted(own, key=lambda flag: (flag.kind, flag.pk))
