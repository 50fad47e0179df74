"""办理记录 folding (applications.timeline, pure)."""

from datetime import datetime, timedelta

from applications.timeline import Event, grouped

T0 = datetime(2026, 12, 1, 9, 0)
LABELS = {
    "applications.started": "开始填写",
    "applications.draft_saved": "保存草稿",
    "applications.document_uploaded": "上传材料",
    "applications.submitted": "提交申报",
    "review.city.returned": "初审退回修改",
    "applications.resubmitted": "修改后重新提交",
}
SLOTS = {"photo": "白底证件照", "id_front": "身份证正面"}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_routine_events_between_milestones_fold_into_one_line_per_kind():
    events = [
        Event(at(0), "applications.started", "王**"),
        *(Event(at(i), "applications.draft_saved", "王**") for i in range(1, 13)),
        Event(at(13), "applications.document_uploaded", "王**", {"slot": "photo"}),
        Event(at(14), "applications.document_uploaded", "王**", {"slot": "photo"}),
        Event(at(15), "applications.document_uploaded", "王**", {"slot": "id_front"}),
        Event(at(20), "applications.submitted", "王**"),
        Event(at(30), "review.city.returned", "hohhot-co"),
        Event(at(40), "applications.document_uploaded", "王**", {"slot": "photo"}),
        Event(at(41), "applications.resubmitted", "王**"),
    ]
    lines = grouped(events, labels=LABELS, slots=SLOTS)
    assert [(line.label, line.count) for line in lines] == [
        ("开始填写", 1),
        ("保存草稿", 12),
        ("上传材料", 3),
        ("提交申报", 1),
        ("初审退回修改", 1),
        ("上传材料", 1),
        ("修改后重新提交", 1),
    ]
    saves, uploads = lines[1], lines[2]
    assert (saves.first_at, saves.at) == (at(1), at(12))
    assert uploads.details == ["白底证件照 ×2", "身份证正面"] and uploads.at == at(15)
    assert lines[5].first_at is None and lines[5].details == ["白底证件照"]


def test_events_are_read_in_time_order_and_unknown_actions_show_their_name():
    lines = grouped([Event(at(5), "x.unknown"), Event(at(1), "applications.started")], labels=LABELS, slots=SLOTS)
    assert [line.label for line in lines] == ["开始填写", "x.unknown"]


def test_an_upload_without_a_slot_is_still_counted():
    (line,) = grouped([Event(at(1), "applications.document_uploaded", "", None)], labels=LABELS, slots=SLOTS)
    assert line.count == 1 and line.details == ["?"]
