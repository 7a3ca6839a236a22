"""The hall display (``/display``), the resident's phone page (``/t/{status_token}``)
and the settings the display and the agents read (``/display/settings``).

The pages are plain HTML, CSS and JavaScript served from this package: no build
step and nothing from the Internet (a hall LAN often has no Internet). They hold
no live data: the display fetches ``/api/v1/queue`` and follows ``/api/v1/events``
with the display token from its own URL (``?token=``; EventSource cannot send
headers, so the stream takes ``access_token``); the phone page polls the public
``/api/v1/ticket-status/{status_token}``. What they embed is the hall's published
configuration (names, zones, windows, notices), never personal data.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from hall_server.api.deps import get_hall, roles
from hall_server.auth import Principal
from hall_server.errors import HallError
from hall_server.runtime import Hall

router = APIRouter(tags=["display"])

WEB = Path(__file__).resolve().parent
STATIC = WEB / "static" / "display"
PAGES = Environment(loader=FileSystemLoader(WEB / "templates" / "display"), autoescape=select_autoescape(["html"]))
_STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(css|js|png|svg|woff2)$")
NO_STORE = {"Cache-Control": "no-cache"}


def display_url(base_url: str, token: str, zone: str | None = None) -> str:
    """The address to open on a hall TV (``hall_server demo`` prints it)."""
    return f"{base_url.rstrip('/')}/display?token={quote(token, safe='')}" + (f"&zone={quote(zone, safe='')}" if zone else "")


def page_json(data: dict) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def display_config(hall: Hall, zone: str | None) -> dict:
    """What the display page needs besides live data: the hall's published configuration."""
    config = hall.config
    return {
        "hall": {"name": config.hall.name, "notices": config.hall.notices, "timezone": config.hall.timezone},
        "zone": next(({"code": z.code, "name": z.name} for z in config.zones if z.code == zone), None),
        "call_text": config.agents.call_text,
        "display": config.agents.display.model_dump(),
        "categories": [{"code": c.code, "name": c.name, "prefix": c.prefix, "zone": c.zone} for c in config.categories],
        "windows": [{"id": w.id, "number": w.number, "name": w.name, "zone": w.zone} for w in config.windows],
    }


def _error_page(status: int, zh: str, en: str) -> HTMLResponse:
    html = PAGES.get_template("error.html").render(message_zh=zh, message_en=en)
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


@router.get("/display", response_class=HTMLResponse, include_in_schema=False)
async def display_page(hall: Hall = Depends(get_hall), zone: str | None = Query(default=None, max_length=40)):
    """The hall TV; ``?zone=CODE`` shows one zone's categories and windows, ``?token=`` authorises it."""
    if zone and not any(z.code == zone for z in hall.config.zones):
        known = "、".join(z.code for z in hall.config.zones) or "—"
        return _error_page(404, f"没有编码为“{zone}”的区域（可用：{known}）", f"no zone {zone!r} (known: {known})")
    config = display_config(hall, zone)
    html = PAGES.get_template("display.html").render(config=config, config_json=page_json(config))
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/t/{status_token}", response_class=HTMLResponse, include_in_schema=False)
async def ticket_page(status_token: str, hall: Hall = Depends(get_hall)):
    """The resident's phone page for one ticket (the QR code on the slip points here)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{4,64}", status_token):
        return _error_page(404, "号票查询地址不正确", "this ticket address is not valid")
    config = {"status_token": status_token, "hall": {"name": hall.config.hall.name,
                                                     "help_desk": hall.config.hall.help_desk},
              "poll_seconds": hall.config.agents.display.phone_poll_seconds}
    html = PAGES.get_template("ticket.html").render(config=config, config_json=page_json(config))
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/display/settings")
async def settings(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("any"))):
    """Call wording, display, voice and LED settings, zones: what displays and agents read at start."""
    agents = hall.config.agents.model_dump(mode="json")
    return {"hall": {"name": hall.config.hall.name, "notices": hall.config.hall.notices},
            "zones": [{"code": z.code, "name": z.name} for z in hall.config.zones], **agents}


@router.get("/static/display/{name}", include_in_schema=False)
async def static_file(name: str):
    """The pages' CSS and scripts (a fixed folder, names checked: no path can leave it)."""
    path = STATIC / name
    if not _STATIC_NAME.match(name) or not path.is_file():
        raise HallError("not_found", "没有这个文件", "no such file", status=404)
    return FileResponse(path, headers=NO_STORE)
