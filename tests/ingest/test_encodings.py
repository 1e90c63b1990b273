"""Encodings users really send (issue 12, item 14): Excel's "Unicode text" (UTF-16 with
BOM, tab-separated) imports; a file whose encoding is not certain (Latin-1, which also
decodes as GB18030) is never imported silently: the mapping page shows the decoded
sample and the person chooses; the command line refuses it naming the likeliest one."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from kpilib.audit.models import AuditEvent
from kpilib.cli.main import app
from kpilib.ingest.models import Fact, ImportBatch
from kpilib.tabular import detect_encoding, read_table_bytes
from tests.ingest.conftest import Team

UNICODE_TEXT = "employee_id\tmetric\toccurred_on\tvalue\tcustomer_id\nE1001\tcomplaint\t2026-02-02\t1\t华东银行\nE1002\tcomplaint\t2026-02-03\t1\tJosé SA\n"
# Accents inside words: every byte pair is also valid GB18030 (Müller → M黮ler).
LATIN_1 = "employee_id,metric,occurred_on,value,customer_id\nE1001,complaint,2026-02-02,1,Müller\nE1002,complaint,2026-02-03,1,Zürich\n".encode("latin-1")


@pytest.fixture
def hr(team: Team) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(team.hr)
    return client


def _upload(client: Client, name: str, data: bytes):
    return client.post("/ingest/", {"file": SimpleUploadedFile(name, data), "new_source": "manual"})


def _accept_mapping(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    chosen = dict(
        re.findall(r'name="(slot_\d+)"[^>]*>.*?<option value="([^"]*)"[^>]*selected', page, re.S)
    )
    return client.post(url, chosen).url


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom"])
def test_excel_unicode_text_is_read(encoding: str) -> None:
    # given Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated
    data = (
        UNICODE_TEXT.encode("utf-16")
        if encoding == "utf-16"
        else b"\xfe\xff" + UNICODE_TEXT.encode("utf-16-be")
    )
    # when it is read
    table = read_table_bytes(data, name="facts.txt")
    # then every column and the Chinese and accented text come through
    assert table["customer_id"].to_list() == ["华东银行", "José SA"]
    assert table["__line__"].to_list() == [2, 3]


def test_hr_imports_excel_unicode_text_without_being_asked(
    hr: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    # given HR uploads a UTF-16 tab-separated export
    response = _upload(hr, "facts.txt", UNICODE_TEXT.encode("utf-16"))
    # when they accept the mapping and import all
    mapping = hr.get(response.url).content.decode()
    preview_url = _accept_mapping(hr, response.url)
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(preview_url, {"mode": "all"})
    # then nobody was asked about the encoding and both facts are stored
    assert 'id="encoding-choice"' not in mapping
    assert sorted(Fact.objects.values_list("customer_id", flat=True)) == ["José SA", "华东银行"]


def test_latin_1_is_not_taken_for_gb18030() -> None:
    # given a Latin-1 file whose bytes also decode as GB18030 (into M黮ler)
    # when its encoding is detected
    detected = detect_encoding(LATIN_1)
    # then that reading is not certain
    assert not detected.certain


def test_the_mapping_page_shows_the_sample_and_the_person_chooses_the_encoding(
    hr: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    # given HR uploads the Latin-1 file
    response = _upload(hr, "facts.csv", LATIN_1)
    batch = ImportBatch.objects.get()
    # when they open the mapping page
    page = hr.get(response.url).content.decode()
    # then it asks, showing the first lines as currently read (the mojibake)
    assert 'id="encoding-choice"' in page
    assert "M黮ler" in page
    # when they choose Windows-1252
    hr.post(f"/ingest/batches/{batch.pk}/encoding/", {"encoding": "cp1252"})
    page = hr.get(response.url).content.decode()
    # then the sample reads right, the choice is audited and the import stores Müller
    assert "Müller" in page
    assert AuditEvent.objects.filter(
        object_type="ingest.importbatch", changes__encoding__after="cp1252"
    ).exists()
    preview_url = _accept_mapping(hr, response.url)
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(preview_url, {"mode": "all"})
    assert sorted(Fact.objects.values_list("customer_id", flat=True)) == ["Müller", "Zürich"]


def test_the_mapping_page_asks_in_chinese(hr: Client, team: Team) -> None:
    # given an uncertain file
    response = _upload(hr, "facts.csv", LATIN_1)
    # when a Chinese reader opens the mapping page
    page = hr.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    # then the question is in Chinese
    assert "这个文件是什么编码？" in page


def test_the_command_line_refuses_an_uncertain_encoding_naming_the_guess(
    team: Team, tmp_path
) -> None:
    # given the Latin-1 file on disk
    path = tmp_path / "facts.csv"
    path.write_bytes(LATIN_1)
    # when it is imported from the command line
    result = CliRunner().invoke(app, ["import", "facts", str(path), "--source", "manual"])
    # then nothing is imported, exit 2, and the message says why
    assert result.exit_code == 2
    assert "cannot tell the encoding for certain (it looks like gb18030)" in result.stderr
    assert "choose with --encoding gb18030|utf-8|utf-16|cp1252|latin-1" in result.stderr
    assert not Fact.objects.exists()


def test_a_chinese_gbk_file_is_still_read_without_asking() -> None:
    # given a GBK employee file as Chinese Excel writes it
    data = "employee_id,name,org_unit\nE1001,张伟,华东售前一组\nE1002,阿依古丽·买买提,华北售前一组\n".encode("gbk")
    # when it is read
    table = read_table_bytes(data, name="people.csv")
    # then it is GB18030 for certain
    assert table["name"].to_list() == ["张伟", "阿依古丽·买买提"]


def test_the_command_line_imports_an_uncertain_file_in_the_chosen_encoding(
    team: Team, tmp_path
) -> None:
    # given the Latin-1 file on disk
    path = tmp_path / "facts.csv"
    path.write_bytes(LATIN_1)
    # when it is imported naming its encoding
    result = CliRunner().invoke(
        app, ["import", "facts", str(path), "--source", "manual", "--encoding", "cp1252"]
    )
    # then both facts are stored with the right names
    assert result.exit_code == 0, result.stderr
    assert sorted(Fact.objects.values_list("customer_id", flat=True)) == ["Müller", "Zürich"]


def test_a_wrong_choice_of_encoding_can_be_chosen_again(hr: Client, team: Team) -> None:
    # given the Latin-1 file, read as UTF-8 by mistake
    response = _upload(hr, "facts.csv", LATIN_1)
    batch = ImportBatch.objects.get()
    hr.post(f"/ingest/batches/{batch.pk}/encoding/", {"encoding": "utf-8"})
    # when the mapping page opens
    page = hr.get(response.url)
    # then it says why and still offers the choice
    assert page.status_code == 200
    assert "not utf-8 text" in page.content.decode()
    assert 'id="encoding-choice"' in page.content.decode()
