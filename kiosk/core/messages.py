"""The one catalogue of what the kiosk tells a resident: error codes and step prompts.

Every entry is Chinese first, English second, and says what to do next. Codes are
API.md's error codes plus the kiosk's own (``server_unreachable``,
``printer_unavailable``, ``print_failed_after_issue`` ...). Templates take named
fields (``{number}``) so no sentence is built from fragments (CONVENTIONS.md §10).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.core.errors import HallApiError, KioskError

# Next-step actions a notice offers; the Qt shell renders one button per action.
HELP_DESK = "help_desk"            # 请到总服务台
BOOK = "book_appointment"          # 预约其他时间
RETRY = "retry"                    # 再试一次
HOME = "home"                      # 返回首页
NOTE_NUMBER = "note_number"        # 请记下号码
TAKE_TICKET = "take_ticket"        # 改为取普通号


@dataclass(frozen=True)
class Notice:
    """One message for the resident: what happened and what to do next."""

    code: str
    zh: str
    en: str
    advice_zh: str = ""
    advice_en: str = ""
    actions: tuple[str, ...] = field(default=(HOME,))


_ADVICE_DESK = ("如需帮助，请到总服务台咨询", "For help, please go to the main service desk")

# code: (zh, en, advice_zh, advice_en, actions)
_CATALOGUE: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "quota_exhausted": (
        "今日该业务的号已取完", "Today's tickets for this service have run out",
        "请预约其他日期办理，或到总服务台咨询",
        "Please book an appointment for another day, or ask at the main service desk",
        (BOOK, HELP_DESK, HOME)),
    "outside_hours": (
        "现在不是该业务的取号时间", "Tickets for this service are not issued at this time",
        "请在办理时间内再来，或预约办理", "Please come back during service hours, or book an appointment",
        (BOOK, HELP_DESK, HOME)),
    "person_limit": (
        "您今天在该业务的取号次数已达上限", "You have reached today's ticket limit for this service",
        *_ADVICE_DESK, (HELP_DESK, HOME)),
    "unknown_service": (
        "没有找到这个事项", "This service was not found",
        "请重新选择事项，或到总服务台咨询", "Please choose the service again, or ask at the main service desk",
        (HOME, HELP_DESK)),
    "unknown_category": (
        "没有找到这个业务类别", "This queue was not found",
        "请重新选择，或到总服务台咨询", "Please choose again, or ask at the main service desk",
        (HOME, HELP_DESK)),
    "appointment_not_found": (
        "没有找到您的预约", "No appointment was found",
        "请核对预约码，或使用预约时登记的身份证；也可以到总服务台咨询",
        "Please check the appointment code or use the ID card you booked with, or ask at the main service desk",
        (RETRY, HELP_DESK, HOME)),
    "appointment_not_in_window": (
        "现在不在您的预约签到时段内", "It is not the check-in time for your appointment",
        "请在预约时段内签到，或取普通号排队", "Please check in during your slot, or take a normal ticket",
        (TAKE_TICKET, HELP_DESK, HOME)),
    "appointment_too_early": (
        "还没到您的预约签到时间（预约时段 {slot}）", "It is too early to check in (your slot: {slot})",
        "请在时段开始后再签到，也可以先取普通号", "Please check in once your slot starts, or take a normal ticket",
        (TAKE_TICKET, HOME)),
    "appointment_too_late": (
        "您的预约时段（{slot}）已经过了", "Your appointment slot ({slot}) has passed",
        "请取普通号排队，或重新预约", "Please take a normal ticket, or book a new appointment",
        (TAKE_TICKET, BOOK, HOME)),
    "server_unreachable": (
        "服务器暂时无法连接，正在重试", "The server cannot be reached right now; retrying",
        "请稍候，不要重复操作", "Please wait; there is no need to try again yourself", ()),
    "server_unreachable_final": (
        "服务器暂时无法连接", "The server cannot be reached",
        "请到总服务台由工作人员为您取号", "Please go to the main service desk; staff will help you",
        (HELP_DESK, HOME)),
    "server_recovered": (
        "已恢复连接", "Connection restored", "", "", ()),
    "printer_unavailable": (
        "取号机暂时不能打印（缺纸或故障），暂停取号", "This kiosk cannot print right now; ticket issuing is paused",
        "请到总服务台或使用其他自助机取号", "Please use another kiosk or go to the main service desk",
        (HELP_DESK, HOME)),
    "print_failed_after_issue": (
        "号票没有打印出来，但您已取号成功：{number}", "The ticket was not printed, but your number {number} is issued",
        "请记下屏幕上的号码并留意叫号；需要纸质号票请到总服务台",
        "Please note the number on the screen and listen for the call; the main service desk can print it",
        (NOTE_NUMBER, RETRY, HELP_DESK)),
    "checklist_print_failed": (
        "材料清单没有打印出来", "The checklist could not be printed",
        "可以用手机扫描屏幕上的二维码查看办事指南", "Scan the QR code on the screen to read the guide on your phone",
        (HOME,)),
    "checklist_printed": (
        "材料清单已打印，请取走", "The checklist is printed; please take it", "", "", (HOME,)),
    "invalid_id_number": (
        "身份证号码有误，请核对后重新输入", "The ID number is not valid; please check it and type it again",
        "也可以刷身份证，或到总服务台办理", "You can also swipe your ID card, or go to the main service desk",
        (RETRY, HELP_DESK)),
    "real_name_required": (
        "该事项需要实名取号", "This service needs your ID to take a ticket",
        "请刷身份证或输入身份证号码", "Please swipe your ID card or type your ID number", (RETRY, HELP_DESK)),
    "unknown_code": (
        "无法识别这个二维码", "This code was not recognised",
        "请扫描号票、预约凭证或办事指南上的二维码", "Please scan the code on a ticket, an appointment or a service guide",
        (RETRY, HOME)),
    "ticket_not_found": (
        "没有找到这张号票", "This ticket was not found",
        "请核对号码，或到总服务台咨询", "Please check the number, or ask at the main service desk", (RETRY, HELP_DESK)),
    "ticket_number_invalid": (
        "号码格式不对，应像 A023 这样", "That is not a ticket number; it looks like A023",
        "请重新输入", "Please type it again", (RETRY,)),
    "evaluation_level_required": (
        "请先选择满意程度", "Please choose how satisfied you are", "", "", (RETRY,)),
    "evaluation_reason_required": (
        "请选择不满意的原因", "Please choose what was unsatisfactory",
        "您的意见会转给大厅负责整改", "Your feedback goes to the hall for follow-up", (RETRY,)),
    "evaluation_recorded": (
        "感谢您的评价", "Thank you for your feedback", "", "", (HOME,)),
    "already_evaluated": (
        "这张号票已经评价过了，感谢您的反馈", "This ticket has already been rated; thank you",
        "", "", (HOME,)),
    "not_finished": (
        "该业务还没有办结，办结后才能评价", "The service is not finished yet; you can rate it afterwards",
        "", "", (HOME,)),
    "bad_state": (
        "当前状态下不能进行这个操作", "This cannot be done in the current state", *_ADVICE_DESK, (HOME, HELP_DESK)),
    "conflict": (
        "操作冲突，请重新操作", "The request conflicts with another one; please try again",
        *_ADVICE_DESK, (HOME, HELP_DESK)),
    "invalid_input": (
        "提交的信息有误", "The information sent was not valid",
        "请重新操作，或到总服务台咨询", "Please try again, or ask at the main service desk", (HOME, HELP_DESK)),
    "forbidden": (
        "本机暂无此项权限", "This kiosk is not allowed to do that",
        "请联系工作人员", "Please ask a member of staff", (HELP_DESK, HOME)),
    "unauthenticated": (
        "本机尚未登录服务器", "This kiosk is not signed in to the server",
        "请联系工作人员", "Please ask a member of staff", (HELP_DESK, HOME)),
    "window_closed": ("该窗口已关闭", "This window is closed", "", "", (HOME,)),
    "window_paused": ("该窗口暂停服务", "This window is paused", "", "", (HOME,)),
    "no_ticket": ("当前没有等候的号", "No ticket is waiting", "", "", (HOME,)),
    "internal": (
        "系统出了点问题", "Something went wrong",
        "请到总服务台，工作人员会帮助您", "Please go to the main service desk; staff will help you",
        (HELP_DESK, HOME)),
}


def notice(code: str, **fields: object) -> Notice:
    """The catalogue entry for ``code`` with ``{fields}`` filled in; ``internal`` if unknown."""
    zh, en, advice_zh, advice_en, actions = _CATALOGUE.get(code) or _CATALOGUE["internal"]
    if code not in _CATALOGUE:
        code = "internal"
    zh, en = _fill(zh, fields), _fill(en, fields)
    return Notice(code, zh, en, advice_zh, advice_en, actions)


def notice_for_error(error: BaseException, **fields: object) -> Notice:
    """Translate any error into a notice for the resident (never a traceback).

    A server error with a code the catalogue lacks keeps the server's own message
    (which API.md guarantees is safe to show) with the generic help-desk advice.
    """
    if isinstance(error, KioskError) and error.code in _CATALOGUE:
        return notice(error.code, **fields)
    if isinstance(error, HallApiError):
        return Notice(error.code, error.message, error.message_en, *_ADVICE_DESK, (HELP_DESK, HOME))
    return notice("internal")


def known_codes() -> frozenset[str]:
    """Every code the catalogue holds (for tests and the translation check)."""
    return frozenset(_CATALOGUE)


# Step prompts: shown on screen and spoken in elderly mode (domain.md ACC-12/13:
# every voice prompt has an on-screen text equivalent). key: (zh, en)
_PROMPTS: dict[str, tuple[str, str]] = {
    "home": ("您好，请选择要办理的业务", "Hello, please choose what you need"),
    "choose_category": ("请选择业务类别", "Please choose a queue"),
    "choose_service": ("请选择要办理的事项，也可以输入名称或拼音首字母搜索",
                       "Please choose a service, or search by name or pinyin initials"),
    "real_name": ("请在感应区刷身份证，或输入身份证号码", "Please place your ID card on the reader, or type your ID number"),
    "real_name_optional": ("请刷身份证或输入身份证号码，也可以直接跳过",
                           "Swipe your ID card or type your ID number, or skip this step"),
    "issuing": ("正在为您取号，请稍候", "Getting your ticket, please wait"),
    "printing": ("正在打印号票，请稍候", "Printing your ticket, please wait"),
    "confirmation": ("您的号码是 {number}，前面还有 {ahead} 人，请留意叫号",
                     "Your number is {number}; {ahead} people are ahead of you. Please listen for your call"),
    "print_failed": ("号票没有打印出来。您的号码是 {number}，请记下这个号码",
                     "The ticket was not printed. Your number is {number}; please note it"),
    "refused": ("{message}。{advice}", "{message_en}. {advice_en}"),
    "check_in": ("请扫描预约二维码，或刷身份证签到", "Please scan your appointment code, or swipe your ID card"),
    "checking_in": ("正在签到，请稍候", "Checking you in, please wait"),
    "guide_browse": ("请选择或搜索要了解的事项", "Choose or search a service to read its guide"),
    "guide_view": ("这是{service}的办事指南，可以打印材料清单", "This is the guide for {service}; you can print the checklist"),
    "progress": ("请扫描号票上的二维码，或输入号码", "Scan the code on your ticket, or type its number"),
    "progress_view": ("{number} 号当前状态：{state}", "Ticket {number}: {state_en}"),
    "evaluation_start": ("请扫描号票上的二维码进行评价", "Scan the code on your ticket to rate the service"),
    "rate": ("请为本次服务评价", "Please rate the service"),
    "thanks": ("感谢您的评价", "Thank you for your feedback"),
    "ask_more_time": ("您还需要更多时间吗？", "Do you need more time?"),
    "working": ("请稍候", "Please wait"),
}


def prompt(key: str, **fields: object) -> tuple[str, str]:
    """The (zh, en) prompt for a step, with named fields filled in."""
    zh, en = _PROMPTS.get(key, _PROMPTS["working"])
    return _fill(zh, fields), _fill(en, fields)


class _Fields(dict):
    """A missing template field renders empty rather than raising on a kiosk screen."""

    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, fields: dict) -> str:
    return template.format_map(_Fields(fields))
