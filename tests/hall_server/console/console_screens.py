"""Screenshots of every manager-console page for docs/screens/ (1440×900, headless
Chromium), on the example hall after a seeded morning (tickets served and rated,
bad reviews, a paused window, devices, a help request).

    .venv/bin/python tests/hall_server/console/console_screens.py [--out docs/screens] [--lang zh-CN|en]

Not collected by pytest (no test_ prefix); it reuses this folder's conftest.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PAGES = ["login", "windows", "queues", "cases", "stats", "devices", "report"]


def load_site_helpers():
    spec = importlib.util.spec_from_file_location("console_site", HERE / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["console_site"] = module
    spec.loader.exec_module(module)
    return module


def start_site(helpers, data_dir: Path):
    from hall_server.app import Settings, build_hall, create_app
    from hall_server.clock import FakeClock

    clock = FakeClock(helpers.MONDAY)
    hall = build_hall(Settings(config_path=helpers.EXAMPLE, data_dir=data_dir, clock=clock))
    tokens = helpers._users_and_tokens(hall)
    port = helpers.free_port()
    server = helpers.ServerThread(create_app(hall=hall), port)
    server.start()
    return server, helpers.HallSite(hall, clock, f"http://127.0.0.1:{port}", tokens)


def shoot(helpers, site, out: Path, lang: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    suffix = "" if lang == "zh-CN" else f"-{lang}"
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=helpers.CHROMIUM_ARGS + [f"--lang={lang}"])
        tab = browser.new_context(viewport={"width": 1440, "height": 900}, locale=lang).new_page()
        errors = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(site.url(f"login?lang={lang}"))
        written.append(out / f"console-login{suffix}.png")
        tab.screenshot(path=str(written[-1]))
        tab.fill("#username", "manager")
        tab.fill("#password", helpers.PASSWORD)
        tab.click("#login-submit")
        tab.wait_for_url("**/console/windows")
        for page in PAGES[1:]:
            tab.goto(site.url(page))
            tab.wait_for_selector("body[data-loaded=true]")
            if page == "cases":
                tab.locator("#case-table tbody tr[aria-selected=true]").first.wait_for()
            tab.wait_for_timeout(300)  # fonts settle
            written.append(out / f"console-{page}{suffix}.png")
            tab.screenshot(path=str(written[-1]))
        browser.close()
    if errors:
        raise SystemExit(f"script errors on the pages: {errors}")
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en"])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    helpers = load_site_helpers()
    with tempfile.TemporaryDirectory() as data:
        server, site = start_site(helpers, Path(data))
        try:
            started = time.monotonic()
            helpers.seed_day(site, helpers.MONDAY.replace(hour=11, minute=20))
            print(f"seeded the morning in {time.monotonic() - started:.1f} s")
            for path in shoot(helpers, site, args.out, args.lang):
                print(path)
        finally:
            server.stop()
            site.hall.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
