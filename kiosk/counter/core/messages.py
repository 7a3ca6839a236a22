"""What the console tells the clerk: one catalogue, Chinese first, English second.

Server refusals keep the server's own message (API.md guarantees it is fit to show
and it names the ticket, e.g. "当前号 A023 尚未结束"); the console's own situations
(debounce, retries, evaluation status) come from here. Templates take named fields,
never sentence fragments (CONVENTIONS.md rule 10).
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.errors import HallApiError, KioskError

INFO, WARNING, ERROR = "info", "warning", "error"


@dataclass(frozen=True)
class Notice:
    """One line for the clerk's status bar."""

    code: str
    zh: str
    en: str
    severity: str = INFO

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.zh


_CATALOGUE: dict[str, tuple[str, str, str]] = {
    "called": ("已呼叫 {number}", "Called {number}", INFO),
    "recalled": ("已重呼 {number}（第 {count} 次）", "Recalled {number} (time {count})", INFO),
    "no_show": ("{number} 已过号", "{number} marked as no-show", INFO),
    "started": ("开始办理 {number}", "Serving {number}", INFO),
    "finished": ("{number} 已办结，请群众评价", "{number} finished; the resident is asked to rate", INFO),
    "transferred": ("{number} 已转移", "{number} transferred", INFO),
    "suspended": ("{number} 已挂起，计时暂停", "{number} suspended; the timer stopped", INFO),
    "unsuspended": ("{number} 恢复办理", "{number} resumed", INFO),
    "paused": ("窗口已暂停服务", "The window is paused", WARNING),
    "resumed": ("窗口已恢复服务", "The window is open again", INFO),
    "requeued": ("{number} 已过号重排", "{number} is back in the waiting line", INFO),
    "debounced": ("请勿连续叫号，{seconds} 秒后可再叫", "Calls are spaced out; try again in {seconds} s", WARNING),
    "busy": ("上一个操作还在进行，请稍候", "The previous action is still under way; please wait", WARNING),
    "retrying": ("网络中断，正在重试“{action}”（不会重复执行）",
                 "Network interrupted; retrying \"{action}\" (it will not be done twice)", WARNING),
    "abandoned": ("已放弃等待“{action}”的结果，已从服务器重新读取状态",
                  "Stopped waiting for \"{action}\"; the state was read again from the server", WARNING),
    "offline": ("与服务器的连接中断，正在重连", "Lost the connection to the server; reconnecting", ERROR),
    "online": ("已恢复与服务器的连接", "Connected to the server again", INFO),
    "not_now": ("当前不能{action}", "\"{action}\" is not possible now", WARNING),
    "choose_ticket": ("请先在等候列表中选择一个号", "Choose a ticket in the waiting list first", WARNING),
    "pad_help": ("评价器上有人按了“求助”键", "Someone pressed the help key on the pad", WARNING),
    "pad_unavailable": ("评价器无应答，本次未能邀请评价", "The pad did not answer; the resident could not be asked to rate", ERROR),
    "rated": ("{number} 已评价，谢谢", "{number} has been rated", INFO),
    "unrated": ("{number} 未评价", "{number} was not rated", INFO),
    "rating_failed": ("{number} 的评价未能提交：{reason}", "The rating of {number} was not recorded: {reason_en}", ERROR),
    "login_expired": ("登录已失效，请重新登录", "The login has expired; please log in again", ERROR),
    "internal": ("系统出了点问题，已记录", "Something went wrong; it was logged", ERROR),
}


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return ""


def notice(code: str, **fields: object) -> Notice:
    """The catalogue entry for ``code`` with its fields filled in (``internal`` if unknown)."""
    zh, en, severity = _CATALOGUE.get(code) or _CATALOGUE["internal"]
    return Notice(code if code in _CATALOGUE else "internal",
                  zh.format_map(_Fields(fields)), en.format_map(_Fields(fields)), severity)


def notice_for_error(error: BaseException) -> Notice:
    """A refusal or failure as a notice: the server's own words, or the catalogue's."""
    if isinstance(error, HallApiError):
        if error.status == 401:
            return notice("login_expired")
        return Notice(error.code, error.message, error.message_en or error.message, WARNING)
    if isinstance(error, KioskError) and error.code == "server_unreachable":
        return notice("offline")
    return notice("internal")


def known_codes() -> frozenset[str]:
    return frozenset(_CATALOGUE)
