"""The agents' hold on the event stream, and the voice agent against a live server."""
from __future__ import annotations

import json
import shutil
import signal
import threading
from datetime import datetime

from hall_server.agents import runner
from hall_server.agents.stream import EventConsumer, SeqFile


def test_the_seq_file_round_trips_and_survives_garbage(tmp_path):
    state = SeqFile(tmp_path / "deep" / "voice.json")
    assert state.load() is None
    state.save(41)
    assert state.load() == 41 and not list(tmp_path.glob("deep/*.tmp"))
    for junk in ("", "{", '{"seq": -3}', '{"seq": "7"}', "[]"):
        state.path.write_text(junk)
        assert state.load() is None


def test_where_a_consumer_starts(tmp_path):
    state = SeqFile(tmp_path / "s.json")
    consumer = EventConsumer(None, state, lambda e: None)
    assert consumer.start_seq(head=30) == 30            # a new agent does not replay history
    state.save(12)
    assert consumer.start_seq(head=30) == 12            # a restarted one goes on where it stopped
    assert consumer.start_seq(head=5) == 5              # the hall's data was replaced
    assert EventConsumer(None, state, lambda e: None, resume=False).start_seq(head=30) == 30


class Agent:
    """The voice agent in a thread, stoppable and restartable."""

    def __init__(self, server, tone_pack, tmp_path):
        self.server, self.out, self.state = server, tmp_path / "wav", tmp_path / "voice.json"
        self.pack = tone_pack

    def start(self):
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=runner.run_voice, daemon=True, args=(
            self.server.base_url, self.server.tokens["agent"]), kwargs=dict(
            sink=f"wav:{self.out}", pack=str(self.pack), state=self.state, stop=self.stop_event))
        self.thread.start()
        return self

    def stop(self):
        self.stop_event.set()
        self.thread.join(10)
        assert not self.thread.is_alive()

    def texts(self):
        return [json.loads(p.read_text())["text"] for p in sorted(self.out.glob("*.json"))]


def test_the_voice_agent_announces_calls_and_after_a_restart_only_the_missed_ones(live_server, tone_pack, tmp_path, wait):
    live_server.issue("A")
    live_server.post("/windows/w1/call-next")            # before the agent: history, not spoken
    agent = Agent(live_server, tone_pack, tmp_path).start()
    wait(lambda: agent.state.exists())
    live_server.issue("A")
    live_server.post("/windows/w2/call-next")
    wait(lambda: agent.texts() == ["请 A002 号 到 12 号窗口 办理"])
    agent.stop()

    live_server.issue("A")                                # while the agent is down
    for action in ("start", "finish", "call-next"):
        live_server.window("w1", action)
    agent.start()
    wait(lambda: len(agent.texts()) == 2)
    live_server.window("w1", "recall")
    wait(lambda: len(agent.texts()) == 3)
    agent.stop()
    assert agent.texts() == ["请 A002 号 到 12 号窗口 办理", "请 A003 号 到 1 号窗口 办理", "请 A003 号 到 1 号窗口 办理"]
    assert SeqFile(agent.state).load() == live_server.session("agent").get(
        f"{live_server.base_url}/api/v1/queue").json()["seq"]
    # The announcer dates calls by the events' ``at``: it must carry its offset.
    at = live_server.hall.store.events_since(0, 1)[0]["at"]
    assert datetime.fromisoformat(at).utcoffset() is not None


def test_the_voice_agent_waits_for_a_server_that_is_down(live_server, tone_pack, tmp_path, wait):
    live_server.stop()
    agent = Agent(live_server, tone_pack, tmp_path).start()
    live_server.start()
    wait(lambda: agent.state.exists(), timeout=15)
    live_server.issue("B")
    live_server.post("/windows/w3/call-next")
    wait(lambda: agent.texts() == ["请 B001 号 到 3 号窗口 办理"])
    agent.stop()


def test_the_demo_starts_both_agents_as_processes_that_stop_on_sigterm(live_server, tone_pack, tmp_path, wait, monkeypatch):
    pack = shutil.copytree(tone_pack, tmp_path / "pack")
    (pack / "pack.json").write_text('{"version": 1}')      # a complete pack: nothing to generate
    monkeypatch.setenv("HALLTERM_VOICE_PACK", str(pack))
    procs = runner.spawn_demo_agents(live_server.base_url, live_server.tokens["agent"], tmp_path, sink="none")
    try:
        wait(lambda: (tmp_path / "agents" / "voice.json").exists() and (tmp_path / "agents" / "led.json").exists(),
             timeout=30)
        live_server.issue("B")
        live_server.post("/windows/w3/call-next")
        wait(lambda: "请 B001 号 到 3 号窗口 办理" in (tmp_path / "agents" / "voice.log").read_text(errors="replace"))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
    assert [proc.wait(10) for proc in procs] == [0, 0]
    assert live_server.tokens["agent"] not in " ".join(" ".join(p.args) for p in procs)
