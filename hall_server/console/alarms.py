"""What the manager console alarms about, as pure functions over plain data.

Four sources: the waiting line (wait time and length, domain.md Q-01), device health
(heartbeats, printer paper, anchors-queue.md #14 and SS-06), kiosk help requests
(呼叫帮办, domain.md ACC-11) and 差评整改 cases near or past their deadline (HCP-55).
Each alarm carries ``params`` so the console can word it in its own language, and a
finished Chinese and English message for every other reader.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from hall_server.domain.cases import SETTLED_STATES

WARNING, ALARM = "warning", "alarm"
# A case whose deadline clock has stopped (answered, appeal upheld, closed) raises no
# alarm: the same states the case loop treats as settled.
OPEN_CASE_STATES_EXCLUDED = SETTLED_STATES


@dataclass(frozen=True)
class Alarm:
    """One thing a manager should look at now."""

    kind: str      # queue_wait | queue_length | queue_unserved | device_offline | paper_near_end | paper_out | device_fault
                   # | help_open | case_overdue | case_due_soon
    level: str     # "warning" | "alarm"
    target: str    # category code, device name, help request id or case id
    message: str
    message_en: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "level": self.level, "target": self.target, "message": self.message,
                "message_en": self.message_en, "params": self.params}


@dataclass(frozen=True)
class Thresholds:
    """The ``[console]`` thresholds, as the pure functions need them."""

    wait_minutes: int = 15
    queue_length: int = 10
    offline_minutes: int = 5
    help_escalate_minutes: int = 3
    case_due_hours: int = 24


def minutes_between(earlier: datetime, later: datetime) -> int:
    """Whole minutes from ``earlier`` to ``later`` (never negative)."""
    return max(0, int((later - earlier).total_seconds() // 60))


def queue_alarms(categories: Iterable[dict], limits: Thresholds) -> list[Alarm]:
    """Alarms for category figures ``{code, name, waiting, longest_wait_min, open_windows?}``:
    too many waiting, someone waiting too long, or people waiting where no window is
    open to call them (跨窗通办 or open a 潮汐窗口, domain.md Q-01/Q-02)."""
    found = []
    for c in categories:
        if c["waiting"] and c.get("open_windows") == 0:
            found.append(Alarm("queue_unserved", ALARM, c["code"],
                               f"{c['name']}有 {c['waiting']} 人等候，但没有开放的窗口",
                               f"{c['waiting']} people wait for {c['name']} but no window serving it is open",
                               {"category": c["code"], "name": c["name"], "waiting": c["waiting"]}))
        if c["waiting"] >= limits.queue_length:
            found.append(Alarm("queue_length", ALARM, c["code"],
                               f"{c['name']}等候 {c['waiting']} 人，达到报警人数 {limits.queue_length} 人",
                               f"{c['waiting']} people wait for {c['name']}; the alarm level is {limits.queue_length}",
                               {"category": c["code"], "name": c["name"], "waiting": c["waiting"],
                                "limit": limits.queue_length}))
        longest = c.get("longest_wait_min") or 0
        if c["waiting"] and longest > limits.wait_minutes:
            found.append(Alarm("queue_wait", ALARM, c["code"],
                               f"{c['name']}最长已等候 {longest} 分钟，超过 {limits.wait_minutes} 分钟",
                               f"the longest wait for {c['name']} is {longest} min, over {limits.wait_minutes} min",
                               {"category": c["code"], "name": c["name"], "minutes": longest,
                                "limit": limits.wait_minutes}))
    return found


def device_problems(device: dict, now: datetime, offline_minutes: int) -> list[dict]:
    """Problems of one device row ``{name, last_seen, components}``: offline, printer
    paper near its end or out, or a component that reports ``ok: false``."""
    silent = minutes_between(datetime.fromisoformat(device["last_seen"]), now)
    if silent >= offline_minutes:
        return [{"kind": "device_offline", "level": ALARM, "component": None, "minutes": silent}]
    problems = []
    for name, state in sorted((device.get("components") or {}).items()):
        state = state if isinstance(state, dict) else {}
        if state.get("state") == "absent":  # a component this device is configured without (未配置)
            continue
        paper = state.get("paper")
        if paper == "out":
            problems.append({"kind": "paper_out", "level": ALARM, "component": name})
        elif paper == "near_end":
            problems.append({"kind": "paper_near_end", "level": WARNING, "component": name})
        elif state.get("ok") is False:
            # drivers/status.py DeviceStatus.as_component: the driver's own words, both languages
            problems.append({"kind": "device_fault", "level": ALARM, "component": name,
                             "message": str(state.get("message") or "")[:120],
                             "message_en": str(state.get("message_en") or "")[:120]})
    return problems


_DEVICE_TEXT = {
    "device_offline": ("{device} 已 {minutes} 分钟无心跳，可能离线", "{device} has been silent for {minutes} min; it may be offline"),
    "paper_out": ("{device} 的{component}缺纸，请及时更换纸卷", "{device}: {component} is out of paper"),
    "paper_near_end": ("{device} 的{component}纸将用尽，请准备纸卷", "{device}: {component} paper is near its end"),
    "device_fault": ("{device} 的{component}报告故障", "{device}: {component} reports a fault"),
}


def device_alarms(devices: Iterable[dict], now: datetime, limits: Thresholds) -> list[Alarm]:
    """One alarm per problem of every device."""
    found = []
    for device in devices:
        for problem in device_problems(device, now, limits.offline_minutes):
            params = {"device": device["name"], "component": problem["component"] or "",
                      "minutes": problem.get("minutes", 0)}
            zh, en = _DEVICE_TEXT[problem["kind"]]
            found.append(Alarm(problem["kind"], problem["level"], device["name"], zh.format(**params),
                               en.format(**params), params))
    return found


def help_alarms(open_requests: Iterable[dict], now: datetime, limits: Thresholds) -> list[Alarm]:
    """Every open help request; a warning at first, an alarm once it waited too long."""
    found = []
    for req in open_requests:
        waited = minutes_between(datetime.fromisoformat(req["requested_at"]), now)
        level = ALARM if waited >= limits.help_escalate_minutes else WARNING
        place = req.get("location") or req["device"]
        params = {"device": req["device"], "location": place, "minutes": waited, "times": req.get("times", 1)}
        found.append(Alarm("help_open", level, req["id"], f"{place} 呼叫帮办，已等 {waited} 分钟",
                           f"{place} asks for help; waiting {waited} min", params))
    return found


def case_alarms(cases: Iterable[dict], now: datetime, limits: Thresholds) -> list[Alarm]:
    """Open cases past their deadline (alarm) or due within ``case_due_hours`` (warning)."""
    found = []
    soon = timedelta(hours=limits.case_due_hours)
    for case in cases:
        if case["state"] in OPEN_CASE_STATES_EXCLUDED:
            continue
        deadline = datetime.fromisoformat(case["deadline"])
        params = {"case": case["id"], "number": case.get("ticket_number") or "", "deadline": case["deadline"]}
        if deadline < now:
            found.append(Alarm("case_overdue", ALARM, case["id"], f"差评工单 {params['number']} 已超过整改期限",
                               f"bad-review case {params['number']} is past its deadline", params))
        elif limits.case_due_hours and deadline - now <= soon:
            found.append(Alarm("case_due_soon", WARNING, case["id"], f"差评工单 {params['number']} 即将到期",
                               f"bad-review case {params['number']} is due soon", params))
    return found


def ranked(alarms: Iterable[Alarm]) -> list[Alarm]:
    """Alarms before warnings; otherwise in the order given."""
    alarms = list(alarms)
    return [a for a in alarms if a.level == ALARM] + [a for a in alarms if a.level != ALARM]
