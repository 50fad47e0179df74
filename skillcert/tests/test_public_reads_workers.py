"""Two web workers on one host: an association edit shows at once in both, held in memory or not.

Each worker is its own gunicorn (one process each, so the test knows which one answers) on
the same database, public cache folder and version file, as the workers of one server are.
"""

from pathlib import Path

from bench.servers import manage, project_env, read, serve, stop

NEW_PHONE = "0471-1234567"
EDIT = (
    "from catalog.models import Organisation; "
    "o = Organisation.objects.filter(kind='co_organizer').order_by('pk').first(); "
    f"o.office_phone = '{NEW_PHONE}'; o.save()"
)


def test_an_edit_reaches_every_worker_at_once(tmp_path: Path):
    env = project_env(tmp_path)
    manage(env, ["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"], ["load_notice_2023"])
    workers = [serve("skillcert.wsgi:application", env, workers=1, threads=2, ready="/healthz") for _ in range(2)]
    try:
        for _, base in workers:
            for _ in range(3):  # the second and third read come from the worker's memory
                assert NEW_PHONE not in read(base + "/directory/")
                assert NEW_PHONE not in read(base + "/api/v1/cities")
        manage(env, ["shell", "-c", EDIT])  # the association's edit, in a third process
        for _, base in workers:
            assert NEW_PHONE in read(base + "/directory/")
            assert NEW_PHONE in read(base + "/api/v1/cities")
    finally:
        stop(*(server for server, _ in workers))
