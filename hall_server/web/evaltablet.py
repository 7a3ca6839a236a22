"""The window's evaluation tablet page (``/evaltablet?window=w05&token=…``): 一次一评 on a
tablet facing the resident, served by the hall server (docs/counter.md "Evaluation modes").

The page is bound to one window by its URL and authorised by a counter device token of
that window (``?token=``; EventSource cannot send headers, so the stream takes
``access_token``). It follows ``/api/v1/events`` and, when a ticket of its window is
finished (``ticket.done``), asks the resident for one of the five levels, reasons for a
bad one, and posts the rating itself with channel ``web`` and one request_id per
rating; no answer within the hall's timeout is reported as 未评. What the page embeds
is the hall's published configuration (window names, reasons), never personal data.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from hall_server.api.deps import get_hall
from hall_server.errors import HallError
from hall_server.runtime import Hall

router = APIRouter(tags=["evaltablet"])

WEB = Path(__file__).resolve().parent
STATIC = WEB / "static" / "evaltablet"
PAGES = Environment(loader=FileSystemLoader(WEB / "templates" / "evaltablet"), autoescape=select_autoescape(["html"]))
_STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(css|js)$")
NO_STORE = {"Cache-Control": "no-cache"}
LEVELS = [(5, "非常满意", "Very satisfied"), (4, "满意", "Satisfied"), (3, "基本满意", "Fairly satisfied"),
          (2, "不满意", "Dissatisfied"), (1, "非常不满意", "Very dissatisfied")]


def _json(data: dict) -> str:
    """JSON safe inside ``<script type="application/json">``."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tablet_config(hall: Hall, window_id: str) -> dict | None:
    """The page's configuration for ``window_id``, or None when the hall has no such window."""
    window = next((w for w in hall.config.windows if w.id == window_id), None)
    if window is None:
        return None
    evaluation = hall.config.evaluation
    return {"hall": hall.config.hall.name, "window": {"id": window.id, "number": window.number, "name": window.name},
            "reasons": list(evaluation.bad_reasons), "timeout_s": evaluation.timeout_seconds, "thanks_s": 4,
            "levels": [{"level": lv, "zh": zh, "en": en} for lv, zh, en in LEVELS]}


@router.get("/evaltablet", response_class=HTMLResponse, include_in_schema=False)
async def tablet_page(window: str = Query(max_length=32), hall: Hall = Depends(get_hall)):
    """The resident-facing evaluation page of one window."""
    config = tablet_config(hall, window)
    if config is None:
        html = PAGES.get_template("error.html").render(message_zh=f"没有窗口“{window}”",
                                                       message_en=f"no window {window!r}")
        return HTMLResponse(html, status_code=404, headers=NO_STORE)
    html = PAGES.get_template("index.html").render(config=config, config_json=_json(config))
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/static/evaltablet/{name}", include_in_schema=False)
async def static_file(name: str):
    """The page's CSS and script (a fixed folder, names checked)."""
    path = STATIC / name
    if not _STATIC_NAME.match(name) or not path.is_file():
        raise HallError("not_found", "没有这个文件", "no such file", status=404)
    return FileResponse(path, headers=NO_STORE)
