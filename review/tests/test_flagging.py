"""Fraud and duplicate signals (review/flagging.py) and the text extraction they rest on (uploads.extract_text)."""

import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import connection

from accounts.demo import demo_id_number
from accounts.models import Role, User
from applications import services as applying
from applications.models import Application, ApplicationDocument, Status
from applications.tests.uploadfixtures import scanned_pdf, text_pdf
from review import flagging
from review.models import Flag, FlagKind
from review.similarity import normalise, signature
from review.tests.test_similarity import chinese_text, edited
from skillcert import uploads
from skillcert.uploads import pdf as pdf_checks

PASSWORD = "Correct-horse-42"
SUMMARY = "专业技术总结（PDF）"
PAPER = "专利成果/项目报告/技术论文（PDF）"


@pytest.fixture(autouse=True)
def _fresh_signatures():
    """Ids are reused after each test's rollback: start and end with no signatures in memory."""
    flagging.clear_cache()
    yield
    flagging.clear_cache()


def person(number: int, name: str = "申报人") -> User:
    return User.objects.create_user(
        None,
        PASSWORD,
        role=Role.APPLICANT,
        full_name=f"{name}{number}",
        id_number=demo_id_number(f"15010219900101{number:03d}"),
        phone=f"139{number:08d}",
    )


def application(user: User, campaign, status: str = Status.SUBMITTED, *, id_number: str | None = None) -> Application:
    return Application.objects.create(
        campaign=campaign,
        applicant=user,
        full_name=user.full_name,
        id_number=id_number or user.id_number,
        phone=user.phone,
        status=status,
    )


def put(app: Application, slot: str, data: bytes, *, flags: tuple[str, ...] = ()) -> ApplicationDocument:
    return ApplicationDocument.objects.create(
        application=app,
        slot=slot,
        file=ContentFile(data, name=f"{slot}.pdf"),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        flags=list(flags),
    )


def flags_of(app: Application) -> set[tuple]:
    return {(f.kind, f.other_id, f.detail) for f in Flag.objects.filter(application=app)}


@pytest.fixture
def two(open_campaign):
    """Two submitted applications of two applicants in the open campaign."""
    return application(person(1), open_campaign), application(person(2), open_campaign)


TEXT = chinese_text(42, 1600)


# ---------------------------------------------------------------------------
# Same file


def test_the_same_file_of_two_applicants_flags_both_with_the_link(two):
    first, second = two
    put(first, "photo", b"the same photo bytes")
    put(second, "photo", b"the same photo bytes")
    put(second, "id_front", b"someone else's card")
    flags = flagging.flag_application(first)
    assert [(f.kind, f.other_id, f.detail, f.score) for f in flags] == [("same_file", second.pk, "白底证件照", None)]
    assert flags_of(second) == {("same_file", first.pk, "白底证件照")}


def test_the_same_file_in_another_slot_names_both_slots(two):
    first, second = two
    put(first, "diploma", b"one scan")
    put(second, "id_back", b"one scan")
    flagging.flag_application(second)
    assert flags_of(first) == {("same_file", second.pk, "本申报的学历证书与相关申报的身份证反面")}
    assert flags_of(second) == {("same_file", first.pk, "本申报的身份证反面与相关申报的学历证书")}


def test_the_same_file_within_ones_own_applications_is_not_flagged(people, open_campaign):
    applicant = people["applicant"]
    earlier = application(applicant, open_campaign, Status.WITHDRAWN)
    put(earlier, "photo", b"my photo")
    current = application(applicant, open_campaign)
    put(current, "photo", b"my photo")
    put(current, "id_front", b"my card, both sides in one scan")
    put(current, "id_back", b"my card, both sides in one scan")
    assert flagging.flag_application(current) == []
    assert not Flag.objects.exists()


# ---------------------------------------------------------------------------
# Similar texts


def test_similar_summaries_are_flagged_both_ways_with_the_score(two):
    first, second = two
    put(first, "technical_summary", text_pdf(TEXT))
    put(second, "technical_summary", text_pdf(edited(TEXT, 0.05, seed=1)))
    flags = flagging.flag_application(second)
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.kind, flag.other_id) == (FlagKind.SIMILAR_TEXT, first.pk)
    assert flag.detail == f"本申报的{SUMMARY}与相关申报的{SUMMARY}"
    assert 0.8 < flag.score <= 1.0
    mirrored = Flag.objects.get(application=first)
    assert (mirrored.kind, mirrored.other_id, mirrored.score) == ("similar_text", second.pk, flag.score)


def test_a_summary_copied_into_a_paper_is_found_across_slots(two):
    first, second = two
    put(first, "technical_summary", text_pdf(TEXT))
    put(second, "technical_summary", text_pdf(chinese_text(43, 1200)))
    put(second, "paper", text_pdf(TEXT))
    flagging.flag_application(first)
    assert flags_of(first) == {("similar_text", second.pk, f"本申报的{SUMMARY}与相关申报的{PAPER}")}
    assert flags_of(second) == {("similar_text", first.pk, f"本申报的{PAPER}与相关申报的{SUMMARY}")}
    assert Flag.objects.get(application=first).score == 1.0


def test_dissimilar_texts_are_not_flagged(two):
    first, second = two
    put(first, "technical_summary", text_pdf(TEXT))
    put(second, "technical_summary", text_pdf(chinese_text(44, 1600)))
    put(second, "paper", text_pdf(chinese_text(45, 3200)))
    assert flagging.flag_application(first) == []
    assert flagging.flag_application(second) == []


def test_the_text_is_extracted_once_and_kept(two):
    first, second = two
    summary = put(first, "technical_summary", text_pdf(TEXT))
    put(second, "technical_summary", text_pdf(TEXT))
    flagging.flag_application(first)
    summary.refresh_from_db()
    assert normalise(summary.text) == normalise(TEXT)
    summary.file.delete(save=False)  # later runs use the saved text, not the file
    flagging.clear_cache()
    [flag] = flagging.flag_application(first)  # two renderings of one text: not the same file, the same text
    assert (flag.kind, flag.other_id, flag.score) == ("similar_text", second.pk, 1.0)


def test_the_threshold_is_a_setting(two, settings):
    first, second = two
    put(first, "technical_summary", text_pdf(TEXT))
    put(second, "technical_summary", text_pdf(edited(TEXT, 0.05, seed=1)))
    settings.REVIEW_SIMILARITY_THRESHOLD = 0.97
    assert flagging.flag_application(first) == []
    settings.REVIEW_SIMILARITY_THRESHOLD = 0.5
    assert len(flagging.flag_application(first)) == 1
    for wrong in (0, 1.5, "high"):
        settings.REVIEW_SIMILARITY_THRESHOLD = wrong
        with pytest.raises(ImproperlyConfigured):
            flagging.flag_application(first)


def test_scans_and_short_texts_are_not_compared_as_texts(two):
    first, second = two
    check = uploads.NEEDS_MANUAL_LENGTH_CHECK
    put(first, "technical_summary", scanned_pdf(3, footer="第 {} 页 共 3 页 技术总结"), flags=(check,))
    put(second, "technical_summary", scanned_pdf(2, footer="第 {} 页 共 3 页 技术总结"), flags=(check,))
    put(second, "paper", text_pdf("汽车维修技术总结"))
    flagging.flag_application(first)
    assert flags_of(first) == {("scan_length", None, SUMMARY)}
    flagging.flag_application(second)
    assert flags_of(second) == {("scan_length", None, SUMMARY)}


def test_an_unreadable_file_is_skipped(two):
    first, second = two
    put(first, "technical_summary", b"%PDF-1.4 not really")
    put(second, "technical_summary", text_pdf(TEXT))
    assert flagging.flag_application(first) == []


# ---------------------------------------------------------------------------
# Who is compared


def test_withdrawn_and_draft_applications_are_not_compared(people, two, open_campaign):
    first, _second = two
    _second.delete()
    withdrawn = application(person(3), open_campaign, Status.WITHDRAWN)
    draft = application(person(4), open_campaign, Status.DRAFT)
    for other in (first, withdrawn, draft):
        put(other, "photo", b"one photo")
        put(other, "technical_summary", text_pdf(TEXT))
    assert flagging.flag_application(first) == []
    assert flagging.flag_application(draft) == []  # not yet submitted: nothing to do
    assert flagging.flag_application(withdrawn) == []
    assert not Flag.objects.exists()


def test_other_campaigns_are_not_compared(two, catalog_2023):
    first, _second = two
    elsewhere = application(person(5), catalog_2023)
    for other in (first, elsewhere):
        put(other, "photo", b"one photo")
        put(other, "technical_summary", text_pdf(TEXT))
    assert flagging.flag_application(first) == []


def test_a_withdrawal_after_flagging_removes_the_pair_at_the_next_run(two):
    first, second = two
    for app in two:
        put(app, "photo", b"one photo")
        put(app, "technical_summary", text_pdf(TEXT))
    assert len(flagging.flag_application(first)) == 2
    Application.objects.filter(pk=second.pk).update(status=Status.WITHDRAWN)
    assert flagging.flag_application(first) == []
    assert not Flag.objects.exists()


def test_a_replaced_document_clears_the_flags_on_both_sides(two):
    first, second = two
    put(first, "technical_summary", text_pdf(TEXT))
    copy = put(second, "technical_summary", text_pdf(TEXT))
    put(second, "photo", b"a photo")
    put(first, "photo", b"a photo")
    flagging.flag_application(first)
    assert Flag.objects.filter(application=second).count() == 2
    copy.delete()  # returned, and resubmitted with a summary of his own
    put(second, "technical_summary", text_pdf(chinese_text(46, 1600)))
    flagging.flag_application(second)
    assert flags_of(first) == {("same_file", second.pk, "白底证件照")}
    assert flags_of(second) == {("same_file", first.pk, "白底证件照")}


# ---------------------------------------------------------------------------
# Duplicate ID numbers


def test_applying_again_after_withdrawing_is_not_a_duplicate(people, open_campaign):
    applicant = people["applicant"]
    application(applicant, open_campaign, Status.WITHDRAWN)
    again = application(applicant, open_campaign)
    assert flagging.flag_application(again) == []


def test_two_live_applications_with_one_id_number_flag_each_other(open_campaign):
    """The database refuses this (one_application_per_person_per_campaign); the flag is the net under it."""
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute('DROP INDEX "one_application_per_person_per_campaign"')
    first = application(person(6), open_campaign)
    second = application(person(7), open_campaign, Status.CITY_APPROVED, id_number=first.id_number)
    assert second.id_number_hash == first.id_number_hash
    flags = flagging.flag_application(first)
    assert [(f.kind, f.other_id) for f in flags] == [("duplicate_id", second.pk)]
    assert flags_of(second) == {("duplicate_id", first.pk, "")}


# ---------------------------------------------------------------------------
# Running again


def test_running_again_creates_no_duplicates(two):
    first, second = two
    for app in two:
        put(app, "photo", b"one photo")
        put(app, "technical_summary", text_pdf(TEXT))
    put(first, "paper", scanned_pdf(2), flags=(uploads.NEEDS_MANUAL_LENGTH_CHECK,))
    flagging.flag_application(first)
    before = sorted(Flag.objects.values_list("pk", "application_id", "kind", "other_id", "detail", "score"))
    assert len(before) == 5
    flagging.flag_application(first)
    flagging.clear_cache()  # another worker process
    flagging.flag_application(second)
    flagging.flag_application(first)
    assert sorted(Flag.objects.values_list("pk", "application_id", "kind", "other_id", "detail", "score")) == before


def test_submitting_runs_the_flagging_after_commit(people, open_campaign, django_capture_on_commit_callbacks):
    from applications.tests.fixtures import attach_documents, fill

    submitted = []
    for user in (people["applicant"], person(8)):
        draft = applying.start_application(user, open_campaign)
        fill(draft)
        attach_documents(draft)  # the same placeholder files for everyone
        with django_capture_on_commit_callbacks(execute=True):
            submitted.append(applying.submit_application(user, draft))
    first, second = submitted
    slots = set(first.documents.values_list("slot", flat=True))
    assert {(f.kind, f.other_id) for f in Flag.objects.filter(application=first)} == {("same_file", second.pk)}
    assert Flag.objects.filter(application=first).count() == len(slots)
    assert Flag.objects.filter(application=second).count() == len(slots)


def test_the_threshold_defaults_to_0_6(settings):
    if hasattr(settings, "REVIEW_SIMILARITY_THRESHOLD"):
        del settings.REVIEW_SIMILARITY_THRESHOLD
    assert flagging.similarity_threshold() == 0.6


def test_texts_are_made_storable_in_postgresql():
    assert flagging._storable("技术\x00总结\ud800") == "技术总结?"


# ---------------------------------------------------------------------------
# Stored signatures (the proposed ApplicationDocument.minhash)


def test_a_stored_signature_is_used_and_one_of_other_parameters_is_not(two):
    first, _second = two
    document = put(first, "technical_summary", text_pdf(TEXT))
    document.text = TEXT
    document.minhash = signature(chinese_text(47, 800)).to_bytes()
    assert flagging._document_signature(document) == signature(chinese_text(47, 800))
    document.minhash = signature(TEXT, k=4).to_bytes()
    assert flagging._document_signature(document) == signature(TEXT)
    document.minhash = b"garbage"
    assert flagging._document_signature(document) == signature(TEXT)


# ---------------------------------------------------------------------------
# uploads.extract_text


def test_extract_text_returns_the_chinese_text_of_a_pdf():
    text = chinese_text(48, 3000)
    extracted = uploads.extract_text(text_pdf(text))
    assert normalise(extracted) == normalise(text)
    assert "\n" in extracted  # lines and pages are kept apart


def test_extract_text_is_bounded_by_max_characters():
    text = chinese_text(49, 3000)
    extracted = uploads.extract_text(text_pdf(text), max_characters=500)
    assert len(extracted) == 500
    assert normalise(text).startswith(normalise(extracted))
    assert uploads.extract_text(text_pdf(text), max_characters=0) == ""


def test_extract_text_is_bounded_in_time(monkeypatch):
    ticks = iter(range(0, 10_000, 3))  # three seconds a look at the clock: the deadline passes at once
    monkeypatch.setattr(pdf_checks, "_clock", lambda: next(ticks))
    assert len(uploads.extract_text(text_pdf(chinese_text(50, 6000)))) < 6000


def test_extract_text_of_a_scan_is_its_footer_only():
    assert normalise(uploads.extract_text(scanned_pdf(2, footer="第 {} 页"))) == "第页第页"


@pytest.mark.parametrize("data", [b"", b"plain text", b"%PDF-1.4 not really", b"\x89PNG\r\n\x1a\n"])
def test_extract_text_refuses_what_is_not_a_readable_pdf(data):
    with pytest.raises(uploads.UploadRejected):
        uploads.extract_text(data)
