"""Request bodies. Bounded lengths everywhere: bad input is refused at the door."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

RequestId = Field(default=None, min_length=1, max_length=64, description="client-chosen idempotency key")


class IdCardBody(BaseModel):
    number: str = Field(min_length=15, max_length=18, description="ID number; hashed and masked, never stored")
    name: str | None = Field(default=None, max_length=64, description="name; only the masked form is kept")

    def __repr__(self) -> str:  # never print the number
        return "IdCardBody(***)"

    __str__ = __repr__


class Action(BaseModel):
    request_id: str | None = RequestId


class TicketCreate(Action):
    service_code: str | None = Field(default=None, max_length=64)
    category_code: str | None = Field(default=None, max_length=16)
    id_card: IdCardBody | None = None
    priority: Literal["normal", "green"] = "normal"
    channel: str = Field(default="kiosk", max_length=16)


class CallTicket(Action):
    ticket_id: str = Field(max_length=64)


class Transfer(Action):
    to_category: str | None = Field(default=None, max_length=16)
    to_window: str | None = Field(default=None, max_length=32)


class WindowStateChange(Action):
    reason: str | None = Field(default=None, max_length=200)


class Categories(Action):
    categories: list[str] = Field(min_length=1, max_length=50)


class ClerkAssignment(Action):
    clerk: str | None = Field(default=None, max_length=64)


class AppointmentCreate(Action):
    code: str = Field(min_length=1, max_length=64)
    service_code: str = Field(max_length=64)
    slot_start: datetime
    slot_end: datetime
    id_card: IdCardBody | None = None


class CheckIn(Action):
    id_card: IdCardBody | None = None


class AppointmentLookup(BaseModel):
    id_card: IdCardBody


class EvaluationCreate(Action):
    ticket_id: str = Field(max_length=64)
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    reasons: list[str] = Field(default_factory=list, max_length=20)
    comment: str | None = Field(default=None, max_length=500)
    channel: Literal["pad", "screen", "kiosk", "phone", "web"] = "pad"


class CaseAction(Action):
    note: str | None = Field(default=None, max_length=2000)


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    window_id: str | None = Field(default=None, max_length=32)


class Heartbeat(BaseModel):
    device: str = Field(min_length=1, max_length=64)
    components: dict[str, dict] = Field(default_factory=dict, max_length=32)
