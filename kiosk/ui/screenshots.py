"""Screenshots of every kiosk screen, in Chinese, English and 长者模式, for docs/screens/.

    xvfb-run -a python -m kiosk.ui.screenshots [--out docs/screens] [--size 1080x1920]

The real window and views run on the rehearsal hall (kiosk/ui/rehearsal.py) with the
example hall's catalogue and a recording printer; every ID number is synthetic.
"""
from __future__ import annotations

import argparse
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from kiosk.core import certificate_flow as cert
from kiosk.core.errors import HallApiError
from kiosk.core.intents import (CardSwiped, ChooseLevel, Choose, CodeScanned, Evaluate, Home, Open, PrinterChanged,
                                PrinterHealth, Submit, ToggleElderly, ToggleReason, UseKeypad)
from kiosk.core.rehearsal import MemoryPrinter

from kiosk.core.identity import check_character

# A synthetic card: 110105 area, born 1949-12-31 (green channel); the check character
# is computed, so no full-form ID number stands in the source.
CARD = SimpleNamespace(number="11010519491231002" + check_character("11010519491231002"), name="王秀英")
# The same card read by a reader whose SAM id the certificate flow sends along.
CERT_CARD = SimpleNamespace(number=CARD.number, name=CARD.name, sam_id="05.01-20230101-0000012345-0123456789")
# Certificate scenes photographed in every variant; the others in Chinese only.
CERT_ALL_VARIANTS = ("certificate-preview",)


class Studio:
    """One kiosk window on the rehearsal hall, driven scene by scene."""

    def __init__(self, size: tuple[int, int]):
        from kiosk.app import build_kiosk, make_app
        from kiosk.config import KioskConfig, KioskInfo
        from kiosk.ui.rehearsal import RehearsalClient, example_catalogue

        self.app = make_app()
        self.client = RehearsalClient(example_catalogue())
        config = KioskConfig(kiosk=KioskInfo(locked=False, location="一楼大厅东侧自助服务区"))
        self.kiosk = build_kiosk(config, "", app=self.app, client=self.client)
        self.kiosk.runtime.runner.printer = MemoryPrinter()
        offer_certificates(self)      # the photographed kiosk has an A4 printer: 证明打印 on the home screen
        from drivers.status import DeviceStatus   # the photos show a kiosk whose devices all work
        for kind in ("idcard", "scanner"):
            self.kiosk.devices.statuses[kind] = DeviceStatus(kind, "ok")
        self.window = self.kiosk.window
        self.window.resize(*size)
        self.window.show()
        self.pump(0.8)
        self.send(PrinterChanged(PrinterHealth(True, "ok")))

    def pump(self, seconds: float = 0.15) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.005)

    def send(self, *intents) -> None:
        for intent in intents:
            self.kiosk.runtime.dispatch(intent)
            self.pump()

    def reset(self, lang: str = "zh", elderly: bool = False) -> None:
        runtime = self.kiosk.runtime
        runtime.session.wipe()
        self.window.wipe()
        runtime.set_language(lang)
        if elderly:
            self.send(ToggleElderly())
        self.kiosk.runtime.last_touch = time.monotonic()
        self.pump()

    def save(self, path: Path) -> None:
        self.window.on_tick()
        self.pump(0.2)
        self.window.grab().save(str(path))


def _service_with(studio: Studio, rule: str):
    return next(s for s in studio.kiosk.runtime.session.directory.services if s.real_name == rule and s.guide)


def _ticket(studio: Studio) -> dict:
    memory = studio.client.memory
    service = _service_with(studio, "optional")
    return memory.issue_ticket(service_code=service.code, request_id=f"shot-{len(memory.tickets)}")


SCENES = {
    "home": lambda s: None,
    "category": lambda s: s.send(Open("take_number")),
    "service": lambda s: s.send(Open("take_number"), Choose(_service_with(s, "optional").category)),
    "realname": lambda s: (s.send(Open("take_number"), Choose(_service_with(s, "required").category),
                                  Choose(_service_with(s, "required").code), UseKeypad()),
                           [s.window.views[type(s.kiosk.runtime.session.screen)].keypad.press(d) for d in "110105"]),
    "ticket": lambda s: s.send(Open("take_number"), Choose(_service_with(s, "optional").category),
                               Choose(_service_with(s, "optional").code), CardSwiped(CARD)),
    "checkin": lambda s: s.send(Open("check_in"), UseKeypad()),
    "guide-list": lambda s: s.send(Open("guide")),
    "guide": lambda s: s.send(Open("guide"), Choose(_service_with(s, "optional").code)),
    "status": lambda s: s.send(Open("progress"), CodeScanned(f"HT:TKT:{_ticket(s)['status_token']}")),
    "rate": lambda s: _rate(s),
    "thanks": lambda s: (_rate(s), s.send(__import__("kiosk.core.intents", fromlist=["Submit"]).Submit())),
    "error": lambda s: _refused(s),
    "printer-out": lambda s: s.send(PrinterChanged(PrinterHealth(False, "out"))),
    "more-time": lambda s: _more_time(s),
    "attract": lambda s: _attract(s),
    "help": lambda s: (s.window._call_help(), s.pump(0.4)),
    "maintenance": lambda s: s.kiosk.lockdown.enter(),
    "certificate-home": lambda s: (offer_certificates(s), s.send(Home())),
    "certificate-identify": lambda s: _certificate(s, "identify"),
    "certificate-paused": lambda s: _certificate(s, "paused"),
    "certificate-types": lambda s: _certificate(s, "types"),
    "certificate-params": lambda s: _certificate(s, "params"),
    "certificate-fetching": lambda s: _certificate(s, "fetching"),
    "certificate-preview": lambda s: _certificate(s, "preview"),
    "certificate-printing": lambda s: _certificate(s, "printing"),
    "certificate-failed": lambda s: _certificate(s, "failed"),
    "certificate-done": lambda s: _certificate(s, "done"),
    "certificate-rate": lambda s: _certificate(s, "rate"),
}


def offer_certificates(s) -> object:
    """This kiosk has an A4 printer (a recording one) and offers 证明打印; returns the printer."""
    from dataclasses import replace

    from kiosk.ui.rehearsal import MemoryDocumentPrinter
    runtime = s.kiosk.runtime
    runtime.session.settings = replace(runtime.session.settings, certificates=True)
    runtime.runner.document_printer = printer = MemoryDocumentPrinter()
    return printer


def _certificate(s, stop: str) -> None:
    """Walk the certificate flow on the rehearsal hall up to the step ``stop``."""
    printer = offer_certificates(s)
    printer.paused = stop == "paused"
    s.send(Open("certificate"))
    if stop in ("identify", "paused"):
        from kiosk.core.screens import Refused
        _until(s, cert.Identify if stop == "identify" else Refused)
        return
    _until(s, cert.Identify, lambda screen: screen.types is not None and screen.printer_ready)
    s.send(CardSwiped(CERT_CARD))
    _until(s, cert.ChooseType)
    if stop == "types":
        return
    s.send(Choose("social_insurance"), cert.SetPeriod(12), cert.SetPurpose("购房"))
    if stop == "params":
        return
    s.client.certificates.delay_s = 1.0 if stop == "fetching" else 0.0
    s.send(Submit())
    _until(s, cert.Fetching if stop == "fetching" else cert.Preview)
    _print(s, printer, stop)


def _print(s, printer, stop: str) -> None:
    if stop in ("fetching", "preview"):
        return
    printer.delay_s = 1.0 if stop == "printing" else 0.0
    if stop == "failed":
        printer.fail_next()
    s.send(Submit())
    _until(s, {"printing": cert.Printing, "failed": cert.PrintFailedScreen}.get(stop, cert.Finished))
    if stop == "rate":
        s.send(Evaluate(), ChooseLevel(2), ToggleReason(s.kiosk.runtime.session.settings.bad_review_reasons[0]))
        _until(s, cert.Rate)


def _until(s, kind, test=lambda screen: True, timeout: float = 5.0) -> None:
    """Pump events until the session shows a ``kind`` screen passing ``test`` (effects run on threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = s.kiosk.runtime.session.screen
        if isinstance(screen, kind) and test(screen):
            return
        s.pump(0.02)
    raise TimeoutError(f"the kiosk did not reach {kind.__name__}")


def _rate(s: Studio) -> None:
    ticket = _ticket(s)
    s.client.memory.finish(ticket["id"])
    s.send(Open("evaluate"), CodeScanned(f"HT:TKT:{ticket['status_token']}"), ChooseLevel(2),
           ToggleReason(s.kiosk.runtime.session.settings.bad_review_reasons[0]))


def _refused(s: Studio) -> None:
    s.client.memory.fail_next("issue_ticket", HallApiError(
        "quota_exhausted", "今日放号已满", "Today's tickets have run out", status=409))
    service = _service_with(s, "optional")
    s.send(Open("take_number"), Choose(service.category), Choose(service.code), CardSwiped(CARD))


def _more_time(s: Studio) -> None:
    s.send(Open("guide"))
    session = s.kiosk.runtime.session
    timeout, _ = session.settings.idle.limits(session.elderly)
    session.last_activity = session._clock() - timedelta(seconds=timeout - 12)


def _attract(s: Studio) -> None:
    s.kiosk.runtime.last_touch = time.monotonic() - 10_000


def take(out: Path, size: tuple[int, int], scenes=None, variants=("zh", "en", "elderly")) -> list[Path]:
    """Photograph ``scenes`` (default all) in each variant; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    studio = Studio(size)
    written = []
    for name in scenes or SCENES:
        for variant in variants:
            if variant != "zh" and (name == "printer-out" or name.startswith("certificate-")
                                    and name not in CERT_ALL_VARIANTS):
                continue
            studio.send(PrinterChanged(PrinterHealth(True, "ok")))
            studio.reset("en" if variant == "en" else "zh", elderly=variant == "elderly")
            SCENES[name](studio)
            path = out / f"kiosk-{name}-{variant}.png"
            studio.save(path)
            written.append(path)
            studio.send(Home())
            for overlay in (studio.window.message, studio.window.attract):
                overlay.hide()
            if studio.kiosk.lockdown.active:
                studio.kiosk.lockdown.leave()
    studio.kiosk.stop()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.ui.screenshots")
    parser.add_argument("--out", default="docs/screens")
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--scene", action="append", help="only these scenes (repeatable)")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    for path in take(Path(args.out), (int(width), int(height)), args.scene):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
