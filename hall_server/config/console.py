"""``[console]``: the manager console's alarm thresholds.

No national waiting-time target exists (domain.md Q-01, finding 5): halls set their
own, commonly "average wait within 15 minutes" and "more than 10 people waiting at a
window → 跨窗通办". So every threshold here is a configurable default.
"""
from __future__ import annotations

from pydantic import Field

from hall_server.config.sections import ConfigModel


class ConsoleSettings(ConfigModel):
    """``[console]``: when the manager console raises an alarm."""

    wait_alarm_minutes: int = Field(15, ge=1, le=480, description="有人等候超过此分钟数时报警（各地自定，常见 15 分钟） / alarm when someone has waited longer than this many minutes (local target, often 15)")
    queue_alarm_length: int = Field(10, ge=1, le=1000, description="某类别等候人数达到此数时报警（常见“排队超 10 人 跨窗通办”） / alarm when this many people wait in one category (often 10)")
    device_offline_minutes: int = Field(5, ge=1, le=1440, description="设备超过此分钟数没有心跳即视为离线 / a device with no heartbeat for this many minutes counts as offline")
    help_escalate_minutes: int = Field(3, ge=1, le=240, description="自助终端“呼叫帮办”超过此分钟数无人处理时升级为警报 / an unanswered kiosk help request becomes an alarm after this many minutes")
    case_due_warning_hours: int = Field(24, ge=0, le=720, description="差评整改工单到期前多少小时开始提醒；0 表示不提前提醒 / hours before a bad-review case is due that the console starts to warn; 0 = no early warning")
