"""取号: category → service → real name → issue → print → confirmation → home.

The printer gate is checked before the resident starts (the tile is disabled) and
again just before issuing, so a ticket is never issued that cannot be printed
when the kiosk already knows it. One request_id is made when the resident
confirms; every retry of that issue reuses it (issuance.await_server).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Mapping

from kiosk.core import issuance, messages
from kiosk.core.directory import Category, Service
from kiosk.core.effects import CallServer, FetchQueue, IssueTicket
from kiosk.core.errors import IdNumberInvalid
from kiosk.core.identity import IdCard, age_on, validate_id_number
from kiosk.core.intents import (Back, CardSwiped, Choose, Search, ServerFailed, ServerReplied, Skip,
                                SubmitText, UseKeypad)
from kiosk.core.messages import Notice
from kiosk.core.screens import FlowContext, Refused, Screen, Step, home_screen


@dataclass(frozen=True)
class Selection:
    """What the resident chose; no personal data."""

    category: Category
    service: Service | None
    real_name: str          # required | optional | none

    @property
    def service_name(self) -> str:
        return self.service.name if self.service else self.category.name


@dataclass(frozen=True)
class ChooseCategory(Screen):
    categories: tuple[Category, ...]
    waiting: Mapping[str, tuple[int, int | None]] | None = None   # code → (waiting, est_wait_min)
    flow: ClassVar[str] = "take_number"
    prompt_key: ClassVar[str] = "choose_category"


@dataclass(frozen=True)
class ChooseService(Screen):
    category: Category | None          # None: searching the whole hall
    query: str
    results: tuple[Service, ...]
    flow: ClassVar[str] = "take_number"
    prompt_key: ClassVar[str] = "choose_service"


@dataclass(frozen=True)
class RealName(Screen):
    selection: Selection
    keypad: bool = False
    notice: Notice | None = None
    flow: ClassVar[str] = "take_number"

    @property
    def prompt_key(self) -> str:  # type: ignore[override]
        return "real_name" if self.selection.real_name == "required" else "real_name_optional"

    @property
    def can_skip(self) -> bool:
        return self.selection.real_name != "required"


@dataclass(frozen=True)
class Issuing(Screen):
    selection: Selection
    op: IssueTicket
    masked_name: str = ""
    attempt: int = 0
    notice: Notice | None = None       # set while retrying an unreachable server
    flow: ClassVar[str] = "take_number"
    prompt_key: ClassVar[str] = "issuing"

    @property
    def busy(self) -> bool:
        return self.notice is None


def start(ctx: FlowContext) -> Step:
    """The first screen, or home with a notice when the printer cannot print."""
    if not ctx.printer.ready:
        return Step(home_screen(ctx.printer, messages.notice("printer_unavailable")))
    screen = ChooseCategory(ctx.directory.categories)
    return Step(screen, (CallServer(FetchQueue("waiting")),))


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Dispatch an intent to the handler of the current take-number screen."""
    handler = _HANDLERS.get(type(screen))
    return handler(screen, intent, ctx) if handler else None


def _on_category(screen: ChooseCategory, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, ServerReplied) and isinstance(intent.op, FetchQueue):
        return Step(replace(screen, waiting=_waiting(intent.body)))
    if isinstance(intent, ServerFailed):
        return Step(screen)            # counts are a courtesy; the list still works
    if isinstance(intent, Choose) and ctx.directory.category(intent.code):
        category = ctx.directory.category(intent.code)
        services = ctx.directory.services_in(category.code, ctx.usage)
        if not services:               # a category-only queue
            return _after_choice(Selection(category, None, category.real_name), ctx)
        return Step(ChooseService(category, "", services))
    if isinstance(intent, Search):
        return Step(ChooseService(None, intent.text, ctx.directory.search(intent.text, ctx.usage)))
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _on_service(screen: ChooseService, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, Search):
        code = screen.category.code if screen.category else None
        return Step(replace(screen, query=intent.text,
                            results=ctx.directory.search(intent.text, ctx.usage, code)))
    if isinstance(intent, Choose) and ctx.directory.service(intent.code):
        service = ctx.directory.service(intent.code)
        category = ctx.directory.category(service.category) or Category(service.category, "", service.category)
        step = _after_choice(Selection(category, service, service.real_name), ctx)
        return replace(step, usage=ctx.usage.bump(service.code))
    if isinstance(intent, Back):
        return Step(ChooseCategory(ctx.directory.categories))
    return None


def _after_choice(selection: Selection, ctx: FlowContext) -> Step:
    if selection.real_name == "none":
        return _issue(selection, None, ctx)
    return Step(RealName(selection))


def _on_real_name(screen: RealName, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, CardSwiped):
        return _issue(screen.selection, IdCard.from_reading(intent.reading), ctx)
    if isinstance(intent, UseKeypad):
        return Step(replace(screen, keypad=True, notice=None))
    if isinstance(intent, SubmitText):
        try:
            number = validate_id_number(intent.text, ctx.now.date())
        except IdNumberInvalid:
            return Step(replace(screen, keypad=True, notice=messages.notice("invalid_id_number")))
        return _issue(screen.selection, IdCard(number), ctx)
    if isinstance(intent, Skip):
        if screen.can_skip:
            return _issue(screen.selection, None, ctx)
        return Step(replace(screen, notice=messages.notice("real_name_required")))
    if isinstance(intent, Back):
        return _back_from_real_name(screen, ctx)
    return None


def _back_from_real_name(screen: RealName, ctx: FlowContext) -> Step:
    category = screen.selection.category
    services = ctx.directory.services_in(category.code, ctx.usage)
    if screen.selection.service is None or not services:
        return Step(ChooseCategory(ctx.directory.categories))
    return Step(ChooseService(category, "", services))


def _issue(selection: Selection, card: IdCard | None, ctx: FlowContext) -> Step:
    """Gate on the printer, then make the one request_id of this intent and call."""
    if not ctx.printer.ready:
        return Step(Refused(messages.notice("printer_unavailable")))
    op = IssueTicket(
        service_code=selection.service.code if selection.service else None,
        category_code=None if selection.service else selection.category.code,
        id_card=card, priority=_priority(card, ctx), request_id=ctx.new_request_id())
    screen = Issuing(selection, op, masked_name=card.masked_name if card else "")
    return Step(screen, (CallServer(op),))


def _priority(card: IdCard | None, ctx: FlowContext) -> str:
    """Green channel for residents at or over the configured age (domain.md Q-03)."""
    limit = ctx.settings.green_channel_age
    age = age_on(card.number, ctx.now.date()) if card and limit is not None else None
    return "green" if age is not None and age >= limit else "normal"


def _on_issuing(screen: Issuing, intent, ctx: FlowContext) -> Step | None:
    retry = RealName(screen.selection) if screen.selection.real_name != "none" else None
    return issuance.await_server(
        screen, intent, ctx,
        on_reply=lambda body: issuance.issued(body, ctx, masked_name=screen.masked_name,
                                              recovered=screen.attempt > 0),
        on_error=lambda error: Step(Refused(messages.notice_for_error(error), retry_screen=retry)))


def _waiting(body: Mapping) -> dict[str, tuple[int, int | None]]:
    out = {}
    for row in body.get("categories") or ():
        try:
            est = row.get("est_wait_min")
            out[str(row["code"])] = (int(row.get("waiting") or 0), None if est is None else int(est))
        except (AttributeError, KeyError, TypeError, ValueError):
            continue                   # a malformed row hides its count, nothing more
    return out


_HANDLERS = {ChooseCategory: _on_category, ChooseService: _on_service,
             RealName: _on_real_name, Issuing: _on_issuing}
