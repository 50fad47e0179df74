"""公示: opening (scheduled → examined), objections answered, closing (passed / failed) and the
applicant's view; the working-day period across holidays."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications.models import Application, Status
from conftest import client_for
from notifications.models import Message
from scoring.models import Objection, Publicity, Score
from scoring.publicity_selectors import results_of
from scoring.services import publicity as service
from skillcert.refusals import TransitionRefused


def test_publicity_counts_working_days_across_the_national_day_holiday():
    # 2023-09-29 .. 10-06 were holidays, 10-07 (Saturday) and 10-08 (Sunday) working days.
    assert service.publicity_period(date(2023, 9, 28), 5) == date(2023, 10, 10)  # 9-28, 10-7, 10-8, 10-9, 10-10
    assert service.publicity_period(date(2023, 10, 1), 1) == date(2023, 10, 7)  # opened on a holiday
    assert service.publicity_period(date(2023, 10, 16), 5) == date(2023, 10, 20)


def test_results_cannot_be_published_before_every_sheet_is_confirmed(sat, people):
    with pytest.raises(TransitionRefused, match="未确认"):
        service.open_publicity(people["hohhot_reg"], sat.campaign, sat.city, today=sat.campaign.exam_date)
    assert not Publicity.objects.exists()


def _open(scored, people) -> Publicity:
    return service.open_publicity(people["hohhot_reg"], scored.campaign, scored.city, today=scored.campaign.exam_date)


def test_opening_publishes_the_city_and_tells_each_candidate(scored, people):
    for who in ("hohhot_co", "baotou_reg", "association"):
        with pytest.raises(PermissionDenied):
            service.open_publicity(people[who], scored.campaign, scored.city)
    publicity = _open(scored, people)
    seated = Application.objects.filter(city=scored.city, campaign=scored.campaign, ticket__isnull=False)
    assert set(seated.values_list("status", flat=True)) == {Status.EXAMINED}
    assert Message.objects.filter(kind="scoring.results_published").count() == seated.count()
    assert _open(scored, people) == publicity  # twice: the same one


def test_an_objection_is_lodged_answered_and_told_and_blocks_closing_until_then(scored, people):
    publicity = _open(scored, people)
    first = scored.seated(scored.rooms[1], scored.theory)[0]
    with pytest.raises(TransitionRefused, match="手机号码"):
        service.lodge_objection(
            publicity,
            subject=first.ticket.number,
            text="成绩与本人估分差距很大，请复查。",
            contact_name="张三",
            contact_phone="123",
        )
    objection = service.lodge_objection(
        publicity,
        subject=first.ticket.number,
        text="成绩与本人估分差距很大，请复查。",
        contact_name="张三",
        contact_phone="13900000011",
    )
    assert objection.application == first and objection.contact_phone == "13900000011"
    after = publicity.closes_on + timedelta(days=1)
    with pytest.raises(TransitionRefused, match="未答复"):
        service.close_publicity(people["hohhot_reg"], publicity, today=after)
    with pytest.raises(TransitionRefused, match="届满"):
        service.close_publicity(people["hohhot_reg"], publicity, today=publicity.closes_on)
    service.answer_objection(people["hohhot_reg"], objection, "经复查答题卡，成绩无误。")
    from scoring.tasks import objector_text, tell_objector

    assert "成绩无误" in objector_text(Objection.objects.get()) and tell_objector.call(objection.pk) == "sent"
    with pytest.raises(TransitionRefused, match="公示期已满"):
        service.lodge_objection(
            publicity,
            subject="x",
            text="迟到的异议内容内容",
            contact_name="李四",
            contact_phone="13900000012",
            today=after,
        )
    service.close_publicity(people["hohhot_reg"], publicity, today=after)
    statuses = dict(Application.objects.filter(ticket__isnull=False).values_list("pk", "status"))
    absent = scored.seated(scored.rooms[0], scored.theory)[0]  # absent in both sessions
    assert statuses[absent.pk] == Status.FAILED and statuses[first.pk] == Status.PASSED
    assert Message.objects.filter(kind="scoring.results_final").count() == len(statuses)
    told = Message.objects.get(kind="scoring.results_final", recipient=first.applicant)
    assert "合格" in told.body and "证书制发后将另行通知领取" in told.body
    assert "证书" not in Message.objects.get(kind="scoring.results_final", recipient=absent.applicant).body


def test_the_public_page_masks_names_and_ids_and_the_applicant_sees_their_scores(scored, people, client):
    publicity = _open(scored, people)
    first = scored.seated(scored.rooms[1], scored.theory)[0]
    page = client.get(reverse("scoring:publicity", kwargs={"campaign": scored.campaign.slug, "city": "hohhot"}))
    html = page.content.decode()
    assert page.status_code == 200 and first.ticket.number in html
    assert first.full_name not in html and first.id_number not in html
    assert client.get(reverse("scoring:publicity_list")).content.decode().count(publicity.city.name) >= 1
    owner = client_for(first.applicant)
    detail = owner.get(reverse("applications:detail", args=[first.pk])).content.decode()
    assert "认定成绩" in detail and "合格" in detail and "公示中" in detail


def test_a_disqualification_voids_the_results_with_the_reason(scored, people):
    from applications import lifecycle

    _open(scored, people)
    first = scored.seated(scored.rooms[1], scored.theory)[0]
    lifecycle.disqualify(people["association"], first, reason="伪造学历证书")
    assert set(Score.objects.filter(application=first).values_list("void_reason", flat=True)) == {"伪造学历证书"}
    from scoring.publicity_selectors import result_of

    assert result_of(Application.objects.get(pk=first.pk)).label == "成绩作废"


def test_the_summary_counts_passes_as_published_while_publicity_runs(scored, people):
    from scoring.report_selectors import summary_counts

    _open(scored, people)
    lines = summary_counts(scored.campaign, scored.city)
    published = [line for line in results_of(scored.campaign, scored.city) if line.result.passed]
    assert sum(line.passed for line in lines) == len(published) > 0


@pytest.mark.django_db
def test_an_address_lodging_objections_too_often_waits_and_reference_guessing_is_throttled(
    scored, people, client, settings
):
    settings.OBJECTIONS_PER_ADDRESS = 2
    settings.OBJECTION_LOOKUP_MISSES = 3
    publicity = _open(scored, people)
    first = scored.seated(scored.rooms[1], scored.theory)[0]
    url = reverse("scoring:objection_new", kwargs={"campaign": scored.campaign.slug, "city": "hohhot"})
    data = {
        "subject": first.ticket.number,
        "text": "成绩与本人估分差距很大，请复查。",
        "contact_name": "张三",
        "contact_phone": "13900000011",
    }
    for _ in range(2):
        assert client.post(url, data, REMOTE_ADDR="10.1.1.1").status_code == 302
    refused = client.post(url, data, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "提交的异议过多" in refused.content.decode()
    assert Objection.objects.filter(publicity=publicity).count() == 2  # nothing stored for the refused one
    assert client.post(url, data, REMOTE_ADDR="10.2.2.2").status_code == 302  # another address
    lookup = reverse("scoring:objection_lookup")
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert client.get(lookup, {"reference": guess}, REMOTE_ADDR="10.3.3.3").status_code == 404
    known = Objection.objects.first().reference
    assert client.get(lookup, {"reference": known}, REMOTE_ADDR="10.3.3.3").status_code == 429
    assert client.get(lookup, {"reference": known}, REMOTE_ADDR="10.4.4.4").status_code == 302
