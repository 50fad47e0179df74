"""The archive register of answer sheets (六.三): record, correct, delete, search, retention."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import client_for
from scoring import report_selectors as selectors
from scoring.models import ArchivePack
from scoring.retention import retain_until
from scoring.services import archive
from skillcert.refusals import Refused, TransitionRefused


def facts(sat, room=0, session="theory", **changes):
    values = {
        "room": sat.rooms[room],
        "session": getattr(sat, session),
        "sheet_count": 18,
        "box_number": "HH-2023-001",
        "storage_place": "市人社局档案室 3 号柜",
        "retention_years": 3,
    }
    return archive.PackFacts(**{**values, **changes})


@pytest.fixture
def pack(sat, people):
    return archive.save_pack(people["hohhot_reg"], sat.campaign, facts(sat))


def test_the_regulator_records_a_pack_kept_for_its_years(sat, people, pack):
    assert pack.city == sat.city and pack.site == sat.site and pack.archived_by == people["hohhot_reg"]
    assert pack.retain_until == retain_until(timezone.localdate(), 3)
    event = AuditEvent.objects.get(action="scoring.archive.saved")
    assert event.before is None and event.after["box_number"] == "HH-2023-001"


def test_a_correction_keeps_who_archived_it_and_is_audited_with_before_and_after(sat, people, pack):
    changed = archive.save_pack(people["hohhot_reg"], sat.campaign, facts(sat, retention_years=10), pack=pack)
    assert changed.pk == pack.pk and changed.archived_at == pack.archived_at
    assert changed.retain_until == retain_until(timezone.localdate(pack.archived_at), 10)
    event = AuditEvent.objects.filter(action="scoring.archive.saved").latest("pk")
    assert event.before["retention_years"] == 3 and event.after["retention_years"] == 10


def test_saving_the_same_facts_again_is_harmless(sat, people, pack):
    archive.save_pack(people["hohhot_reg"], sat.campaign, facts(sat), pack=pack)
    assert AuditEvent.objects.filter(action="scoring.archive.saved").count() == 1


def test_one_pack_per_room_and_session(sat, people, pack):
    with pytest.raises(TransitionRefused, match="已登记归档"):
        archive.save_pack(people["hohhot_reg"], sat.campaign, facts(sat, box_number="HH-2023-002"))
    assert ArchivePack.objects.count() == 1


def test_only_the_citys_regulator_writes_the_register(sat, people, pack):
    for who in ("association", "hohhot_co", "hohhot_expert"):
        with pytest.raises((PermissionDenied, Refused)):
            archive.save_pack(people[who], sat.campaign, facts(sat, room=1))
    with pytest.raises(PermissionDenied):
        archive.save_pack(people["baotou_reg"], sat.campaign, facts(sat, room=1))
    with pytest.raises(PermissionDenied):
        archive.delete_pack(people["baotou_reg"], pack.pk)
    assert ArchivePack.objects.count() == 1


def test_deleting_a_pack_is_audited_with_what_it_said_and_twice_is_harmless(sat, people, pack):
    archive.delete_pack(people["hohhot_reg"], pack.pk)
    archive.delete_pack(people["hohhot_reg"], pack.pk)
    assert not ArchivePack.objects.exists()
    event = AuditEvent.objects.get(action="scoring.archive.deleted")
    assert event.before["box_number"] == "HH-2023-001"


def test_the_search_finds_by_box_room_site_session_and_place(sat, people, pack):
    other = archive.save_pack(
        people["hohhot_reg"], sat.campaign, facts(sat, room=1, session="skill", box_number="HH-2023-009")
    )
    reg = people["hohhot_reg"]
    search = lambda **q: list(selectors.search_packs(reg, sat.campaign, selectors.PackFilter(**q)))  # noqa: E731
    assert search(box_number="009") == [other]
    assert search(room=sat.rooms[0].pk) == [pack]
    assert search(session=sat.skill.pk) == [other]
    assert set(search(site=sat.site.pk)) == {pack, other}
    assert len(search(storage_place="档案室")) == 2


def test_the_association_and_the_citys_regulator_read_the_register_others_do_not(sat, people, pack):
    url = reverse("scoring:archive") + f"?campaign={sat.campaign.slug}&box_number=HH"
    assert "HH-2023-001" in client_for(people["hohhot_reg"]).get(url).content.decode()
    assert "HH-2023-001" in client_for(people["association"]).get(url).content.decode()
    assert "HH-2023-001" not in client_for(people["baotou_reg"]).get(url).content.decode()
    assert client_for(people["hohhot_co"]).get(url).status_code == 403
    edit = reverse("scoring:archive_edit", args=[pack.pk])
    assert client_for(people["baotou_reg"]).get(edit).status_code == 404
    assert client_for(people["association"]).get(edit).status_code == 403


def test_the_form_saves_a_pack_and_shows_errors_in_place(sat, people):
    client = client_for(people["hohhot_reg"])
    url = reverse("scoring:archive_new") + f"?campaign={sat.campaign.slug}"
    data = {
        "campaign": sat.campaign.slug,
        "room": sat.rooms[1].pk,
        "session": sat.theory.pk,
        "sheet_count": "12",
        "box_number": "B-7",
        "storage_place": "档案室",
        "retention_years": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and not ArchivePack.objects.exists()
    response = client.post(url, {**data, "retention_years": "5"})
    assert response.status_code == 302 and ArchivePack.objects.get().box_number == "B-7"


def test_the_retention_list_shows_packs_past_and_ending_within_the_days(sat, people, pack):
    today = timezone.localdate()
    ending = archive.save_pack(people["hohhot_reg"], sat.campaign, facts(sat, room=1))
    kept = archive.save_pack(people["hohhot_reg"], sat.campaign, facts(sat, room=1, session="skill"))
    ArchivePack.objects.filter(pk=pack.pk).update(retain_until=today - timedelta(days=1))
    ArchivePack.objects.filter(pk=ending.pk).update(retain_until=today + timedelta(days=90))
    ArchivePack.objects.filter(pk=kept.pk).update(retain_until=today + timedelta(days=91))
    result = selectors.retention(people["association"], today)
    assert [p.pk for p in result.expired] == [pack.pk] and [p.pk for p in result.ending] == [ending.pk]
    assert [p.pk for p in selectors.retention(people["association"], today, days=30).ending] == []
    url = reverse("scoring:archive_retention") + f"?campaign={sat.campaign.slug}&days=120"
    page = client_for(people["hohhot_reg"]).get(url).content.decode()
    assert "已过保管期限" in page and "120 天内到期" in page


def test_a_room_of_another_campaign_is_refused(sat, people, catalog_2023):
    from catalog.models import Campaign

    other = Campaign.objects.exclude(pk=sat.campaign.pk).first()
    with pytest.raises(TransitionRefused):
        archive.save_pack(people["hohhot_reg"], other, facts(sat))
