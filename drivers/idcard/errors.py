"""Typed errors of the ID card reader, one per reader status (devices.md §1.6).

Every SW3 status byte the reader can answer with maps to one class here, with a
Chinese message first and an English one. Messages never carry a name or an ID
number (CONVENTIONS.md rule 11): they describe what went wrong, not whose card.
"""
from __future__ import annotations

from drivers.errors import DeviceError, ProtocolError


class IdCardError(DeviceError):
    """Root of the ID card reader's own errors."""

    code = "idcard_error"


class ReaderStatusError(IdCardError):
    """The reader answered with a non-success SW3 status (devices.md §1.6).

    ``sw3`` is the status byte (``None`` when the error was found host-side, e.g. an
    unknown card type flag in the text block); ``sw1``/``sw2`` carry the card APDU
    status the reader passes through for codes 31, 41, 47 and 81.
    """

    code = "idcard_reader_status"

    def __init__(self, message: str, message_en: str = "", *, sw3: int | None = None,
                 sw1: int = 0, sw2: int = 0, code: str | None = None):
        super().__init__(message, message_en, code=code)
        self.sw3, self.sw1, self.sw2 = sw3, sw1, sw2


class NoCard(ReaderStatusError):
    """Find card failed: no card, or the card was already read and is still in the field (§1.13)."""

    code = "idcard_no_card"


class CardSelectFailed(ReaderStatusError):
    """Select card failed (the card moved between find and select)."""

    code = "idcard_select_failed"


class CardReadFailed(ReaderStatusError):
    """Reading the card failed (SW3 41 read failed, 47 get-random failed)."""

    code = "idcard_read_failed"


class CardAuthenticationFailed(ReaderStatusError):
    """Card and SAM did not authenticate each other (SW3 31, 32, 33): a forged or damaged card."""

    code = "idcard_auth_failed"


class UnsupportedCardType(ReaderStatusError):
    """The reader (SW3 40) or the text block's type flag names a card this driver cannot read."""

    code = "idcard_unsupported_card"


class ItemEmpty(ReaderStatusError):
    """SW3 91: the card has no content for this item (e.g. no appended address)."""

    code = "idcard_item_empty"


class OperationNotPermitted(ReaderStatusError):
    """SW3 23: the reader refused an operation beyond its rights."""

    code = "idcard_not_permitted"


class CommandRejected(ReaderStatusError, ProtocolError):
    """SW3 10, 11, 21: the reader says our frame had a bad checksum, length or command."""

    code = "idcard_command_rejected"


class ReaderFault(ReaderStatusError):
    """SW3 24 (unknown error), FF (communication failure) or a status byte not in §1.6."""

    code = "idcard_reader_fault"


class SamError(ReaderStatusError):
    """The security module (SAM_V) cannot work: self-test failed or not authorised."""

    code = "idcard_sam_error"


class SamSelfTestFailed(SamError):
    """SW3 60: SAM_V self-test failed; it accepts no commands."""

    code = "idcard_sam_self_test_failed"


class SamNotAuthorised(SamError):
    """SW3 66: SAM_V has not been authorised for use."""

    code = "idcard_sam_not_authorised"


class ChecksumError(ProtocolError):
    """A frame from the wire whose XOR checksum does not match (devices.md §1.3)."""

    code = "idcard_checksum_error"


class FrameError(ProtocolError):
    """A frame with an impossible length or a payload whose layout is wrong (§1.3, §1.7)."""

    code = "idcard_frame_error"


class CardDataError(ProtocolError):
    """The 256-byte text block is malformed or fails validation (§1.8, §1.12)."""

    code = "idcard_card_data_error"


# SW3 → (class, code, 中文, English). devices.md §1.6; codes 90/9F are successes and
# are listed only so that an unexpected success (90 to a find) still gets a message.
_STATUS: dict[int, tuple[type[ReaderStatusError], str, str, str]] = {
    0x10: (CommandRejected, "idcard_host_checksum", "读卡器收到的数据校验和错误", "the reader received a frame with a bad checksum"),
    0x11: (CommandRejected, "idcard_host_length", "读卡器收到的数据长度错误", "the reader received a frame with a bad length"),
    0x21: (CommandRejected, "idcard_bad_command", "读卡器收到的命令错误（数值或逻辑搭配错误）", "the reader rejected the command (bad value or sequence)"),
    0x23: (OperationNotPermitted, "idcard_not_permitted", "越权操作", "operation not permitted"),
    0x24: (ReaderFault, "idcard_unknown_error", "读卡器发生无法识别的错误", "the reader reported an unknown error"),
    0x31: (CardAuthenticationFailed, "idcard_card_auth_sam", "证件认证安全模块失败，请确认证件真实有效", "the card failed to authenticate the SAM"),
    0x32: (CardAuthenticationFailed, "idcard_sam_auth_card", "安全模块认证证件失败，请确认证件真实有效", "the SAM failed to authenticate the card"),
    0x33: (CardAuthenticationFailed, "idcard_info_verify", "证件信息验证错误", "card information verification failed"),
    0x40: (UnsupportedCardType, "idcard_unsupported_card", "无法识别的证件类型", "unrecognised card type"),
    0x41: (CardReadFailed, "idcard_read_failed", "读证件失败，请重新放置证件", "reading the card failed; place it again"),
    0x47: (CardReadFailed, "idcard_random_failed", "取随机数失败，请重新放置证件", "getting a random number from the card failed; place it again"),
    0x60: (SamSelfTestFailed, "idcard_sam_self_test_failed", "读卡器安全模块自检失败，不能接收命令", "the reader's SAM self-test failed; it accepts no commands"),
    0x66: (SamNotAuthorised, "idcard_sam_not_authorised", "读卡器安全模块未经授权，无法使用", "the reader's SAM is not authorised"),
    0x80: (NoCard, "idcard_no_card", "未找到证件，请将证件放在读卡区", "no card found; place the card on the reader"),
    0x81: (CardSelectFailed, "idcard_select_failed", "选取证件失败，请重新放置证件", "selecting the card failed; place it again"),
    0x91: (ItemEmpty, "idcard_item_empty", "证件中此项无内容", "the card has no content for this item"),
    0xFF: (ReaderFault, "idcard_comm_failure", "读卡器通信故障", "reader communication failure"),
}

SUCCESS_CODES = frozenset({0x90, 0x9F})
STATUS_CODES = frozenset(_STATUS) | SUCCESS_CODES


def error_for_status(sw3: int, sw1: int = 0, sw2: int = 0) -> ReaderStatusError:
    """The typed error for a non-success status byte, unknown bytes included."""
    entry = _STATUS.get(sw3)
    if entry is None:
        return ReaderFault(f"读卡器返回未知状态码 {sw3:02X}", f"the reader returned unknown status {sw3:02X}",
                           sw3=sw3, sw1=sw1, sw2=sw2, code="idcard_unknown_status")
    cls, code, zh, en = entry
    return cls(zh, en, sw3=sw3, sw1=sw1, sw2=sw2, code=code)
