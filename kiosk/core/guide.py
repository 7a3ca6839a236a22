"""办事指南 / 码上办: browse or search services, open a guide (also from a scanned
service QR code, see kiosk.core.scan), print the material checklist."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from kiosk.core import messages
from kiosk.core.directory import Service
from kiosk.core.effects import PrintChecklist
from kiosk.core.intents import Back, Choose, Print, PrintFailed, Printed, Search
from kiosk.core.messages import Notice
from kiosk.core.receipt import Checklist
from kiosk.core.screens import FlowContext, Screen, Step, home_screen


@dataclass(frozen=True)
class GuideBrowse(Screen):
    query: str
    results: tuple[Service, ...]
    notice: Notice | None = None
    flow: ClassVar[str] = "guide"
    prompt_key: ClassVar[str] = "guide_browse"


@dataclass(frozen=True)
class GuideView(Screen):
    service: Service
    guide_url: str                      # shown as a QR code for the resident's phone
    can_print: bool = True
    printing: Checklist | None = None
    notice: Notice | None = None
    flow: ClassVar[str] = "guide"
    prompt_key: ClassVar[str] = "guide_view"

    @property
    def busy(self) -> bool:
        return self.printing is not None

    def prompt(self) -> tuple[str, str]:
        return messages.prompt("guide_view", service=self.service.name)


def start(ctx: FlowContext) -> Step:
    """All services, most used first."""
    return Step(GuideBrowse("", ctx.directory.search("", ctx.usage)))


def open_service(code: str, ctx: FlowContext) -> Step:
    """Open one guide, e.g. from a scanned ``HT:SVC:<code>``; unknown codes say so."""
    service = ctx.directory.service(code)
    if service is None:
        return Step(GuideBrowse("", ctx.directory.search("", ctx.usage), messages.notice("unknown_service")))
    url = service.guide_url or ctx.settings.guide_url_template.format(code=service.code)
    return Step(GuideView(service, url, can_print=ctx.printer.ready and bool(service.materials)))


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Dispatch an intent to the guide screen's handler."""
    if isinstance(screen, GuideBrowse):
        return _on_browse(screen, intent, ctx)
    if isinstance(screen, GuideView):
        return _on_view(screen, intent, ctx)
    return None


def _on_browse(screen: GuideBrowse, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, Search):
        return Step(GuideBrowse(intent.text, ctx.directory.search(intent.text, ctx.usage)))
    if isinstance(intent, Choose):
        return open_service(intent.code, ctx)
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _on_view(screen: GuideView, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, Print) and screen.printing is None:
        if not (ctx.printer.ready and screen.service.materials):
            return Step(replace(screen, can_print=False, notice=messages.notice("printer_unavailable")))
        checklist = Checklist(ctx.directory.name, screen.service.code, screen.service.name,
                              screen.service.materials, screen.guide_url)
        return Step(replace(screen, printing=checklist, notice=None), (PrintChecklist(checklist),))
    if isinstance(intent, Printed) and intent.job == screen.printing:
        return Step(replace(screen, printing=None, notice=messages.notice("checklist_printed")))
    if isinstance(intent, PrintFailed) and intent.job == screen.printing:
        return Step(replace(screen, printing=None, notice=messages.notice("checklist_print_failed")))
    if isinstance(intent, Back) and screen.printing is None:
        return start(ctx)
    return None
