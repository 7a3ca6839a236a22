"""The clerk's actions, their default hotkeys, and the pad's caller keys that trigger them.

One catalogue serves the buttons, the keyboard and the pad (叫号器): whichever the
clerk uses, the console receives the same action name, so a key on the pad does
exactly what the button does (issue 5 "keys from a pad's caller keys").
Pure: key sequences are plain strings (``"F1"``, ``"Ctrl+R"``); the Qt shell turns
them into ``QKeySequence``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

CALL_NEXT = "call_next"
RECALL = "recall"
NO_SHOW = "no_show"
START = "start"
FINISH = "finish"
TRANSFER = "transfer"
CALL_TICKET = "call_ticket"          # 特呼: a chosen waiting ticket
REQUEUE = "requeue"                  # 过号重排
SUSPEND = "suspend"                  # 挂起 the ticket being served
UNSUSPEND = "unsuspend"
PAUSE = "pause"                      # 暂停服务 (the window), with a reason
RESUME = "resume"
OPEN = "open"                        # 开启窗口: 恢复服务 on a window that is closed
HELP = "help"                        # the pad's help key: shown to the clerk, never sent


@dataclass(frozen=True)
class ActionSpec:
    """One action: its name, labels, default hotkey and whether it calls someone."""

    name: str
    zh: str
    en: str
    hotkey: str
    calls: bool = False           # call-type actions share the 3 s debounce (anchors-queue.md (d) 11)
    needs_choice: bool = False    # the shell asks first (which ticket, where to, why)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(CALL_NEXT, "叫号", "Call next", "F1", calls=True),
    ActionSpec(RECALL, "重呼", "Recall", "F2", calls=True),
    ActionSpec(NO_SHOW, "过号", "No-show", "F3"),
    ActionSpec(START, "开始办理", "Start", "F4"),
    ActionSpec(FINISH, "办结", "Finish", "F5"),
    ActionSpec(TRANSFER, "转移", "Transfer", "F6", needs_choice=True),
    ActionSpec(CALL_TICKET, "特呼", "Call chosen", "F7", calls=True, needs_choice=True),
    ActionSpec(SUSPEND, "挂起", "Suspend", "F8"),
    ActionSpec(UNSUSPEND, "恢复办理", "Unsuspend", "Shift+F8"),
    ActionSpec(PAUSE, "暂停服务", "Pause", "F9", needs_choice=True),
    ActionSpec(RESUME, "恢复服务", "Resume", "Shift+F9"),
    ActionSpec(REQUEUE, "过号重排", "Requeue", "F10", needs_choice=True),
    ActionSpec(OPEN, "开启窗口", "Open window", ""),
)
BY_NAME: dict[str, ActionSpec] = {a.name: a for a in ACTIONS}
CALL_ACTIONS = frozenset(a.name for a in ACTIONS if a.calls)
DEFAULT_HOTKEYS: dict[str, str] = {a.name: a.hotkey for a in ACTIONS}

# protocols/evalpad.md KEY codes 01..08 → console actions (help is only shown).
PAD_KEYS: dict[str, str] = {
    "call_next": CALL_NEXT, "recall": RECALL, "no_show": NO_SHOW, "start": START,
    "finish": FINISH, "pause": PAUSE, "resume": RESUME, "help": HELP,
}

_MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")
_NAMED_KEYS = {f"F{n}" for n in range(1, 25)} | {"Space", "Return", "Enter", "Insert", "Delete", "Home", "End",
                                                   "PgUp", "PgDown", "Pause", "Backspace", "Tab", "Esc"}


class HotkeyError(ValueError):
    """A hotkey table that cannot be used; Chinese message first, then English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.message, self.message_en = zh, en


def normalise_key(sequence: str) -> str:
    """``"ctrl + r"`` → ``"Ctrl+R"``; raises HotkeyError for a sequence no keyboard has."""
    parts = [p.strip() for p in str(sequence).split("+")]
    if not parts or any(not p for p in parts):
        raise HotkeyError(f"快捷键格式不对：{sequence!r}", f"bad hotkey {sequence!r}")
    *mods, key = parts
    mods = [_canonical_modifier(m, sequence) for m in mods]
    if len(set(mods)) != len(mods):
        raise HotkeyError(f"快捷键修饰键重复：{sequence!r}", f"repeated modifier in {sequence!r}")
    key = _canonical_key(key, sequence)
    ordered = [m for m in _MODIFIERS if m in mods]
    return "+".join([*ordered, key])


def _canonical_modifier(name: str, sequence: str) -> str:
    for mod in _MODIFIERS:
        if name.lower() == mod.lower():
            return mod
    raise HotkeyError(f"未知的修饰键 {name!r}（{sequence!r}）", f"unknown modifier {name!r} in {sequence!r}")


def _canonical_key(key: str, sequence: str) -> str:
    if len(key) == 1 and key.isascii() and key.isprintable() and key != " ":
        return key.upper()
    for named in _NAMED_KEYS:
        if key.lower() == named.lower():
            return named
    raise HotkeyError(f"未知的按键 {key!r}（{sequence!r}）", f"unknown key {key!r} in {sequence!r}")


class HotkeyMap:
    """Which action a key sequence triggers; built from defaults plus the config's overrides."""

    def __init__(self, overrides: Mapping[str, str | None] | None = None):
        """``overrides``: action name → key sequence, or ``""``/None to give the action no key.

        Raises:
            HotkeyError: unknown action, malformed key, or one key bound to two actions.
        """
        table = dict(DEFAULT_HOTKEYS)
        for action, key in (overrides or {}).items():
            if action not in BY_NAME:
                raise HotkeyError(f"没有这个操作：{action}", f"no such action {action!r}")
            table[action] = key or ""
        self._by_action = {a: normalise_key(k) for a, k in table.items() if k}
        self._by_key: dict[str, str] = {}
        for action, key in self._by_action.items():
            if key in self._by_key:
                raise HotkeyError(f"快捷键 {key} 同时分配给了“{BY_NAME[self._by_key[key]].zh}”和“{BY_NAME[action].zh}”",
                                  f"hotkey {key} is bound to both {self._by_key[key]} and {action}")
            self._by_key[key] = action

    def action_for(self, sequence: str) -> str | None:
        """The action bound to ``sequence`` (any spelling), or None."""
        try:
            return self._by_key.get(normalise_key(sequence))
        except HotkeyError:
            return None

    def key_for(self, action: str) -> str:
        """The key bound to ``action``, or ``""``."""
        return self._by_action.get(action, "")

    def items(self) -> Iterable[tuple[str, str]]:
        """(action, key) pairs in the catalogue's order."""
        return [(a.name, self._by_action[a.name]) for a in ACTIONS if a.name in self._by_action]


def action_for_pad_key(key: str) -> str | None:
    """The console action for a HEP/1 KEY event name (``KeyPress.key``), or None."""
    return PAD_KEYS.get(key)
