"""The kiosk's pure core: flow state machines, models, receipts, idle timer, messages.

Imports no Qt, no HTTP client and no serial port (CONVENTIONS.md rule 1). The shell
renders ``KioskSession.screen`` and forwards intents; see docs/kiosk-flows.md.
"""
from kiosk.core.errors import HallApiError, HallUnreachable, IdNumberInvalid, KioskError

__all__ = ["KioskError", "HallApiError", "HallUnreachable", "IdNumberInvalid"]
