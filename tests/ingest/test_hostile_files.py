"""Hostile files (issue 12, item 13): impossible dates, deep JSON, long lines, wide files,
big uploads. Each gives a clean error that names the file, line, field or the limit."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.ingest.models import ImportBatch
from tests.ingest.conftest import Team


@pytest.fixture
def hr(team: Team) -> Client:
    client = Client()
    client.force_login(team.hr)
    return client


def _upload(client: Client, name: str, data: bytes, language: str = "en"):
    return client.post(
        "/ingest/",
        {"file": SimpleUploadedFile(name, data), "new_source": "manual"},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def xlsx_with_dates(days: list[str]) -> bytes:
    """A workbook whose date cells are stored as ISO text (`t="d"`), as some tools write
    them, with `days` written verbatim, so a day that does not exist reaches the reader."""
    workbook = Workbook()
    workbook.iso_dates = True
    sheet = workbook.active
    sheet.append(["employee_id", "metric", "occurred_on", "value"])
    for index, _ in enumerate(days):
        sheet.append([f"E100{index + 1}", "complaint", datetime.datetime(2026, 1, index + 1), 1])
    written = io.BytesIO()
    workbook.save(written)
    source = zipfile.ZipFile(io.BytesIO(written.getvalue()))
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for index, day in enumerate(days):
                    text = text.replace(f"2026-01-0{index + 1}T00:00:00", day)
                content = text.encode()
            archive.writestr(item, content)
    return hostile.getvalue()


@pytest.mark.parametrize("day", ["2026-02-30", "0000-00-00"])
def test_an_impossible_date_in_a_workbook_is_refused_naming_line_and_field(
    hr: Client, team: Team, day: str
) -> None:
    # given a workbook whose second record has a day that does not exist
    data = xlsx_with_dates(["2026-02-02", day])
    # when HR uploads it
    response = _upload(hr, "facts.xlsx", data)
    # then the page answers with the file, line 3, the field and the reason; nothing is kept
    assert response.status_code == 200
    page = response.content.decode()
    assert f"facts.xlsx:3: occurred_on: not a real date: &#x27;{day}&#x27;" in page
    assert not ImportBatch.objects.exists()


def test_an_impossible_date_in_a_kept_workbook_shows_on_the_preview(hr: Client, team: Team) -> None:
    # given a draft batch whose kept file has an impossible date (kept before the check)
    from kpilib.ingest.intake import _keep_file
    from kpilib.ingest.models import Source

    batch = ImportBatch(source=Source.objects.create(name="manual"), file_name="f.xlsx")
    from kpilib.ingest.tasks import enqueue_preview

    _keep_file(batch, xlsx_with_dates(["2026-02-30"]))
    batch.save()
    enqueue_preview(batch, "zh-hans")  # the worker reads it (immediate in tests)
    # when HR opens its mapping and preview pages
    mapping = hr.get(f"/ingest/batches/{batch.pk}/mapping/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    preview = hr.get(f"/ingest/batches/{batch.pk}/preview/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    # then both answer, the preview listing line 2 and the reason in Chinese
    assert mapping.status_code in (200, 400)
    assert preview.status_code == 200
    assert "不是真实存在的日期" in preview.content.decode()


def deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_json_nested_50000_deep_is_refused_naming_the_depth_limit(hr: Client, team: Team) -> None:
    # given a JSON file nested 50,000 deep
    # when HR uploads it
    response = _upload(hr, "facts.json", deep_json(50_000))
    # then the page says which limit it broke
    assert response.status_code == 200
    assert "JSON nested deeper than the limit of 20 levels" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_kpilib_score_refuses_deep_json_with_exit_2(tmp_path) -> None:
    # given a facts file nested 50,000 deep
    facts = tmp_path / "facts.json"
    facts.write_bytes(deep_json(50_000))
    # when it is scored offline
    result = CliRunner().invoke(app, ["score", "--facts", str(facts), "--period", "2026-Q3"])
    # then one clean line naming the limit, exit 2, no traceback
    assert result.exit_code == 2
    assert "JSON nested deeper than the limit of 20 levels" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_upload_over_the_size_limit_is_refused_naming_the_limit(
    hr: Client, team: Team, settings
) -> None:
    # given an upload limit of 1 MB and a 3 MB facts file
    settings.KPILIB_MAX_UPLOAD_BYTES = 1024 * 1024
    data = b"employee_id,metric,occurred_on\n" + b"E1001,complaint,2026-02-02\n" * 120_000
    # when HR uploads it, and an employee file of the same size
    facts = _upload(hr, "facts.csv", data)
    people = hr.post(
        "/people/import/",
        {"file": SimpleUploadedFile("people.csv", data)},
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )
    # then both forms refuse it, naming the limit and its setting; nothing is kept
    assert "larger than the upload limit of 1 MB (KPILIB_MAX_UPLOAD_MB)" in facts.content.decode()
    assert "超过上传上限 1 MB（KPILIB_MAX_UPLOAD_MB）" in people.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_employee_file_that_is_one_10_mb_line_is_refused_naming_the_line_limit(
    hr: Client, team: Team
) -> None:
    # given an employee file that is one 10 MB line with no newline
    data = b"employee_id,name," + b"x" * 10_000_000
    # when HR imports it
    response = hr.post(
        "/people/import/",
        {"file": SimpleUploadedFile("people.csv", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then the page names the line and the limit at once
    assert response.status_code == 400
    assert "the line is longer than the limit of 1,048,576 bytes" in response.content.decode()


def test_a_fact_file_with_too_many_columns_is_refused_naming_the_column_limit(
    hr: Client, team: Team
) -> None:
    # given a fact file with 5,000 columns (a million would pass the line limit first)
    header = ",".join(["employee_id", "metric", "occurred_on"] + [f"c{i}" for i in range(4997)])
    data = (header + "\nE1001,complaint,2026-02-02\n").encode()
    # when HR uploads it, in Chinese
    response = _upload(hr, "facts.csv", data, language="zh-Hans")
    # then the page names the count and the limit; nothing is kept
    assert "5,000 列，超过上限 1,000 列" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_preview_checks_a_bounded_sample_and_says_so(
    hr: Client, team: Team, monkeypatch
) -> None:
    # given a preview limit of 50 rows and a file of 120 facts
    from kpilib.ingest import selectors

    monkeypatch.setattr(selectors, "PREVIEW_ROWS", 50)
    rows = "".join(f"E1001,complaint,2026-02-{day % 28 + 1:02d},{day}\n" for day in range(120))
    _upload(hr, "facts.csv", ("employee_id,metric,occurred_on,value\n" + rows).encode())
    batch = ImportBatch.objects.get()
    # when HR opens the preview
    page = hr.get(f"/ingest/batches/{batch.pk}/preview/", HTTP_ACCEPT_LANGUAGE="en").content
    # then it counted the first 50 rows only and says the import checks them all
    text = page.decode()
    assert "This preview checked the first 50 rows of the file" in text
    assert "<strong>50</strong>" in text


def _workbook_with_member(name: str, size: int) -> bytes:
    """A valid workbook plus one highly compressible member of `size` bytes (a zip bomb)."""
    workbook = Workbook()
    workbook.active.append(["employee_id", "metric", "occurred_on", "value"])
    written = io.BytesIO()
    workbook.save(written)
    source = zipfile.ZipFile(io.BytesIO(written.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr(name, b"0" * size)
    return bomb.getvalue()


@pytest.mark.parametrize(
    ("member", "limit"),
    [
        ("xl/media/padding.bin", "MAX_XLSX_UNPACKED_BYTES"),
        ("xl/sharedStrings.xml", "MAX_XLSX_SHARED_STRINGS_BYTES"),
    ],
)
def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(
    hr: Client, team: Team, monkeypatch: pytest.MonkeyPatch, member: str, limit: str
) -> None:
    # given limits of 1 MB and a 20 kB workbook that declares 3 MB inside
    from kpilib import tabular

    monkeypatch.setattr(tabular, limit, 1_000_000)
    data = _workbook_with_member(member, 3_000_000)
    assert len(data) < 50_000
    # when it is read, and when HR uploads it in Chinese
    with pytest.raises(tabular.InputError) as refused:
        tabular.read_table_bytes(data, name="bomb.xlsx")
    response = hr.post(
        "/ingest/",
        {"file": SimpleUploadedFile("bomb.xlsx", data), "new_source": "lms", "new_kind": "facts"},
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )
    # then the refusal names the size and the limit, the page says it in Chinese, nothing is kept
    (problem,) = refused.value.problems
    assert str(problem).startswith("bomb.xlsx: the workbook unpacks to 3,0")
    assert str(problem).endswith("bytes: more than the limit of 1,000,000 bytes")
    assert "超过上限 1,000,000 字节" in response.content.decode()
    assert not ImportBatch.objects.exists()
