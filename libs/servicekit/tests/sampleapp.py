"""A tiny service built from servicekit, used to test the kit itself."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel, Field
from sqlalchemy import ForeignKey, Integer, String, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.concurrency import check_if_match, set_etag
from servicekit.db import Database, make_metadata
from servicekit.events import CloudEvent, Outbox
from servicekit.identity import Principal, Role, get_principal
from servicekit.pagination import Page, PageParams, SortKey, page_params, paginate
from servicekit.problems import NotFound
from servicekit.runtime import create_app, get_db
from servicekit.settings import ServiceSettings
from servicekit.tables import KitTables


class Base(DeclarativeBase):
    metadata = make_metadata()


kit = KitTables(Base.metadata)
outbox = Outbox(kit, "usecase-service", stream="usecase")


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    municipality: Mapped[str] = mapped_column(String(63))
    text: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Seen(Base):
    """Effects of consumed events: one row per effect, so duplicates would show."""

    __tablename__ = "seen"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    note_id: Mapped[str] = mapped_column(String(64))
    parent: Mapped[int | None] = mapped_column(ForeignKey("seen.id"), nullable=True)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=200)
    municipality: str = Field(default="musterstadt", max_length=63)
    fail: bool = False


class NoteOut(BaseModel):
    id: uuid.UUID
    text: str
    version: int


async def create_note(db: Database, principal: Principal, data: NoteIn) -> Note:
    principal.require_role(data.municipality, Role.EDITOR)
    async with db.transaction() as session:
        note = Note(municipality=data.municipality, text=data.text, version=1)
        session.add(note)
        await session.flush()
        await outbox.emit(
            session,
            "usecase.note.created",
            {"id": str(note.id), "text": data.text},
            entity_id=note.id,
            municipality=data.municipality,
        )
        if data.fail:
            raise RuntimeError("boom after emit")
    return note


router = APIRouter(prefix="/api/v1")
DB = Annotated[Database, Depends(get_db)]
Caller = Annotated[Principal, Depends(get_principal)]


@router.post("/notes", status_code=201)
async def post_note(data: NoteIn, db: DB, principal: Caller) -> NoteOut:
    note = await create_note(db, principal, data)
    return NoteOut(id=note.id, text=note.text, version=note.version)


@router.get("/notes")
async def list_notes(db: DB, params: Annotated[PageParams, Depends(page_params)]) -> Page[NoteOut]:
    async with db.sessions() as session:
        rows, cursor = await paginate(
            session,
            select(Note),
            [SortKey(Note.text, attribute="text"), SortKey(Note.id, attribute="id")],
            params,
        )
    return Page(
        items=[NoteOut(id=n.id, text=n.text, version=n.version) for n in rows], next_cursor=cursor
    )


@router.get("/notes/{note_id}")
async def get_note(note_id: uuid.UUID, db: DB, response: Response) -> NoteOut:
    async with db.sessions() as session:
        note = await session.get(Note, note_id)
    if note is None:
        raise NotFound(f"Note {note_id} does not exist.")
    set_etag(response, note.id, note.version)
    return NoteOut(id=note.id, text=note.text, version=note.version)


class NotePatch(BaseModel):
    text: str = Field(min_length=1, max_length=200)


@router.patch("/notes/{note_id}")
async def patch_note(
    note_id: uuid.UUID,
    data: NotePatch,
    db: DB,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> NoteOut:
    async with db.transaction() as session:
        note = await session.get(Note, note_id)
        if note is None:
            raise NotFound(f"Note {note_id} does not exist.")
        check_if_match(if_match, note.id, note.version)
        note.text = data.text
        note.version += 1
    set_etag(response, note.id, note.version)
    return NoteOut(id=note.id, text=note.text, version=note.version)


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internal detail")


async def on_note_created(session: AsyncSession, event: CloudEvent) -> None:
    if event.data.get("text") == "poison":
        raise ValueError("cannot handle poison")
    session.add(Seen(note_id=event.data["id"]))


def make_app(
    database_url: str,
    nats_url: str,
    public_key: str,
    *,
    max_body: int = 1000,
    access_log: str = "all",
):
    settings = ServiceSettings(
        service_name="sample-service",
        database_url=database_url,
        nats_url=nats_url,
        internal_token_public_key=public_key,
        max_body_bytes=max_body,
        relay_poll_seconds=0.2,
        consumer_max_deliver=3,
        log_json=True,
        access_log=access_log,
    )
    return create_app(
        settings,
        title="sample",
        description="sample",
        version="0",
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[router],
        handlers={"usecase.note.created": on_note_created},
    )
