"""Running an agent as a program: connect, read settings, follow events until stopped.

Both agents need only the server's address and an agent-role token; wording,
voice and LED settings come from the hall (``GET /display/settings``), and
command-line options override them. The agent reports itself with
``POST /devices/heartbeat`` every minute, so the manager console sees a dead one.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from hall_server.agents.errors import AgentError
from hall_server.agents.led import LedAgent, LedPresenter
from hall_server.agents.stream import AgentClient, EventConsumer, SeqFile, ServerClock, default_state_file
from hall_server.agents.voice import Announcer
from hall_server.agents.voicepack import VoicePack, default_pack_dir
from hall_server.config.agents import LedSettings, VoiceSettings
from kiosk.hall_client import HallApiError, HallUnreachable

log = logging.getLogger(__name__)
HEARTBEAT_S = 60.0


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or Ctrl-C."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def wait_for(stop: threading.Event, fetch: Callable[[], dict], what: str, retry_s: float = 2.0) -> dict | None:
    """``fetch()`` once the server answers; None if stopped first. 401/403 are raised."""
    while not stop.is_set():
        try:
            return fetch()
        except HallUnreachable as exc:
            log.warning("%s: hall server not reachable (%s); retrying", what, exc.detail)
        except HallApiError as exc:
            if exc.status in (401, 403):
                raise
            log.warning("%s: %s", what, exc)
        stop.wait(retry_s)
    return None


def heartbeat(client: AgentClient, device: str, components: Callable[[], dict], stop: threading.Event) -> None:
    """Report ``components()`` every minute until stopped (a thread's body)."""
    while not stop.is_set():
        try:
            client.heartbeat(device, components())
        except (HallUnreachable, HallApiError) as exc:
            log.info("heartbeat not sent: %s", exc)
        stop.wait(HEARTBEAT_S)


def _start_heartbeat(client, device, components, stop) -> None:
    threading.Thread(target=heartbeat, args=(client, device, components, stop), name="agent-heartbeat",
                     daemon=True).start()


def voice_settings(hall_settings: dict, *, sink: str | None, pack: str | None, zones: list[str] | None) -> VoiceSettings:
    """The hall's voice settings with command-line overrides."""
    settings = VoiceSettings.model_validate(hall_settings.get("voice", {}))
    changes = {k: v for k, v in (("sink", sink), ("pack_dir", pack), ("zones", zones)) if v}
    return VoiceSettings.model_validate(settings.model_dump() | changes)


def load_pack(directory: str) -> VoicePack:
    """The configured pack; the default one is generated first if it is missing."""
    if not directory and not (default_pack_dir() / "pack.json").exists():
        from hall_server.agents.packbuild import build_default_pack
        log.info("voice pack missing; generating the default pack in %s", default_pack_dir())
        build_default_pack(default_pack_dir(), report=log.info)
    return VoicePack.load(directory or None)


def run_voice(server: str, token: str, *, sink: str | None = None, pack: str | None = None,
              zones: list[str] | None = None, state: Path | None = None,
              stop: threading.Event | None = None) -> int:
    """The voice agent: announce every call until ``stop``; returns the last handled seq."""
    from hall_server.agents.sinks import make_sink

    stop = stop or stop_on_signals()
    client = AgentClient(server, token)
    hall_settings = wait_for(stop, client.settings, "voice")
    if hall_settings is None:
        return 0
    settings = voice_settings(hall_settings, sink=sink, pack=pack, zones=zones)
    clock = ServerClock(client)
    catalogue = client.hall()
    announcer = Announcer(load_pack(settings.pack_dir), make_sink(settings.sink), settings,
                          call_template=hall_settings["call_text"], server_now=clock.now, resync=clock.refresh,
                          window_zones={w["id"]: w.get("zone") for w in catalogue["windows"]})
    announcer.check_vocabulary("".join(c["prefix"] for c in catalogue["categories"]))
    unknown = set(settings.zones) - {z["code"] for z in catalogue["zones"]}
    if unknown:
        log.warning("voice: zones %s are not in the hall; calls there are never announced", sorted(unknown))
    announcer.start()
    _start_heartbeat(client, f"voice@{socket.gethostname()}",
                     lambda: {"voice": {"ok": True, "sink": settings.sink, "pack": str(announcer.pack.directory)}}, stop)
    consumer = EventConsumer(client, SeqFile(state or default_state_file("voice")), announcer.handle, name="voice")
    try:
        return consumer.run(stop)
    finally:
        announcer.stop()


def led_settings(hall_settings: dict, *, bus: str | None, vendor: str | None, strip: int | None) -> LedSettings:
    settings = LedSettings.model_validate(hall_settings.get("led", {}))
    changes = {k: v for k, v in (("bus_url", bus), ("vendor", vendor), ("strip_address", strip)) if v}
    return LedSettings.model_validate(settings.model_dump() | changes)


def run_led(server: str, token: str, *, bus: str | None = None, vendor: str | None = None,
            strip: int | None = None, state: Path | None = None, stop: threading.Event | None = None) -> int:
    """The LED agent: screens follow the hall until ``stop``; returns the last handled seq."""
    stop = stop or stop_on_signals()
    client = AgentClient(server, token)
    hall_settings = wait_for(stop, client.settings, "led")
    if hall_settings is None:
        return 0
    settings = led_settings(hall_settings, bus=bus, vendor=vendor, strip=strip)
    if not settings.bus_url:
        raise AgentError("没有配置 LED 总线（[agents.led] bus_url 或 --bus）", "no LED bus configured ([agents.led] bus_url or --bus)")
    screens, agent = build_led(settings, client.hall()["windows"])
    _start_heartbeat(client, f"led@{socket.gethostname()}", lambda: {"led": screens.status.as_component()}, stop)
    try:
        snapshot = wait_for(stop, client.queue, "led")
        if snapshot is None:
            return 0
        agent.sync(snapshot)
        # The snapshot is the hall at its seq: the screens are right without replaying older events.
        consumer = EventConsumer(client, SeqFile(state or default_state_file("led")), agent.handle, name="led",
                                 resume=False)
        return consumer.run(stop, head=int(snapshot["seq"]))
    finally:
        agent.feed.wait_idle(2.0)
        screens.stop()


def build_led(settings: LedSettings, windows: list[dict], **bus_options) -> tuple["LedBus", LedAgent]:
    """The started bus and the agent; after the bus comes back (cable, power) every
    screen is sent its text again: a screen that lost power forgets what it showed."""
    from drivers.led.driver import LedBus
    from drivers.led.protocol import TextPolicy

    presenter = LedPresenter(settings, windows)
    holder: list[LedAgent] = []

    def status_changed(status) -> None:
        # Called on the bus's worker thread before it takes frames: resend from another thread.
        if status.state == "ok" and holder:
            threading.Thread(target=lambda: screens.wait_connected(5) and holder[0].resend(),
                             name="led-resend", daemon=True).start()

    screens = LedBus(settings.bus_url, vendor=settings.vendor, addresses=presenter.addresses or (1,),
                     text_policy=TextPolicy(settings.encoding, "replace"), frame_gap=settings.frame_gap_ms / 1000,
                     on_status=status_changed, **bus_options)
    holder.append(LedAgent(screens, presenter))
    return screens.start(), holder[0]


def spawn_demo_agents(base_url: str, token: str, data_dir: Path, *, led_bus: str = "emu://led?vendor=shuangse",
                      sink: str = "auto") -> list[subprocess.Popen]:
    """Start both agents as child processes for ``hall_server demo`` (stop them with terminate()).

    State files go to ``data_dir/agents``; the token travels in the environment, not argv.
    """
    env = {**os.environ, "HALLTERM_AGENT_TOKEN": token}
    logs = data_dir / "agents"
    logs.mkdir(parents=True, exist_ok=True)
    commands = {
        "voice": ["voice", "--sink", sink, "--state", str(logs / "voice.json")],
        "led": ["led", "--bus", led_bus, "--state", str(logs / "led.json")],
    }
    started = []
    for name, args in commands.items():
        with open(logs / f"{name}.log", "ab") as out:
            started.append(subprocess.Popen([sys.executable, "-m", "hall_server.agents", *args, "--server", base_url],
                                            env=env, stdout=out, stderr=subprocess.STDOUT))
    return started
