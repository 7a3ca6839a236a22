"""``python -m hall_server.agents voice|led --server URL --token TOKEN [options]``.

The token may instead be given in ``HALLTERM_AGENT_TOKEN`` (it then does not show
in the process list). Use a token of role ``agent``:
``python -m hall_server admin create-device-token voice-1 --role agent``.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from drivers.errors import DeviceError
from hall_server.agents.errors import AgentError
from kiosk.hall_client import HallApiError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hall_server.agents", description="叫号语音与 LED 屏代理 / voice and LED agents")
    sub = parser.add_subparsers(dest="agent", required=True)
    voice = sub.add_parser("voice", help="语音播报 / voice announcer")
    led = sub.add_parser("led", help="LED 窗口屏与条屏 / LED screens")
    for agent in (voice, led):
        agent.add_argument("--server", required=True, help="大厅服务器地址，如 http://10.0.0.2:8600 / hall server URL")
        agent.add_argument("--token", default=os.environ.get("HALLTERM_AGENT_TOKEN"),
                           help="agent 角色令牌（或环境变量 HALLTERM_AGENT_TOKEN） / agent-role token")
        agent.add_argument("--state", type=Path, default=None, help="记录已处理事件序号的文件 / file keeping the last handled seq")
        agent.add_argument("--verbose", action="store_true")
    voice.add_argument("--sink", default=None, help="auto、paplay、aplay、pw-play、play、wav:目录、none")
    voice.add_argument("--pack", default=None, help="语音包目录 / voice pack directory")
    voice.add_argument("--zone", action="append", dest="zones", help="只播报该区域（可重复） / only this zone (repeatable)")
    led.add_argument("--bus", default=None, help="LED 总线端口 / bus port (/dev/ttyUSB0, socket://…, emu://led)")
    led.add_argument("--vendor", default=None, help="屏协议 shuangse、pinganlihe / screen protocol")
    led.add_argument("--strip", type=int, default=None, help="大厅条屏地址 / hall strip address")
    return parser


def main(argv: list[str] | None = None) -> int:
    from hall_server.agents import runner

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.token:
        print("缺少令牌：--token 或 HALLTERM_AGENT_TOKEN / a token is required", file=sys.stderr)
        return 2
    try:
        if args.agent == "voice":
            runner.run_voice(args.server, args.token, sink=args.sink, pack=args.pack, zones=args.zones, state=args.state)
        else:
            runner.run_led(args.server, args.token, bus=args.bus, vendor=args.vendor, strip=args.strip, state=args.state)
        return 0
    except AgentError as exc:
        print(f"{exc.message_zh}\n{exc.message_en}", file=sys.stderr)
        return 1
    except DeviceError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except HallApiError as exc:
        print(f"{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
