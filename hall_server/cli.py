"""``python -m hall_server demo|serve|admin`` (API.md command-line contract)."""
from __future__ import annotations

import argparse
import contextlib
import signal
import asyncio
import csv
import getpass
import json
import logging
import os
import secrets
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import uvicorn

from hall_server import auth
from hall_server.api.deps import audit
from hall_server.auth import Principal
from hall_server.app import DEFAULT_CONFIG, Settings, build_hall, create_app
from hall_server.clock import ShiftedClock
from hall_server.config import ConfigError, load_hall_config
from hall_server.engine import appointments
from hall_server.engine.tickets import IdCardInput
from hall_server.errors import HallError
from hall_server.http_protocol import protocol_class

log = logging.getLogger("hall_server")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hall_server", description="hallterm 大厅服务器 / hall server")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="示例大厅 / the sample hall with demo credentials")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8600)
    demo.add_argument("--data-dir", default=".demo-data")
    demo.add_argument("--real-time", action="store_true",
                      help="use the real time even outside opening hours (default: shift the demo hall to 10:00)")
    serve = sub.add_parser("serve", help="生产启动 / production start")
    serve.add_argument("--config", required=True)
    serve.add_argument("--data-dir", default=None)
    admin = sub.add_parser("admin", help="用户、令牌、预约导入、备份恢复 / users, tokens, appointments, backup")
    admin.add_argument("--config", default=str(DEFAULT_CONFIG))
    admin.add_argument("--data-dir", default=None)
    verbs = admin.add_subparsers(dest="verb", required=True)
    user = verbs.add_parser("create-user")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=auth.ROLES)
    user.add_argument("--password", help="omit to generate one")
    user.add_argument("--name", dest="display_name")
    user.add_argument("--staff-no")
    user.add_argument("--window")
    token = verbs.add_parser("create-device-token")
    token.add_argument("device")
    token.add_argument("--role", required=True, choices=auth.ROLES)
    token.add_argument("--window")
    revoke = verbs.add_parser("revoke")
    revoke.add_argument("subject", help="device name or username whose tokens are revoked")
    imp = verbs.add_parser("import-appointments")
    imp.add_argument("csv", help="columns: code,service_code,slot_start,slot_end[,id_number,name]")
    backup = verbs.add_parser("backup", help="online backup; TARGET file, or --dir for dated files with retention")
    backup.add_argument("target", nargs="?")
    backup.add_argument("--dir", help="write hall-YYYYmmdd-HHMMSS.sqlite3 into this folder")
    backup.add_argument("--keep-days", type=int, default=30, help="with --dir: delete backups older than this")
    restore = verbs.add_parser("restore")
    restore.add_argument("source")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return run_demo(args)
        if args.command == "serve":
            settings = Settings(config_path=Path(args.config), data_dir=Path(args.data_dir) if args.data_dir else None)
            hall = build_hall(settings)
            return serve(create_app(hall=hall), hall.config.server.host, hall.config.server.port)
        return run_admin(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except HallError as exc:
        print(f"{exc.message} / {exc.message_en}", file=sys.stderr)
        return 1


def serve(app, host: str, port: int, on_started=None) -> int:
    """Run until SIGTERM or Ctrl-C; exit 0."""
    limits = app.state.hall.config.server
    # uvicorn has no deadline for a request's headers or body: see http_protocol.
    config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False,
                            timeout_graceful_shutdown=10,
                            http=protocol_class(limits.header_timeout_seconds, limits.body_timeout_seconds))
    server = _QuietServer(config)

    async def run():
        loop = asyncio.get_running_loop()
        def stop() -> None:
            app.state.hub.close()  # open event streams end, so the graceful shutdown finishes
            server.should_exit = True

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started and on_started:
            on_started()
        await task

    # The loop uvicorn would pick itself (uvloop where installed: about a third more
    # requests per second than asyncio's own loop on the issuance benchmark).
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(run())
    return 0


class _QuietServer(uvicorn.Server):
    """uvicorn re-raises SIGTERM after a graceful shutdown (exit -15); the contract is
    exit 0, so the signals are handled by :func:`serve` instead."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


def run_demo(args) -> int:
    data_dir = Path(args.data_dir).resolve()
    config = load_hall_config(DEFAULT_CONFIG)
    hall = build_hall(Settings(config=config, data_dir=data_dir, clock=demo_clock(config, args.real_time)))
    credentials = demo_credentials(hall, f"http://{args.host}:{args.port}")
    app = create_app(hall=hall)

    def started():
        path = data_dir / "demo-credentials.json"
        write_private(path, json.dumps(credentials, ensure_ascii=False, indent=2))
        print_credentials(credentials, path)

    return serve(app, args.host, args.port, on_started=started)


def demo_clock(config, real_time: bool):
    """Outside the sample hall's hours (nights, weekends) the demo runs on a clock
    shifted to 10:00 on a weekday, so every flow can be tried at any hour."""
    tz = config.hall.tzinfo
    now = datetime.now(tz)
    if real_time or (now.weekday() < 5 and 9 <= now.hour < 11):
        return None
    target = now.replace(hour=10, minute=0, second=0, microsecond=0)
    while target.weekday() >= 5:
        target += timedelta(days=1)
    print(f"示例大厅时间调整为 {target:%Y-%m-%d %H:%M}（办公时间）/ demo hall clock set to office hours", flush=True)
    return ShiftedClock(tz, target - now)


def demo_credentials(hall, base_url: str) -> dict:
    """A manager login and one token per role, fresh at every start."""
    first_window = hall.config.windows[0].id
    password = secrets.token_urlsafe(9)
    with hall.store.transaction(hall.now()) as tx:
        tx.execute("DELETE FROM users WHERE username IN ('manager', 'clerk')")
        auth.create_user(tx, "manager", password, "manager", display_name="大厅管理员")
        auth.create_user(tx, "clerk", password, "counter", display_name="王*", staff_no="0001", window_id=first_window)
        tokens = {role: auth.create_device_token(tx, f"demo-{role}", role, first_window if role == "counter" else None)
                  for role in ("kiosk", "counter", "display", "manager", "admin", "agent")}
    return {"base_url": base_url, "tokens": tokens,
            "logins": {"manager": {"username": "manager", "password": password},
                       "clerk": {"username": "clerk", "password": password, "window_id": first_window}},
            "windows": [{"id": w.id, "number": w.number, "name": w.name} for w in hall.config.windows]}


def print_credentials(credentials: dict, path: Path) -> None:
    print(f"\nhallterm 示例大厅已启动 / demo hall is up: {credentials['base_url']}", flush=True)
    print(f"  管理员 manager 密码 / password: {credentials['logins']['manager']['password']}")
    for role, token in credentials["tokens"].items():
        print(f"  {role:8s} token: {token}")
    print(f"  已写入 / written to: {path}\n", flush=True)


def run_admin(args) -> int:
    settings = Settings(config_path=Path(args.config), data_dir=Path(args.data_dir) if args.data_dir else None)
    if args.verb == "restore":
        return restore(settings, Path(args.source))
    hall = build_hall(settings)
    with hall.store.transaction(hall.now()) as tx:
        if args.verb == "create-user":
            password = args.password or secrets.token_urlsafe(9)
            auth.create_user(tx, args.username, password, args.role, display_name=args.display_name,
                             staff_no=args.staff_no, window_id=args.window)
            result = {"username": args.username, "role": args.role, "password": password}
        elif args.verb == "create-device-token":
            result = {"device": args.device, "role": args.role,
                      "token": auth.create_device_token(tx, args.device, args.role, args.window)}
        elif args.verb == "revoke":
            result = {"revoked": auth.revoke(tx, args.subject)}
        elif args.verb == "import-appointments":
            result = {"imported": import_csv(hall, tx, Path(args.csv))}
        else:
            result = None
        audit_admin(tx, args, result)
    if args.verb == "backup":
        result = backup(hall, args)
    print(json.dumps(result, ensure_ascii=False))
    return 0


# Admin verbs that change who may do what, or the hall's data: (audit action, the argument naming the target).
AUDITED = {"create-user": ("user.create", "username"), "create-device-token": ("token.create", "device"),
           "revoke": ("token.revoke", "subject"), "import-appointments": ("appointment.import", "csv")}


def audit_admin(tx, args, result: dict | None) -> None:
    """Record an admin command's change in the audit log as API changes are recorded
    (who, what, when, result; domain.md SEC-04), never the password or token it made."""
    if args.verb not in AUDITED:
        return
    action, target = AUDITED[args.verb]
    detail = {k: v for k, v in (result or {}).items() if k not in ("password", "token")}
    audit(tx, Principal(f"cli:{_os_user()}", "admin", "cli", "-"), action, str(getattr(args, target)), "ok", detail)


def _os_user() -> str:
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def backup(hall, args) -> dict:
    """A consistent copy taken while serving, checked before it counts; with --dir,
    dated files and a retention period (for the nightly timer)."""
    import sqlite3
    if not args.target and not args.dir:
        raise HallError("invalid_input", "请给出备份文件或 --dir 目录", "give a backup file or --dir")
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"hall-{hall.now():%Y%m%d-%H%M%S}.sqlite3"
    else:
        target = Path(args.target)
    hall.store.backup(target)
    check = sqlite3.connect(str(target))
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        check.close()
    if not ok:
        raise HallError("storage_error", f"备份文件校验失败：{target}", f"the backup failed its integrity check: {target}")
    # The keyed ID hashes in the copy are useless without the key they were made with
    # (per-person limits, appointment lookup by card), so the key goes beside the copy.
    write_key(key_beside(target), hall.id_key)
    removed = []
    if args.dir:
        cutoff = time.time() - args.keep_days * 86400
        for old in sorted(Path(args.dir).glob("hall-*.sqlite3")):
            if old != target and old.stat().st_mtime < cutoff:
                old.unlink()
                key_beside(old).unlink(missing_ok=True)
                removed.append(old.name)
    return {"backup": str(target.resolve()), "id_hash_key": str(key_beside(target).resolve()), "integrity": "ok",
            "removed": removed}


def key_beside(backup_file: Path) -> Path:
    """The ID-hash key file that belongs to a backup file."""
    return backup_file.with_name(backup_file.name + ".id-hash.key")


def key_file(hall) -> Path:
    """Where this hall keeps its ID-hash key (as build_hall resolves it)."""
    path = Path(hall.config.server.id_hash_key_file)
    return path if path.is_absolute() else hall.data_dir / path


def write_key(path: Path, key: bytes) -> None:
    write_private(path, key.hex())


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner may read (mode 0600 from the start), replacing any
    old one in one step: whoever waits for it never reads it empty or half written."""
    temp = path.with_name(path.name + ".tmp")
    temp.unlink(missing_ok=True)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(temp, path)


def import_csv(hall, tx, path: Path) -> int:
    count = 0
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                card = IdCardInput(row["id_number"], row.get("name")) if row.get("id_number") else None
                appointments.import_one(hall, tx, row["code"], row["service_code"],
                                        _local(row["slot_start"], hall), _local(row["slot_end"], hall), card)
            except (KeyError, ValueError) as exc:
                raise HallError("invalid_input", f"{path} 第 {line} 行格式错误：{exc}", f"{path} line {line}: {exc}")
            except HallError as exc:
                raise HallError(exc.code, f"{path} 第 {line} 行：{exc.message}", f"{path} line {line}: {exc.message_en}")
            count += 1
    return count


def _local(text: str, hall) -> datetime:
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=hall.clock.tz)


def restore(settings: Settings, source: Path) -> int:
    """Replace the database with a backup, after checking the backup is whole."""
    import sqlite3
    check = sqlite3.connect(str(source))
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        check.close()
    if not ok:
        raise HallError("invalid_input", f"备份文件已损坏：{source}", f"the backup is corrupt: {source}")
    hall = build_hall(settings)
    target = hall.store.path
    src = sqlite3.connect(str(source))
    try:
        with hall.store._lock:
            src.backup(hall.store.conn)
    finally:
        src.close()
    hall.store.migrate()
    beside = key_beside(source)
    if beside.exists():
        write_key(key_file(hall), bytes.fromhex(beside.read_text().strip()))
    else:
        print(f"备份旁没有身份证号密钥文件 {beside.name}：按身份证的每人限额和预约查找将认不出恢复前的记录 / "
              f"no ID-hash key beside the backup: per-person limits and appointment lookup by card will not "
              f"recognise earlier records", file=sys.stderr)
    print(json.dumps({"restored": target, "from": str(source), "id_hash_key": "restored" if beside.exists() else "kept"},
                     ensure_ascii=False))
    return 0

