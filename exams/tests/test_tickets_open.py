"""The tickets-open message: on the day downloads open, each ticket holder is told once."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from applications import lifecycle
from catalog.models import Campaign
from exams.models import Ticket
from exams.services import arranging, publishing
from notifications.models import Message
from skillcert import periodic

KIND = "exams.tickets_open"


def _opens_in(campaign, days: int):
    """Move the campaign's download date (test setup writes it directly); the campaign as stored."""
    Campaign.objects.filter(pk=campaign.pk).update(tickets_open=timezone.localdate() + timedelta(days=days))
    return Campaign.objects.get(pk=campaign.pk)


def _publish(people, campaign, city) -> None:
    arranging.apply_seating(people["hohhot_co"], campaign, city, seed=1, spacing="none", version=0)
    publishing.publish(people["hohhot_co"], campaign, city)


@pytest.fixture
def opens_later(people, open_campaign, hohhot, candidates):
    """Published three days before the download date: the publication message names the date."""
    campaign = _opens_in(open_campaign, 3)
    _publish(people, campaign, hohhot)
    return campaign


def test_holders_are_told_on_the_day_downloads_open_and_only_once(opens_later):
    opening = opens_later.tickets_open
    assert publishing.tell_tickets_open(opening - timedelta(days=1)) == 0  # not yet
    assert publishing.tell_tickets_open(opening) == 30
    assert publishing.tell_tickets_open(opening) == 0  # a rerun sends nothing twice
    assert publishing.tell_tickets_open(opening + timedelta(days=1)) == 0  # nor the next day
    messages = Message.objects.filter(kind=KIND)
    assert messages.count() == 30 and messages.values("recipient").distinct().count() == 30
    ticket = Ticket.objects.select_related("application__applicant").first()
    body = messages.get(recipient=ticket.application.applicant).body
    assert f"自 {opening:%Y年%-m月%-d日} 起开放下载" in body and ticket.number in body
    assert not Ticket.objects.filter(opening_told_at__isnull=True).exists()


def test_the_publication_message_named_the_date_and_the_opening_message_follows(opens_later):
    published = Message.objects.filter(kind="exams.ticket_published").first()
    assert f"准考证可于 {opens_later.tickets_open:%Y年%-m月%-d日} 起下载打印" in published.body
    assert Ticket.objects.filter(opening_told_at__isnull=True).count() == 30


def test_a_job_that_missed_the_day_tells_them_the_day_after(opens_later):
    assert publishing.tell_tickets_open(opens_later.tickets_open + timedelta(days=1)) == 30


def test_a_publication_after_the_opening_day_sends_no_second_message(people, open_campaign, hohhot, candidates):
    campaign = _opens_in(open_campaign, -1)
    _publish(people, campaign, hohhot)
    assert "请登录下载打印准考证" in Message.objects.filter(kind="exams.ticket_published").first().body
    assert publishing.tell_tickets_open(timezone.localdate()) == 0
    assert not Message.objects.filter(kind=KIND).exists()


def test_a_candidate_who_left_is_not_told(people, opens_later, candidates):
    lifecycle.withdraw_after_approval(people["hohhot_co"], candidates[0], reason="个人原因")
    assert publishing.tell_tickets_open(opens_later.tickets_open) == 29
    assert not Message.objects.filter(kind=KIND, recipient=candidates[0].applicant).exists()


def test_after_the_exam_nobody_is_told(opens_later):
    assert publishing.tell_tickets_open(opens_later.exam_date + timedelta(days=1)) == 0


def test_a_big_campaign_is_told_in_batches_each_once(opens_later, monkeypatch):
    monkeypatch.setattr(publishing, "OPENING_BATCH", 7)
    assert publishing.tell_tickets_open(opens_later.tickets_open) == 30
    assert Message.objects.filter(kind=KIND).values("recipient").distinct().count() == 30


def test_the_tickets_open_message_is_a_registered_daily_job():
    job = periodic.get("exams.tickets_open")
    assert job.time_of_day() == time(8, 0) and job.task.name == "tell_tickets_open"
