"""Supports: one per participant per contribution and the phase budget, race-free."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from participation_service.contributions.models import Support, SupportBudget


async def supports_in_db(app, contribution_id: str) -> int:
    async with app.state.runtime.db.sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Support)
                .where(Support.contribution_id == uuid.UUID(contribution_id))
            )
        )


async def test_supporting_twice_is_refused(app, client, make_process, participant, h):
    process = await make_process()
    author, fan = await participant(), await participant()
    c = await h.contribute(client, process["id"], author)
    first = await client.post(f"/api/v1/contributions/{c['id']}/support", headers=fan)
    assert first.status_code == 201 and first.json()["supports"] == 1
    second = await client.post(f"/api/v1/contributions/{c['id']}/support", headers=fan)
    assert h.is_problem(second, 409)
    assert await supports_in_db(app, c["id"]) == 1
    assert (await client.get(f"/api/v1/contributions/{c['id']}")).json()["supports"] == 1


async def test_guests_cannot_support(client, make_process, participant, h):
    process = await make_process(allow_guests=True)
    c = await h.contribute(client, process["id"], await participant())
    assert h.is_problem(await client.post(f"/api/v1/contributions/{c['id']}/support"), 401)


async def test_supports_only_in_a_phase_that_allows_them(app, client, make_process, participant, h):
    process = await make_process(phases=[h.phase(supports_enabled=False)])
    c = await h.contribute(client, process["id"], await participant())
    r = await client.post(f"/api/v1/contributions/{c['id']}/support", headers=await participant())
    assert h.is_problem(r, 409)
    assert await supports_in_db(app, c["id"]) == 0


async def test_supports_closed_with_the_process(client, identity, make_process, participant, h):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant())
    await client.post(
        f"/api/v1/processes/{process['id']}/close", headers=identity("editor", "musterstadt")
    )
    r = await client.post(f"/api/v1/contributions/{c['id']}/support", headers=await participant())
    assert h.is_problem(r, 409)


async def test_budget_is_enforced_and_withdrawing_gives_it_back(
    app, client, make_process, participant, h
):
    process = await make_process(phases=[h.phase(support_budget=2)])
    author, fan = await participant(), await participant()
    ids = [
        (await h.contribute(client, process["id"], author, title=f"Idee {i}"))["id"]
        for i in range(3)
    ]
    assert (await client.post(f"/api/v1/contributions/{ids[0]}/support", headers=fan)).json()[
        "budget_remaining"
    ] == 1
    assert (
        await client.post(f"/api/v1/contributions/{ids[1]}/support", headers=fan)
    ).status_code == 201
    over = await client.post(f"/api/v1/contributions/{ids[2]}/support", headers=fan)
    assert h.is_problem(over, 409) and "budget" in over.json()["detail"]
    assert await supports_in_db(app, ids[2]) == 0
    back = await client.delete(f"/api/v1/contributions/{ids[0]}/support", headers=fan)
    assert back.status_code == 200 and back.json()["budget_remaining"] == 1
    assert (
        await client.post(f"/api/v1/contributions/{ids[2]}/support", headers=fan)
    ).status_code == 201
    never = await client.delete(f"/api/v1/contributions/{ids[0]}/support", headers=fan)
    assert h.is_problem(never, 404)


async def test_withdrawn_contribution_cannot_be_supported(client, make_process, participant, h):
    process = await make_process()
    author = await participant()
    c = await h.contribute(client, process["id"], author)
    assert (
        await client.post(f"/api/v1/contributions/{c['id']}/withdraw", headers=author)
    ).status_code == 200
    r = await client.post(f"/api/v1/contributions/{c['id']}/support", headers=await participant())
    assert h.is_problem(r, 409)


async def test_200_parallel_supports_from_200_participants_count_exactly(
    app, client, make_process, participant, h
):
    process = await make_process(phases=[h.phase(support_budget=5)])
    c = await h.contribute(client, process["id"], await participant())
    fans = [
        await participant(group=("citizen", "business", "administration", "other")[i % 4])
        for i in range(200)
    ]
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/contributions/{c['id']}/support", headers=f) for f in fans)
    )
    assert sorted({r.status_code for r in answers}) == [201]
    assert await supports_in_db(app, c["id"]) == 200
    results = (await client.get(f"/api/v1/processes/{process['id']}/results")).json()
    assert results["totals"]["supports"] == 200
    assert results["totals"]["supports_by_group"] == dict.fromkeys(
        ("citizen", "business", "administration", "other"), 50
    )


async def test_parallel_repeats_by_one_participant_count_once(
    app, client, make_process, participant, h
):
    process = await make_process()
    c = await h.contribute(client, process["id"], await participant())
    fan = await participant()
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/contributions/{c['id']}/support", headers=fan) for _ in range(20))
    )
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * 19, codes
    assert await supports_in_db(app, c["id"]) == 1


async def test_refused_repeats_use_no_budget(app, client, make_process, participant, h):
    """A repeat is refused after its budget was counted: that count must be undone with it."""
    process = await make_process(phases=[h.phase(support_budget=2)])
    author, fan = await participant(), await participant()
    first, second = [
        (await h.contribute(client, process["id"], author, title=f"I{i}"))["id"] for i in range(2)
    ]
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/contributions/{first}/support", headers=fan) for _ in range(10))
    )
    assert sorted(r.status_code for r in answers) == [201] + [409] * 9
    last = await client.post(f"/api/v1/contributions/{second}/support", headers=fan)
    assert last.status_code == 201, last.text
    assert last.json() == {
        "contribution_id": second,
        "supported": True,
        "supports": 1,
        "budget_remaining": 0,
    }


async def test_parallel_supports_cannot_exceed_the_budget(
    app, client, make_process, participant, h
):
    process = await make_process(phases=[h.phase(support_budget=3)])
    author, fan = await participant(), await participant()
    ids = [
        (await h.contribute(client, process["id"], author, title=f"I{i}"))["id"] for i in range(10)
    ]
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/contributions/{cid}/support", headers=fan) for cid in ids)
    )
    assert sorted(r.status_code for r in answers) == [201] * 3 + [409] * 7
    async with app.state.runtime.db.sessions() as session:
        total = await session.scalar(
            select(func.count())
            .select_from(Support)
            .where(Support.process_id == uuid.UUID(process["id"]))
        )
        used = await session.scalar(
            select(func.max(SupportBudget.used)).where(
                SupportBudget.phase_id == uuid.UUID(process["phases"][0]["id"])
            )
        )
    assert total == 3 and used == 3
