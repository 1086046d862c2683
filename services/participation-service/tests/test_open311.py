"""Open311 GeoReport v2 subset: reporting apps post problems into a problem-collection phase."""

from __future__ import annotations

MUN = "musterstadt"


async def test_services_and_requests(client, make_process, participant, h):
    process = await make_process(allow_guests=True)
    ideas_only = await make_process(phases=[h.phase(contribution_types=["idea"])])
    services = (
        await client.get("/open311/v2/services.json", params={"jurisdiction_id": MUN})
    ).json()
    codes = [s["service_code"] for s in services]
    assert process["id"] in codes and ideas_only["id"] not in codes
    me = await participant()
    form = (
        f"service_code={process['id']}&description=Schlagloch+vor+Hausnummer+3"
        "&lat=48.78&long=9.18&attribute%5Bcategory%5D=Verkehr"
    )
    r = await client.post(
        "/open311/v2/requests.json",
        content=form,
        headers=me | {"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 201, r.text
    request_id = r.json()[0]["service_request_id"]
    got = (await client.get(f"/open311/v2/requests/{request_id}.json")).json()[0]
    assert got["status"] == "open" and got["lat"] == 48.78 and got["long"] == 9.18
    assert got["description"] == "Schlagloch vor Hausnummer 3"
    listed = (
        await client.get("/open311/v2/requests.json", params={"service_code": process["id"]})
    ).json()
    assert [x["service_request_id"] for x in listed] == [request_id]
    contribution = (await client.get(f"/api/v1/contributions/{request_id}")).json()
    assert contribution["kind"] == "problem" and contribution["source"] == "open311"
    guest = await client.post(
        "/open311/v2/requests.json",
        json={"service_code": process["id"], "description": "Laterne kaputt"},
    )
    assert guest.status_code == 201


async def test_open311_errors(client, make_process, participant, h):
    process = await make_process()
    me = await participant()
    cases = [
        ({"description": "x"}, 400),
        ({"service_code": "nope", "description": "x"}, 400),
        ({"service_code": process["id"]}, 400),
        ({"service_code": process["id"], "description": "x", "lat": "a", "long": "1"}, 400),
        ({"service_code": process["id"], "description": "x", "lat": "95", "long": "1"}, 400),
        ({"service_code": process["id"], "description": "<script>x</script>"}, 400),
    ]
    for body, status in cases:
        r = await client.post("/open311/v2/requests.json", json=body, headers=me)
        assert r.status_code == status, (body, r.text)
        assert r.json()[0]["code"] == status and r.json()[0]["description"]
    guest = await client.post(
        "/open311/v2/requests.json", json={"service_code": process["id"], "description": "x"}
    )
    assert guest.status_code == 401
    assert (await client.get("/open311/v2/requests/abc.json")).status_code == 404
    listed = (
        await client.get("/open311/v2/requests.json", params={"service_code": process["id"]})
    ).json()
    assert listed == []
