"""What a scanned QR code means to the kiosk (码上办, 预约签到, 进度查询).

Payload formats (docs/kiosk-flows.md "QR payloads"):

* ticket status: a URL whose path ends ``/t/<token>`` (the receipt's QR code: the hall
  server's phone page), ``/status/<token>`` or ``/ticket-status/<token>``, or ``HT:TKT:<token>``;
* service guide: a URL whose path ends ``/guide/<service_code>``, or ``HT:SVC:<service_code>``;
* appointment: ``HT:APT:<code>``, or a URL whose path ends ``/appointments/<code>``;
* anything else is plain text; the check-in screen takes a bare code as an appointment code.

Scanners often append CR/LF or a tab; those are stripped. Nothing here raises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

TICKET_STATUS = "ticket_status"
SERVICE_GUIDE = "service_guide"
APPOINTMENT = "appointment"
TEXT = "text"

_VALUE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_PREFIXES = {"HT:TKT:": TICKET_STATUS, "HT:SVC:": SERVICE_GUIDE, "HT:APT:": APPOINTMENT}
_PATHS = {"t": TICKET_STATUS, "status": TICKET_STATUS, "ticket-status": TICKET_STATUS,
          "guide": SERVICE_GUIDE, "appointments": APPOINTMENT}
_MAX_SCAN = 2048


@dataclass(frozen=True)
class ScannedCode:
    """``kind`` is one of the constants above; ``value`` the token or code (or the text)."""

    kind: str
    value: str

    @property
    def is_plain_code(self) -> bool:
        """Plain text that is shaped like a code (letters, digits, ``-_.``)."""
        return self.kind == TEXT and bool(_VALUE.fullmatch(self.value))


def parse_scan(raw: str) -> ScannedCode:
    """Classify one scan; unknown or malformed input becomes ``TEXT``."""
    text = "".join(ch for ch in str(raw)[:_MAX_SCAN] if ch.isprintable()).strip()
    for prefix, kind in _PREFIXES.items():
        if text.upper().startswith(prefix):
            value = text[len(prefix):]
            return ScannedCode(kind, value) if _VALUE.fullmatch(value) else ScannedCode(TEXT, text)
    if "://" in text:
        return _from_url(text)
    return ScannedCode(TEXT, text)


def guide_payload(service_code: str) -> str:
    """The compact payload printed on a service's guide QR code."""
    return f"HT:SVC:{service_code}"


def _from_url(text: str) -> ScannedCode:
    try:
        path = urlsplit(text).path
    except ValueError:
        return ScannedCode(TEXT, text)
    parts = [unquote(p) for p in path.split("/") if p]
    if len(parts) >= 2 and parts[-2] in _PATHS and _VALUE.fullmatch(parts[-1]):
        return ScannedCode(_PATHS[parts[-2]], parts[-1])
    return ScannedCode(TEXT, text)
