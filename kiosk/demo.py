"""The demo kiosk: windowed, on emulated devices, against the demo hall.

``python -m kiosk --demo --credentials .demo-data/demo-credentials.json``. The printer,
ID card reader and serial scanner are the drivers' own emulators served on real
pseudo-terminals (drivers/emulation.py), so the production drivers run unchanged;
a small "模拟设备" panel lays a (synthetic) card on the reader, scans codes, and
runs the printer out of paper, so every path can be tried by hand.

证明打印 needs an A4 printer: the demo hall (hall_server/demo_hall.py) sets up the
CUPS queue ``hallterm-demo-a4`` on cups-pdf (kiosk/documents/demo_printer.py), and
the demo kiosk uses it only when CUPS has it — then the home screen shows the tile
and each printed certificate is a PDF in cups-pdf's folder (``~/PDF``).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from drivers.emulation import PtyHost
from drivers.idcard.emulator import SAMPLE_CARDS, IdCardEmulator
from drivers.idcard.card import CardKind
from drivers.printer.emulator import PrinterEmulator
from drivers.scanner.emulator import ScannerEmulator
from kiosk.config import DevicesSection, DocumentPrinterSection, IdCardSection, KioskConfig, KioskInfo, \
    PrinterSection, ScannerSection, ServerSection
from kiosk.documents.demo_printer import DEMO_QUEUE, cups_pdf_output_dir, queue_exists

log = logging.getLogger(__name__)

# The card for 证明打印: person 1 of the demo hall's sample certificate data set (synthetic;
# `python -m hall_server.certificates sample-persons`), who has a record for all five
# default types. The reader's own sample card (张三) is not in that data set: the
# sample provider answers it "no record".
CERTIFICATE_CARD = {"id_number": "51010719990806177X", "name": "张建国", "sex": "1", "birth": date(1999, 8, 6)}


@dataclass
class DemoSetup:
    """Emulators on ptys and the config that points the kiosk at them."""

    config: KioskConfig
    token: str
    credentials: dict
    hosts: dict = field(default_factory=dict)

    @classmethod
    def from_credentials(cls, path: Path, a4_queue: str = DEMO_QUEUE) -> "DemoSetup":
        """Emulators on ptys; ``a4_queue`` becomes the A4 printer only if CUPS has it."""
        credentials = json.loads(Path(path).read_text(encoding="utf-8"))
        document_printer = a4_queue if a4_queue and queue_exists(a4_queue) else ""
        if document_printer:
            log.info("demo A4 printer: CUPS queue %s (PDFs in %s)", document_printer, cups_pdf_output_dir())
        else:
            log.info("no CUPS queue %r: the demo kiosk runs without 证明打印", a4_queue)
        hosts = {"printer": PtyHost(PrinterEmulator("ok")).start(),
                 "idcard": PtyHost(IdCardEmulator("no_card", card_delay=0.3)).start(),
                 "scanner": PtyHost(ScannerEmulator()).start()}
        config = demo_config(credentials["base_url"], {kind: host.path for kind, host in hosts.items()},
                             document_printer=document_printer)
        return cls(config, credentials["tokens"]["kiosk"], credentials, hosts)

    @property
    def certificate_pdfs(self) -> Path | None:
        """Where printed certificates land (cups-pdf's folder), or None without an A4 printer."""
        return cups_pdf_output_dir() if self.config.devices.document_printer.name else None

    def stop(self) -> None:
        for host in self.hosts.values():
            host.stop()

    def show_panel(self, kiosk) -> None:
        from kiosk.demo_panel import DemoPanel
        self.panel = DemoPanel(self, kiosk)
        self.panel.show()

    # -- what the panel does ----------------------------------------------------------------
    def place_card(self) -> None:
        self.hosts["idcard"].device.place_card(SAMPLE_CARDS[CardKind.RESIDENT])

    def place_certificate_card(self) -> None:
        """A card the demo hall's sample certificate data knows (证明打印)."""
        self.hosts["idcard"].device.place_card(CERTIFICATE_CARD)

    def remove_card(self) -> None:
        self.hosts["idcard"].device.remove_card()

    def set_paper(self, paper: str) -> None:
        self.hosts["printer"].device.set_paper(paper)

    def scan(self, text: str) -> None:
        self.hosts["scanner"].device.scan(text)

    def book_appointment(self, now) -> str:
        """Import an appointment for the sample card in the current slot (manager API)."""
        import requests
        from kiosk.core.effects import new_request_id
        code = "DEMO" + new_request_id()[:6].upper()
        card = SAMPLE_CARDS[CardKind.RESIDENT]
        hall = requests.get(f"{self.credentials['base_url']}/api/v1/hall", timeout=5,
                            headers=self._auth("manager")).json()
        service = hall["services"][0]["code"]
        body = {"code": code, "service_code": service, "slot_start": (now - timedelta(minutes=5)).isoformat(),
                "slot_end": (now + timedelta(minutes=25)).isoformat(), "request_id": new_request_id(),
                "id_card": {"number": card.id_number, "name": card.name}}
        response = requests.post(f"{self.credentials['base_url']}/api/v1/appointments", json=body, timeout=5,
                                 headers=self._auth("manager"))
        response.raise_for_status()
        return code

    def server_now(self):
        import requests
        from datetime import datetime
        body = requests.get(f"{self.credentials['base_url']}/api/v1/health", timeout=5).json()
        return datetime.fromisoformat(body["time"])

    def _auth(self, role: str) -> dict:
        return {"Authorization": f"Bearer {self.credentials['tokens'][role]}"}


def demo_config(base_url: str, paths: dict[str, str], *, document_printer: str = "") -> KioskConfig:
    """A windowed kiosk on the given device paths, talking to ``base_url``; with the CUPS
    queue ``document_printer`` as its A4 printer (证明打印) when one is given."""
    return KioskConfig(
        kiosk=KioskInfo(device_id="demo-kiosk", location="示范大厅 自助服务区 1 号机", locked=False,
                        maintenance_pin_hash=_DEMO_PIN_HASH, attract_after_s=120.0),
        server=ServerSection(base_url=base_url.rstrip("/")),
        devices=DevicesSection(printer=PrinterSection(url=paths.get("printer", ""), poll_s=1.0),
                               idcard=IdCardSection(url=paths.get("idcard", "")),
                               scanner=ScannerSection(mode="serial", url=paths.get("scanner", "")),
                               document_printer=DocumentPrinterSection(name=document_printer)))


# The demo's maintenance PIN is 246810 (docs/kiosk.md); a real kiosk sets its own.
_DEMO_PIN_HASH = "pbkdf2_sha256$200000$9c1f0a4e5b6d7a8c$b1f7e807dae819d28f0075476d6e4a0de2c3a20ebef4ee31de2b76f081108f50"
