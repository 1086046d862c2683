"""Files: streamed upload with limit and checksum, schema inference, preview, row queries."""

from __future__ import annotations

import hashlib
import io
import json

import openpyxl
import pytest

from catalog_service.demo import seed
from catalog_service.main import create_app
from servicekit.testing.apps import service_client

pytestmark = pytest.mark.db

TREES = "Baum-ID;Art;Pflanzjahr;Stammumfang\n" + "".join(
    f"{i};{['Linde', 'Eiche', 'Ahorn', 'Platane'][i % 4]};{1950 + i % 70};{(i % 30) / 10}\n"
    for i in range(1, 4001)
)


@pytest.fixture
async def files_client(settings, identity, tmp_path):
    # a small general body limit: uploads must still pass up to max_upload_bytes
    settings = settings.model_copy(update={"max_body_bytes": 16 * 1024, "storage_dir": tmp_path})
    async with service_client(create_app(settings)) as client:
        await seed(client, identity)
        yield client, tmp_path


async def new_distribution(client, editor, title="Baumkataster (Upload)") -> str:
    answer = await client.post(
        "/api/v1/datasets/baumkataster/distributions", json={"title": title}, headers=editor
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_csv_upload_schema_download_and_rows(files_client, identity):
    client, root = files_client
    editor = identity("editor", "musterstadt")
    dist = await new_distribution(client, editor)
    body = TREES.encode()
    assert len(body) > 16 * 1024
    up = await client.put(
        f"/api/v1/distributions/{dist}/file", params={"filename": "baeume.csv"}, content=body,
        headers={**editor, "Content-Type": "text/csv"},
    )  # fmt: skip
    assert up.status_code == 200, up.text
    meta = up.json()
    assert meta["format"] == "CSV" and meta["media_type"] == "text/csv" and meta["has_file"]
    assert meta["byte_size"] == len(body)
    assert meta["checksum"] == hashlib.sha256(body).hexdigest()
    assert meta["file_schema"]["fields"] == [
        {"name": "Baum-ID", "type": "integer"}, {"name": "Art", "type": "string"},
        {"name": "Pflanzjahr", "type": "integer"}, {"name": "Stammumfang", "type": "number"},
    ]  # fmt: skip
    assert meta["file_schema"]["rows"] == 4000
    download = await client.get(f"/api/v1/distributions/{dist}/file")
    assert download.content == body

    preview = (await client.get(f"/api/v1/distributions/{dist}/preview")).json()
    assert preview["total"] == 4000 and len(preview["records"]) == 20
    assert preview["records"][0] == {
        "Baum-ID": 1,
        "Art": "Eiche",
        "Pflanzjahr": 1951,
        "Stammumfang": 0.1,
    }
    rows = (
        await client.get(
            f"/api/v1/distributions/{dist}/rows",
            params={"filters": json.dumps({"Art": "Linde"}), "sort": "Stammumfang desc",
                    "limit": 5, "offset": 5, "fields": "Baum-ID,Stammumfang"},
        )
    ).json()  # fmt: skip
    assert rows["total"] == 1000 and len(rows["records"]) == 5
    assert set(rows["records"][0]) == {"Baum-ID", "Stammumfang"}
    assert rows["records"][0]["Stammumfang"] >= rows["records"][-1]["Stammumfang"]
    text = (await client.get(f"/api/v1/distributions/{dist}/rows", params={"q": "platane"})).json()
    assert text["total"] == 1000
    for bad in ({"filters": "[1]"}, {"filters": '{"Farbe": "grün"}'}, {"sort": "Höhe desc"}):
        answer = await client.get(f"/api/v1/distributions/{dist}/rows", params=bad)
        assert answer.status_code == 400, bad
        assert answer.headers["content-type"] == "application/problem+json"
    # the dataset's quality rises: a hosted file is known to be available
    quality = (await client.get("/api/v1/datasets/baumkataster/quality")).json()
    assert "Upload the file to the catalogue so its availability is known." not in quality["hints"]


async def test_xlsx_and_json_are_inferred(files_client, identity):
    client, _root = files_client
    editor = identity("editor", "musterstadt")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Produktbereich", "Ertrag", "Aufwand"])
    sheet.append(["Schule", 1200000.5, 3400000])
    sheet.append(["Kultur", 80000, 950000.25])
    buffer = io.BytesIO()
    book.save(buffer)
    dist = await new_distribution(client, editor, "Haushalt (XLSX)")
    up = await client.put(
        f"/api/v1/distributions/{dist}/file", params={"filename": "haushalt.xlsx"},
        content=buffer.getvalue(), headers=editor,
    )  # fmt: skip
    assert up.status_code == 200, up.text
    assert up.json()["format"] == "XLSX"
    assert [f["type"] for f in up.json()["file_schema"]["fields"]] == ["string", "number", "number"]
    dist = await new_distribution(client, editor, "Zählstellen (JSON)")
    payload = json.dumps([{"id": 1, "name": "Ring"}, {"id": 2, "name": "Brücke"}]).encode()
    up = await client.put(
        f"/api/v1/distributions/{dist}/file", content=payload,
        headers={**editor, "Content-Type": "application/json"},
    )  # fmt: skip
    assert up.status_code == 200, up.text
    assert up.json()["format"] == "JSON"
    rows = (await client.get(f"/api/v1/distributions/{dist}/rows")).json()
    assert rows["records"] == [{"id": 1, "name": "Ring"}, {"id": 2, "name": "Brücke"}]


async def test_bad_uploads_leave_nothing_behind(files_client, identity, settings):
    client, root = files_client
    editor = identity("editor", "musterstadt")
    dist = await new_distribution(client, editor, "Kaputt")
    before = stored_files(root)
    latin1 = "Straße;Bäume\nHauptstraße;12\n".encode("latin-1")
    broken = await client.put(
        f"/api/v1/distributions/{dist}/file", params={"filename": "x.csv"}, content=latin1,
        headers={**editor, "Content-Type": "text/csv"},
    )  # fmt: skip
    assert broken.status_code == 422
    assert "not valid utf-8" in broken.json()["detail"]
    declared = await client.put(
        f"/api/v1/distributions/{dist}/file", params={"filename": "x.csv"}, content=latin1,
        headers={**editor, "Content-Type": "text/csv; charset=latin-1"},
    )  # fmt: skip
    assert declared.status_code == 200, declared.text
    after_good = stored_files(root)
    too_big = await client.put(
        f"/api/v1/distributions/{dist}/file", params={"filename": "x.csv"},
        content=b"a;b\n" * (settings.max_upload_bytes // 4 + 10), headers=editor,
    )  # fmt: skip
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    assert len(stored_files(root)) == len(after_good) == len(before) + 1
    assert not [p for p in stored_files(root) if p.suffix == ".partial"]
    meta = (await client.get(f"/api/v1/distributions/{dist}")).json()
    assert meta["checksum"] == hashlib.sha256(latin1).hexdigest()  # the good upload stayed
    other = identity("editor", "beispieldorf")
    refused = await client.put(f"/api/v1/distributions/{dist}/file", content=b"x", headers=other)
    assert refused.status_code == 404
    assert len(stored_files(root)) == len(after_good)


async def test_ckan_datastore_search(files_client, identity):
    client, _root = files_client
    editor = identity("editor", "musterstadt")
    dist = await new_distribution(client, editor)
    await client.put(
        f"/api/v1/distributions/{dist}/file", params={"filename": "b.csv"}, content=TREES.encode(),
        headers=editor,
    )  # fmt: skip
    answer = await client.post(
        "/api/3/action/datastore_search",
        json={"resource_id": dist, "filters": {"Art": "Ahorn"}, "limit": 3, "sort": "Baum-ID desc"},
    )
    result = answer.json()["result"]
    assert result["total"] == 1000
    assert [r["Baum-ID"] for r in result["records"]] == [3998, 3994, 3990]
    assert result["fields"][0] == {"id": "Baum-ID", "type": "integer"}
    missing = await client.post("/api/3/action/datastore_search", json={"resource_id": "x"})
    assert missing.status_code == 409 and missing.json()["error"]["__type"] == "Validation Error"
