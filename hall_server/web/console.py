"""Manager console pages (docs/manager-console.md).

The pages hold no data: each is an HTML shell rendered in the chosen language from
the console's message catalogue (``static/console/i18n/<lang>.json``, the one source
of UI strings for both the templates and the scripts), and a script that logs in
through the API, keeps the token in ``sessionStorage`` and follows the event stream.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from hall_server.errors import not_found

router = APIRouter(tags=["web"], include_in_schema=False)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static" / "console"
LANGUAGES = ("zh-CN", "en")       # Chinese first (CONVENTIONS.md "Text")
LANG_COOKIE = "hallterm_console_lang"
PAGES = ("windows", "queues", "cases", "stats", "devices", "report")
SECURITY_HEADERS = {
    # Scripts and styles only from this server: no CDN, nothing inline that runs.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """The message catalogue of ``lang`` (a key → text mapping)."""
    return json.loads((STATIC / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def translate(lang: str, key: str, **params) -> str:
    """The text of ``key`` with ``{name}`` placeholders filled; the key itself if missing."""
    text = catalogue(lang).get(key, key)
    for name, value in params.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def chosen_language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGUAGES else LANGUAGES[0]


def render(request: Request, template: str, page: str) -> HTMLResponse:
    lang = chosen_language(request)
    strings = json.dumps(catalogue(lang), ensure_ascii=False).replace("</", "<\\/")
    html = _env.get_template(f"console/{template}").render(
        lang=lang, page=page, pages=PAGES, other_lang=LANGUAGES[1] if lang == LANGUAGES[0] else LANGUAGES[0],
        t=lambda key, **params: translate(lang, key, **params), catalogue_json=Markup(strings))
    response = HTMLResponse(html, headers=SECURITY_HEADERS)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict")
    return response


@router.get("/console")
async def console_home():
    return RedirectResponse("/console/windows", status_code=307)


@router.get("/console/login")
async def login_page(request: Request):
    return render(request, "login.html", "login")


@router.get("/console/static/{path:path}")
async def static_file(path: str):
    """Files under static/console only (no path escapes)."""
    target = (STATIC / path).resolve()
    if not target.is_file() or STATIC not in target.parents:
        raise not_found("文件", "file")
    return FileResponse(target, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def _page(name: str):
    async def page(request: Request):
        return render(request, f"{name}.html", name)

    page.__name__ = f"console_{name}_page"
    router.add_api_route(f"/console/{name}", page, methods=["GET"], name=page.__name__, include_in_schema=False)


for _name in PAGES:
    _page(_name)
