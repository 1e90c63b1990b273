"""The data pages: upload → mapping → preview → commit (a task) → results; quarantine; access."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.models import Fact, ImportBatch, OwnerAlias, QuarantinedRow, Source
from kpilib.ingest.services import batches_fail_stale
from tests.factories import make_user
from tests.ingest.conftest import Team, connector_file


@pytest.fixture
def hr(team: Team) -> Client:
    client = Client()
    client.force_login(team.hr)
    return client


def _upload(client: Client, name: str, data: bytes, **fields: str):
    return client.post(
        "/ingest/", {"file": SimpleUploadedFile(name, data), **fields}, HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.mark.parametrize(
    "route",
    ["/ingest/", "/ingest/quarantine/"],
)
def test_only_hr_reaches_the_data_pages(team: Team, route: str) -> None:
    # given an engineer and a visitor
    engineer = Client()
    engineer.force_login(make_user("someone"))
    # when they open a data page
    # then the engineer is forbidden and the visitor sent to sign in
    assert engineer.get(route).status_code == 403
    assert Client().get(route).status_code == 302


def test_hr_uploads_maps_previews_and_commits_a_zoho_export(
    hr: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    # given HR uploads the GBK Zoho deals export to a new Zoho source
    response = _upload(
        hr,
        "deals.csv",
        connector_file("zoho_deals_gbk.csv"),
        new_source="zoho",
        new_kind="zoho_deals",
    )
    batch = ImportBatch.objects.get()
    assert response.url == f"/ingest/batches/{batch.pk}/mapping/"
    # when they accept the proposed mapping
    mapping = hr.get(response.url)
    chosen = dict(
        re.findall(
            r'name="(slot_\d+)"[^>]*>.*?<option value="([^"]*)"[^>]*selected',
            mapping.content.decode(),
            re.S,
        )
    )
    preview_url = hr.post(response.url, chosen).url
    preview = hr.get(preview_url).content.decode()
    # then the preview explains each broken row and counts what would change
    assert "unknown owner 张三 (zhangsan@example.com)" in preview
    assert "2025/13/01" in preview
    assert not Fact.objects.exists()
    # when they import the good rows and keep the rest in quarantine
    with django_capture_on_commit_callbacks(execute=True):
        done = hr.post(preview_url, {"mode": "partial"})
    # then the batch ran on the task backend and its page shows the counts
    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.quarantined) == ("committed", 3, 3)
    assert batch.task_id
    page = hr.get(done.url).content.decode()
    assert "Fix the 3 quarantined rows" in page
    assert Source.objects.get(name="zoho").column_mapping["Deal Owner"] == "Deal Owner"


def test_quarantined_rows_are_fixed_and_resubmitted_from_the_page(hr: Client, team: Team) -> None:
    # given quarantined Zoho rows
    from kpilib.ingest.services import facts_import

    Source.objects.create(name="zoho", kind="zoho_deals")
    facts_import(
        actor=team.hr,
        origin=Origin.WEB,
        data=connector_file("zoho_deals_gbk.csv"),
        file_name="deals.csv",
        source="zoho",
        partial=True,
    )
    rows = {row.line: row for row in QuarantinedRow.objects.all()}
    # when HR maps 张三 to 王芳, fixes the two dates and re-submits all three
    hr.post("/ingest/sources/zoho/", {"alias": "张三", "employee_number": "E1003"})
    response = hr.post(
        "/ingest/quarantine/",
        {
            "row": [str(row.pk) for row in rows.values()],
            "action": "resubmit",
            f"r{rows[6].pk}-occurred_on": "2025-01-13",
            f"r{rows[8].pk}-occurred_on": "2025-03-30",
        },
    )
    # then all three are facts now and nothing waits
    assert response.status_code == 302
    assert OwnerAlias.objects.get().employee == team.wang
    assert Fact.objects.count() == 6
    assert not QuarantinedRow.objects.filter(status="open").exists()
    assert Fact.objects.get(external_id="zcrm_4876876000000123006").employee == team.wang


def test_progress_fragment_polls_until_the_batch_finishes(hr: Client, team: Team) -> None:
    # given a running batch and a committed one
    source = Source.objects.create(name="manual")
    running = ImportBatch.objects.create(source=source, channel="file", status="running")
    committed = ImportBatch.objects.create(source=source, channel="file", status="committed")
    # when their progress fragments are fetched
    polling = hr.get(f"/ingest/batches/{running.pk}/progress/")
    finished = hr.get(f"/ingest/batches/{committed.pk}/progress/")
    # then the running one keeps polling and the finished one reloads the page
    assert 'hx-trigger="every 1s"' in polling.content.decode()
    assert finished["HX-Refresh"] == "true"


def test_a_batch_whose_worker_went_quiet_is_marked_failed_and_can_be_retried(
    hr: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    # given an uploaded, committed batch that a worker started and then stopped answering
    _upload(
        hr, "f.csv", b"employee_id,metric,occurred_on\nE1001,complaint,2025-03-01\n", new_source="m"
    )
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running")
    # when stale batches are looked for
    marked = batches_fail_stale(actor=SYSTEM, origin=Origin.TASK, older_than=timedelta(0))
    # then it is failed, with nothing written, and a retry imports it
    batch.refresh_from_db()
    assert (marked, batch.status, Fact.objects.count()) == (1, "failed", 0)
    assert "Retry" in hr.get(f"/ingest/batches/{batch.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(f"/ingest/batches/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert (batch.status, Fact.objects.count()) == ("committed", 1)


def test_source_page_lists_connector_columns_and_webhook(hr: Client, team: Team) -> None:
    # given a Salesforce source with a webhook secret
    Source.objects.create(name="sf", kind="salesforce_opportunity", webhook_secret="x")
    # when its page is opened
    page = hr.get("/ingest/sources/sf/").content.decode()
    # then it shows the vendor columns and the webhook address
    assert "IsWon" in page
    assert "/api/webhooks/sf" in page


@pytest.mark.parametrize(
    "route",
    [
        "/admin/ingest/source/add/",
        "/admin/ingest/owneralias/",
        "/admin/ingest/apitoken/",
        "/admin/ingest/importbatch/",
        "/admin/ingest/fact/",
        "/admin/ingest/quarantinedrow/",
    ],
)
def test_hr_reads_the_ingestion_admin_pages(hr: Client, route: str) -> None:
    # when HR opens an administration page of the ingestion
    response = hr.get(route)
    # then it answers
    assert response.status_code == 200


def test_a_source_created_in_the_admin_is_audited(hr: Client) -> None:
    # when HR adds a Jira source in the administration
    hr.post("/admin/ingest/source/add/", {"name": "jira", "kind": "jira", "column_mapping": "{}"})
    # then it exists with its connector, and the creation is in the trail
    assert Source.objects.get(name="jira").kind == "jira"
    assert AuditEvent.objects.filter(object_type="ingest.source", action="create").exists()


def test_the_preview_is_read_on_the_worker_never_in_the_request(
    hr: Client, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a worker that has not run yet (the queued previews are only recorded)
    from kpilib.ingest import selectors, tasks
    from kpilib.ingest.previews import preview_key

    queued: list[tuple[int, str, str]] = []
    monkeypatch.setattr(
        tasks,
        "enqueue_preview",
        lambda batch, language: queued.append((batch.pk, preview_key(batch), language)),
    )
    # when HR uploads the Zoho export and accepts the proposed mapping
    response = _upload(
        hr,
        "deals.csv",
        connector_file("zoho_deals_gbk.csv"),
        new_source="zoho",
        new_kind="zoho_deals",
    )
    mapping = hr.get(response.url).content.decode()
    chosen = dict(
        re.findall(r'name="(slot_\d+)"[^>]*>.*?<option value="([^"]*)"[^>]*selected', mapping, re.S)
    )
    preview_url = hr.post(response.url, chosen).url
    # then the preview page reads no file: it says the check runs and polls for it
    real_preview = selectors.batch_preview
    monkeypatch.setattr(
        selectors, "batch_preview", lambda batch: pytest.fail("read in the request")
    )
    waiting = hr.get(preview_url).content.decode()
    assert 'id="preview-waiting"' in waiting
    assert f'hx-get="{preview_url}"' in waiting
    assert "unknown owner" not in waiting
    # when the worker runs the preview queued by the mapping (the last one queued)
    monkeypatch.setattr(selectors, "batch_preview", real_preview)
    batch_id, key, language = queued[-1]
    assert (batch_id, language) == (ImportBatch.objects.get().pk, "en")
    tasks.batch_preview_task.call(batch_id, key, language)
    # then the page shows it: the broken rows explained, nothing imported
    ready = hr.get(preview_url).content.decode()
    assert "unknown owner 张三 (zhangsan@example.com)" in ready
    assert 'id="preview-waiting"' not in ready
    assert not Fact.objects.exists()
    # when the file is to be read in another encoding, the old reading is not shown as current
    hr.post(f"/ingest/batches/{batch_id}/encoding/", {"encoding": "latin-1"})
    assert ImportBatch.objects.get().encoding == "latin-1"
    assert 'id="preview-waiting"' in hr.get(preview_url).content.decode()
    # and a task queued for the old reading does nothing once a newer one is queued
    assert tasks.batch_preview_task.call(batch_id, key, language) == {}


def test_an_unreadable_file_for_a_new_source_leaves_no_source(hr: Client, team: Team) -> None:
    # given HR uploads a file that cannot be read, naming a new source for it
    before = AuditEvent.objects.count()
    response = _upload(hr, "broken.xlsx", b"this is not a workbook", new_source="crm")
    # then the upload is refused with the reason, and neither the source nor a batch exists
    assert response.status_code == 200
    assert "broken.xlsx" in response.content.decode()
    assert not Source.objects.filter(name="crm").exists()
    assert not ImportBatch.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_readable_file_for_a_new_source_creates_both_in_one_action(hr: Client, team: Team) -> None:
    # given HR uploads a facts file naming a new source
    response = _upload(
        hr, "f.csv", b"employee_id,metric,occurred_on\nE1001,complaint,2025-03-01\n", new_source="crm"
    )
    # then the source and its draft batch exist, both audited as HR's web action
    batch = ImportBatch.objects.get()
    assert response.url == f"/ingest/batches/{batch.pk}/mapping/"
    assert batch.source.name == "crm"
    events = AuditEvent.objects.filter(object_type__in=["ingest.source", "ingest.importbatch"])
    assert {(e.object_type, e.actor_id, e.origin) for e in events} == {
        ("ingest.source", team.hr.pk, Origin.WEB),
        ("ingest.importbatch", team.hr.pk, Origin.WEB),
    }
