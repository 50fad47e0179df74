"""The 考务手册 rendered in the background: 生成中 until the task has run, one render per site and
fingerprint, a render queued on commit by the changes that alter the handbook, the submission
refused while it renders, and a failed render shown with a retry.

The tests' tasks backend runs a task when it is enqueued; enqueueing happens on commit, which a
test's transaction never reaches, so each test says when the task runs (the captured on-commit
callbacks, or `render_site_handbook.call`)."""

import re
import shutil
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import client_for
from exams.handbook_tasks import refresh_handbooks, render_site_handbook
from exams.models import ExamStaff, HandbookRender, HandbookSubmission, Site, Ticket
from exams.services import arranging, handbook, handbook_files, setup
from exams.tests.fixtures import rendered_handbook
from skillcert.refusals import TransitionRefused

Render = HandbookRender.State
GENERATING = '<span class="tag">生成中</span>'


def _page(client, campaign) -> str:
    return client.get(reverse("exams:handbooks") + f"?campaign={campaign.slug}").content.decode()


def _download(site) -> str:
    return reverse("exams:handbook", args=[site.pk, "pdf"])


def _tasks(callbacks) -> list[str]:
    """The tasks the captured on-commit callbacks enqueue (skillcert.jobs.enqueue partials)."""
    return [cb.args[0].name for cb in callbacks if getattr(cb, "args", None)]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's site is pk 1 with the same data: another test's cached pair would look like this one's."""
    shutil.rmtree(handbook_files.private_storage.path(handbook_files.CACHE_DIR), ignore_errors=True)


@pytest.fixture
def renders(monkeypatch):
    """Counts the renders of the pair (the task's work), wherever they run."""
    calls = []
    original = handbook_files.render_files
    monkeypatch.setattr(handbook_files, "render_files", lambda *a, **k: calls.append(a[0].pk) or original(*a, **k))
    return calls


# --- the page before and after the task ------------------------------------------------------------


def test_the_page_says_generating_and_polls_until_the_task_has_run(
    published, people, open_campaign, renders, django_capture_on_commit_callbacks
):
    client = client_for(people["hohhot_co"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = _page(client, open_campaign)
        assert not renders  # the request itself renders nothing
    assert GENERATING in body and 'hx-trigger="every 3s"' in body
    assert re.search(r'<button type="submit" class="button" disabled>提交考务手册', body)  # nothing to submit yet
    status_url = reverse("exams:handbook_status", args=[published.pk])
    assert status_url in body and _download(published) not in body
    assert _tasks(callbacks) == [render_site_handbook.name] and renders == [published.pk]

    render = HandbookRender.objects.get()
    assert render.state == Render.READY and render.attempts == 1
    fragment = client.get(f"{status_url}?key={render.fingerprint}").content.decode()
    assert _download(published) in fragment and "every 3s" not in fragment  # the poll stops
    polled = client.get(f"{status_url}?key={render.fingerprint}", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # the page reloads, its submit button enabled
    body = _page(client, open_campaign)
    assert _download(published) in body and GENERATING not in body
    assert re.search(r'<button type="submit" class="button">提交考务手册', body)


def test_the_poll_keeps_polling_while_the_render_waits(published, people):
    status = handbook_files.current_status(published)
    url = reverse("exams:handbook_status", args=[published.pk]) + f"?key={status.fingerprint}"
    fragment = client_for(people["hohhot_reg"]).get(url).content.decode()
    assert GENERATING in fragment and 'hx-trigger="every 3s"' in fragment


def test_a_download_before_the_render_says_so_and_queues_it_once(published, people, django_capture_on_commit_callbacks):
    client = client_for(people["hohhot_reg"])
    with django_capture_on_commit_callbacks() as first:
        response = client.get(_download(published))
    assert response.status_code == 202 and response["Retry-After"] == "5"
    assert "考务手册正在生成，请稍候" in response.content.decode()
    assert not AuditEvent.objects.filter(action="exams.handbook.downloaded").exists()  # nothing served
    with django_capture_on_commit_callbacks() as second:
        assert client.get(_download(published)).status_code == 202
    assert _tasks(first) == [render_site_handbook.name] and _tasks(second) == []
    assert HandbookRender.objects.get().state == Render.QUEUED

    render_site_handbook.call(published.pk, HandbookRender.objects.get().fingerprint)
    response = client.get(_download(published))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_on_the_database_backend_the_page_leaves_one_task_for_the_worker(
    published, people, open_campaign, settings, django_capture_on_commit_callbacks
):
    """The run-time backend: the task waits in the queue with ids; the worker's run renders."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    client = client_for(people["hohhot_co"])
    with django_capture_on_commit_callbacks(execute=True):
        _page(client, open_campaign)
        _page(client, open_campaign)
    queued = DBTaskResult.objects.get()
    key = HandbookRender.objects.get().fingerprint
    assert queued.task_path == "exams.handbook_tasks.render_site_handbook"
    assert queued.args_kwargs["args"] == [published.pk, key]
    assert GENERATING in _page(client, open_campaign)
    assert render_site_handbook.call(*queued.args_kwargs["args"]) == "ready"  # what the worker runs
    assert _download(published) in _page(client, open_campaign)


# --- one render per site and fingerprint -----------------------------------------------------------


def test_asking_twice_queues_one_render_and_a_second_run_renders_nothing(
    published, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = handbook_files.current_status(published)
        second = handbook_files.current_status(published)
    assert first.fingerprint == second.fingerprint and first.pending and second.pending
    assert _tasks(callbacks) == [render_site_handbook.name] and HandbookRender.objects.count() == 1
    assert render_site_handbook.call(published.pk, first.fingerprint) == "ready"
    assert render_site_handbook.call(published.pk, first.fingerprint) == "skipped"  # a duplicate run
    assert renders == [published.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_five_pages_at_once_queue_and_render_once(published, renders):
    # The fixture's changes committed, so their renders ran; change the data behind the hooks' back.
    Site.objects.filter(pk=published.pk).update(address="新华大街 9 号")
    renders.clear()
    barrier = threading.Barrier(5)
    errors = []

    def ask():
        try:
            barrier.wait(timeout=10)
            handbook_files.current_status(Site.objects.get(pk=published.pk))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads) and not errors
    current = handbook_files.current_status(Site.objects.get(pk=published.pk))
    assert renders == [published.pk] and current.ready
    assert HandbookRender.objects.filter(site=published, fingerprint=current.fingerprint).count() == 1


def test_data_that_moved_on_before_the_task_ran_is_rendered_once_as_it_is_now(published, people, renders):
    old = handbook_files.current_status(published)
    published.contact_name = "周主任"
    setup.save_site(people["hohhot_co"], published)
    assert render_site_handbook.call(published.pk, old.fingerprint) == "superseded" and not renders
    assert not HandbookRender.objects.filter(fingerprint=old.fingerprint).exists()
    new = HandbookRender.objects.get()
    assert new.state == Render.QUEUED and new.fingerprint != old.fingerprint
    assert render_site_handbook.call(published.pk, new.fingerprint) == "ready" and renders == [published.pk]


def test_lost_files_are_rendered_again(published):
    files = rendered_handbook(published)
    handbook_files.private_storage.delete(files.pdf)
    assert handbook_files.current_status(published).pending
    assert HandbookRender.objects.get().state == Render.QUEUED
    assert rendered_handbook(published).pdf == files.pdf


# --- a change queues the render on commit ----------------------------------------------------------


def _move_a_seat(people, campaign, city, rooms):
    ticket = Ticket.objects.filter(application__seats__room=rooms[0]).first()
    arranging.move_seat(
        people["hohhot_co"],
        campaign,
        city,
        ticket.application,
        room=rooms[1],
        row=4,
        column=5,
        version=None,
        confirm=True,
    )


def _assign_staff(people, campaign, city, rooms):
    staff = setup.save_staff(
        people["hohhot_co"], ExamStaff(campaign=campaign, city=city, name="钱监考", work_unit="呼和浩特市第三中学")
    )
    setup.assign_staff(people["hohhot_co"], staff, room=rooms[1], session=campaign.sessions.first())


def _rename_room(people, campaign, city, rooms):
    rooms[1].building = "实训楼"
    setup.save_room(people["hohhot_co"], rooms[1])


@pytest.mark.parametrize("change", [_move_a_seat, _assign_staff, _rename_room])
def test_a_change_to_the_handbook_queues_its_render_on_commit(
    change, published, people, open_campaign, hohhot, rooms, renders, django_capture_on_commit_callbacks
):
    before = rendered_handbook(published)
    renders.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        change(people, open_campaign, hohhot, rooms)
    assert refresh_handbooks.name in _tasks(callbacks) and not renders  # queued, not rendered in the request
    for callback in callbacks:  # the commit: the refresh reads the fingerprints and queues the render
        with django_capture_on_commit_callbacks(execute=True):
            callback()
    current = handbook_files.current_status(published)
    assert current.ready and current.fingerprint != before.fingerprint and renders == [published.pk]


def test_the_refresh_queues_nothing_when_the_pair_is_current(published, renders, django_capture_on_commit_callbacks):
    rendered_handbook(published)
    renders.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        assert refresh_handbooks.call(published.campaign_id, published.city_id) == 0
    assert _tasks(callbacks) == [] and not renders


# --- submission --------------------------------------------------------------------------------------


def test_submitting_while_the_handbook_renders_is_refused(published, people, open_campaign):
    co = people["hohhot_co"]
    with pytest.raises(TransitionRefused, match="请稍候，手册正在生成"):
        handbook.submit(co, published)
    assert not HandbookSubmission.objects.exists() and HandbookRender.objects.get().state == Render.QUEUED

    client = client_for(co)
    response = client.post(reverse("exams:handbook_submit", args=[published.pk]), follow=True)
    assert "请稍候，手册正在生成" in response.content.decode() and not HandbookSubmission.objects.exists()

    rendered_handbook(published)
    submission, new = handbook.submit(co, published)
    assert new and handbook.submit(co, published) == (submission, False)  # no change, no new snapshot


# --- a failed render -----------------------------------------------------------------------------------


def test_a_failed_render_is_logged_and_offers_a_retry(
    published, people, open_campaign, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the font is missing")

    monkeypatch.setattr(handbook_files, "render_handbook", broken)
    status = handbook_files.current_status(published)
    assert render_site_handbook.call(published.pk, status.fingerprint) == "failed"
    assert "failed to render" in caplog.text and "the font is missing" in caplog.text
    render = HandbookRender.objects.get()
    assert render.state == Render.FAILED and "RuntimeError" in render.error

    client = client_for(people["hohhot_co"])
    body = _page(client, open_campaign)
    assert "生成失败" in body and reverse("exams:handbook_render", args=[published.pk]) in body
    assert "every 3s" not in body
    response = client.get(_download(published))
    assert response.status_code == 409 and "生成失败" in response.content.decode()
    with pytest.raises(TransitionRefused, match="生成失败"):
        handbook.submit(people["hohhot_co"], published)

    monkeypatch.undo()  # the cause is fixed: the retry renders
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("exams:handbook_render", args=[published.pk]), follow=True)
    assert "已重新开始生成考务手册" in response.content.decode()
    assert _tasks(callbacks) == [render_site_handbook.name]
    render.refresh_from_db()
    assert render.state == Render.READY and render.attempts == 2 and render.error == ""
    assert _download(published) in _page(client, open_campaign)


def test_a_retry_of_a_render_on_its_way_queues_nothing(published, people, django_capture_on_commit_callbacks):
    handbook_files.current_status(published)
    with django_capture_on_commit_callbacks() as callbacks:
        assert handbook_files.retry(published) is False
    assert _tasks(callbacks) == []


def test_a_render_stuck_without_a_worker_offers_a_retry(
    published, people, open_campaign, django_capture_on_commit_callbacks
):
    handbook_files.current_status(published)
    HandbookRender.objects.update(requested_at=timezone.now() - timedelta(minutes=11))
    body = _page(client_for(people["hohhot_co"]), open_campaign)
    assert "后台任务可能没有运行" in body and "重新生成" in body and "every 3s" not in body
    with django_capture_on_commit_callbacks() as callbacks:
        assert handbook_files.retry(published) is True
    assert _tasks(callbacks) == [render_site_handbook.name]
    assert HandbookRender.objects.get().state == Render.QUEUED


@pytest.mark.parametrize("who", ["baotou_co", "hohhot_expert", "applicant"])
def test_strangers_cannot_poll_or_retry(published, people, who):
    client = client_for(people[who])
    status = client.get(reverse("exams:handbook_status", args=[published.pk]))
    retry = client.post(reverse("exams:handbook_render", args=[published.pk]))
    assert status.status_code in (403, 404) and retry.status_code in (403, 404)
    assert not HandbookRender.objects.exists()


def test_the_retry_button_answers_the_fragment_under_htmx(published, people, monkeypatch):
    monkeypatch.setattr(handbook_files, "render_handbook", lambda *a, **k: 1 / 0)
    render_site_handbook.call(published.pk, handbook_files.current_status(published).fingerprint)
    response = client_for(people["association"]).post(
        reverse("exams:handbook_render", args=[published.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith(f'<div id="handbook-files-{published.pk}"')
    assert GENERATING in body and 'hx-trigger="every 3s"' in body  # queued again, polling
    assert HandbookRender.objects.get().state == Render.QUEUED


def test_a_render_that_finishes_after_the_data_moved_on_leaves_the_newer_pair(published, people, monkeypatch):
    old = handbook_files.current_status(published)
    original = handbook_files.render_handbook

    def change_meanwhile(*args, **kwargs):  # another worker's render of newer data ends first
        pdf = original(*args, **kwargs)
        monkeypatch.setattr(handbook_files, "render_handbook", original)
        published.contact_name = "吴主任"
        setup.save_site(people["hohhot_co"], published)
        rendered_handbook(published)
        return pdf

    monkeypatch.setattr(handbook_files, "render_handbook", change_meanwhile)
    assert render_site_handbook.call(published.pk, old.fingerprint) == "ready"
    current = handbook_files.current_status(published)
    assert current.ready and current.fingerprint != old.fingerprint  # not dropped by the older render
    assert HandbookRender.objects.filter(state=Render.READY).count() == 2
