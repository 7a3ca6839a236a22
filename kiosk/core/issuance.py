"""Shared steps of every flow that ends in a printed ticket (取号, 预约签到).

Two rules live here. Waiting on the server: when the server cannot be reached the
same operation (same request_id) is retried on a schedule while the resident sees
"服务器暂时无法连接，正在重试"; after the last retry the resident is sent to the
service desk. Printing: once the server has issued a ticket, it is never issued
again; a print failure shows the number on screen and offers a reprint of the
same receipt.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping

from kiosk.core import messages
from kiosk.core.effects import CallServer, PrintReceipt, Schedule, Speak
from kiosk.core.errors import HallUnreachable, KioskError
from kiosk.core.intents import (Action, Back, Done, Home, PrintFailed, Printed, RetryPrint,
                                RetryServer, ServerFailed, ServerReplied)
from kiosk.core.receipt import receipt_from_ticket, ticket_view
from kiosk.core.screens import (Confirmation, FlowContext, PrintFailedScreen, Printing, Refused,
                                Screen, Step, home_screen)


def await_server(screen, intent, ctx: FlowContext,
                 on_reply: Callable[[Mapping], Step],
                 on_error: Callable[[KioskError], Step]) -> Step | None:
    """Handle the intents of a screen waiting on ``screen.op``.

    ``screen`` is a dataclass with ``op``, ``attempt`` and ``notice`` fields. Results
    for any other operation (a reply arriving after the resident left) are ignored.
    """
    if isinstance(intent, ServerReplied) and intent.op == screen.op:
        return on_reply(intent.body)
    if isinstance(intent, ServerFailed) and intent.op == screen.op:
        if isinstance(intent.error, HallUnreachable):
            return _retry_later(screen, ctx)
        return on_error(intent.error)
    if isinstance(intent, RetryServer) and intent.op == screen.op:
        return Step(screen, (CallServer(screen.op),))
    if isinstance(intent, (Home, Back)) and screen.notice is not None:
        return Step(home_screen(ctx.printer))   # the resident gives up while we retry
    return None


def _retry_later(screen, ctx: FlowContext) -> Step:
    delays = ctx.settings.server_retry_delays_s
    if screen.attempt >= len(delays):
        return Step(Refused(messages.notice("server_unreachable_final")))
    waiting = replace(screen, attempt=screen.attempt + 1, notice=messages.notice("server_unreachable"))
    return Step(waiting, (Schedule(delays[screen.attempt], RetryServer(screen.op)),))


def issued(body: Mapping, ctx: FlowContext, *, masked_name: str = "", recovered: bool = False) -> Step:
    """The server issued a ticket: show it and print it."""
    template = ctx.settings.status_url_template
    view = ticket_view(body, ctx.directory, status_url_template=template, masked_name=masked_name)
    receipt = receipt_from_ticket(body, ctx.directory, status_url_template=template, masked_name=masked_name,
                                  notice_lines=ctx.settings.receipt_notice_lines)
    notice = messages.notice("server_recovered") if recovered else None
    return Step(Printing(view, receipt, notice), (PrintReceipt(receipt),))


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Intents of the Printing, Confirmation and PrintFailed screens."""
    if isinstance(screen, Printing):
        return _printing(screen, intent)
    if isinstance(screen, PrintFailedScreen):
        return _print_failed(screen, intent, ctx)
    if isinstance(screen, Confirmation) and isinstance(intent, (Done, Home, Back)):
        return Step(home_screen(ctx.printer))
    return None


def _printing(screen: Printing, intent) -> Step | None:
    if isinstance(intent, Printed) and intent.job == screen.receipt:
        return Step(Confirmation(screen.view))
    if isinstance(intent, PrintFailed) and intent.job == screen.receipt:
        notice = messages.notice("print_failed_after_issue", number=screen.view.number)
        failed = PrintFailedScreen(screen.view, screen.receipt, notice)
        return Step(failed, (Speak(failed.prompt()[0]),))
    return None


def _print_failed(screen: PrintFailedScreen, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, RetryPrint) or (isinstance(intent, Action) and intent.key == messages.RETRY):
        # Same receipt, same ticket: a reprint, never a second ticket.
        return Step(Printing(screen.view, screen.receipt), (PrintReceipt(screen.receipt),))
    if isinstance(intent, (Done, Home, Back)) or (isinstance(intent, Action) and intent.key == messages.HOME):
        return Step(home_screen(ctx.printer))
    return None
