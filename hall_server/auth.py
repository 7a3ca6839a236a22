"""People and devices: argon2 password hashes, login lockout, expiring session
tokens, hashed device tokens, and the principal a request acts as."""
from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hall_server.clock import iso
from hall_server.errors import HallError, invalid, unauthenticated
from hall_server.store import Store, Tx

ROLES = ("kiosk", "counter", "display", "agent", "manager", "admin")
# Names without an account whose failed logins are counted (see Authenticator._stranger).
STRANGERS_KEPT = 10_000
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    subject: str           # username or device name
    role: str
    kind: str              # 'session' | 'device'
    token_hash: str
    window_id: str | None = None
    expires_at: str | None = None


def token_hash(token: str) -> str:
    """Tokens are 256-bit random, so a plain SHA-256 is a safe stored form."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(tx: Tx, username: str, password: str, role: str, *, display_name: str | None = None,
                staff_no: str | None = None, window_id: str | None = None) -> None:
    if role not in ROLES:
        raise invalid(f"未知角色：{role}", f"unknown role {role}")
    if len(password) < 8:
        raise invalid("密码至少 8 位", "passwords need at least 8 characters")
    if tx.one("SELECT username FROM users WHERE username = ?", (username,)):
        raise HallError("conflict", f"用户 {username} 已存在", f"user {username} exists")
    tx.insert("users", {"username": username, "password_hash": hash_password(password), "role": role,
                        "display_name": display_name, "staff_no": staff_no, "window_id": window_id,
                        "failed_count": 0, "locked_until": None, "disabled": 0, "created_at": iso(tx.at)})


def issue_token(tx: Tx, *, kind: str, subject: str, role: str, window_id: str | None = None,
                expires_at: datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
    tx.insert("tokens", {"token_hash": token_hash(token), "kind": kind, "subject": subject, "role": role,
                         "window_id": window_id, "created_at": iso(tx.at), "expires_at": iso(expires_at),
                         "revoked_at": None})
    return token


def create_device_token(tx: Tx, name: str, role: str, window_id: str | None = None) -> str:
    if role not in ROLES:
        raise invalid(f"未知角色：{role}", f"unknown role {role}")
    return issue_token(tx, kind="device", subject=name, role=role, window_id=window_id)


def revoke(tx: Tx, subject: str) -> int:
    cur = tx.execute("UPDATE tokens SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL", (iso(tx.at), subject))
    return cur.rowcount


class Authenticator:
    """Resolves bearer tokens (with a small cache) and runs logins."""

    def __init__(self, store: Store, *, ttl_hours: float, max_failures: int, lockout_minutes: float,
                 strangers_kept: int = STRANGERS_KEPT):
        self.store = store
        self.ttl = timedelta(hours=ttl_hours)
        self.max_failures = max_failures
        self.lockout = timedelta(minutes=lockout_minutes)
        self._cache: dict[str, Principal] = {}
        self._data_version: int | None = None
        # name digest -> (failures, locked_until), least recently failed first
        self._strangers: OrderedDict[bytes, tuple[int, str | None]] = OrderedDict()
        self._strangers_kept = strangers_kept

    def principal(self, token: str | None, now: datetime) -> Principal:
        if not token:
            raise unauthenticated()
        self._forget_after_outside_writes()
        digest = token_hash(token)
        found = self._cache.get(digest)
        if found is None:
            row = self.store.one("SELECT * FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", (digest,))
            if row is None:
                raise unauthenticated("令牌无效或已注销", "the token is unknown or revoked")
            found = Principal(row["subject"], row["role"], row["kind"], digest, row["window_id"], row["expires_at"])
            self._cache[digest] = found
        if found.expires_at and found.expires_at <= iso(now):
            self._cache.pop(digest, None)
            raise unauthenticated("登录已过期，请重新登录", "the session expired; log in again")
        return found

    def forget(self) -> None:
        """Drop cached tokens (after a revocation)."""
        self._cache.clear()

    def _forget_after_outside_writes(self) -> None:
        """Another process (``admin revoke``) committed to the database: drop the cache,
        so a revoked token stops working at once, not at the next restart.
        ``PRAGMA data_version`` changes only on other connections' commits; it is cheap."""
        version = self.store.data_version()
        if version != self._data_version:
            self._cache.clear()
            self._data_version = version

    async def check_password(self, username: str, password: str, now: datetime) -> "PasswordCheck | None":
        """The slow half of a login, off the event loop: argon2 takes tens of
        milliseconds of CPU, and on the loop every kiosk and window of the hall would
        wait for it (and for the store, whose transaction :meth:`login` then holds).
        A name without an account spends the same time on a dummy hash; a locked
        name (account or not) spends none, as before. Pass the result to :meth:`login`."""
        user = self.store.one("SELECT password_hash, disabled, locked_until FROM users WHERE username = ?",
                              (username,))
        if user is None or user["disabled"]:
            locked_until = self._strangers.get(_name_key(username), (0, None))[1]
            stored = None
        else:
            locked_until, stored = user["locked_until"], user["password_hash"]
        if locked_until and locked_until > iso(now):
            return None
        ok = await asyncio.to_thread(_verify, stored or _DUMMY, password)
        return PasswordCheck(stored, ok and stored is not None)

    def login(self, tx: Tx, username: str, password: str, window_id: str | None,
              checked: "PasswordCheck | None" = None) -> dict | HallError:
        """A session for the user, or the error to answer with. The error is returned,
        not raised, so the failure count it wrote commits with the transaction.
        ``checked``: what :meth:`check_password` found just before (else the password
        is verified here, on the caller's thread)."""
        user = tx.one("SELECT * FROM users WHERE username = ?", (username,))
        if user is None or user["disabled"]:
            return self._stranger(username, tx.at, timed=checked is not None)
        if user["locked_until"] and user["locked_until"] > iso(tx.at):
            return _locked(user["locked_until"])
        if checked is not None and checked.stored == user["password_hash"]:
            ok = checked.ok
        else:   # no check, or the password changed in between (admin reset): verify this one
            ok = _verify(user["password_hash"], password)
        if not ok:
            failures = user["failed_count"] + 1
            locked = iso(tx.at + self.lockout) if failures >= self.max_failures else None
            tx.update("users", "username", username, {"failed_count": 0 if locked else failures, "locked_until": locked})
            return _wrong()
        tx.update("users", "username", username, {"failed_count": 0, "locked_until": None})
        expires = tx.at + self.ttl
        window = window_id or user["window_id"]
        token = issue_token(tx, kind="session", subject=username, role=user["role"], window_id=window, expires_at=expires)
        return {"token": token, "role": user["role"], "expires_at": iso(expires), "window_id": window,
                "display_name": user["display_name"], "staff_no": user["staff_no"]}


    def _stranger(self, username: str, at: datetime, timed: bool = False) -> HallError:
        """A name without an (enabled) account fails, counts and locks exactly as an
        account does with a wrong password, so that no sequence of answers (401, then
        423 with the time it unlocks) tells which names exist. Counted in memory, for
        the ``strangers_kept`` names that failed last (an account's count is in the
        database); a name forgotten, or the server restarted, starts again at zero."""
        key = _name_key(username)
        failures, locked_until = self._strangers.pop(key, (0, None))
        if locked_until and locked_until > iso(at):
            self._strangers[key] = (failures, locked_until)
            return _locked(locked_until)
        if not timed:                # check_password spent it already
            _hasher_dummy_verify()   # the time a wrong password takes
        failures += 1
        locked = iso(at + self.lockout) if failures >= self.max_failures else None
        self._strangers[key] = (0 if locked else failures, locked)
        if len(self._strangers) > self._strangers_kept:
            self._forget_strangers(iso(at))
        return _wrong()

    def _forget_strangers(self, now: str) -> None:
        """Drop the names that hold nothing (lock over, no failure since), then, if
        still too many, those that failed longest ago."""
        spent = [key for key, (failures, until) in self._strangers.items() if not failures and (until or "") <= now]
        for key in spent:
            del self._strangers[key]
        while len(self._strangers) > self._strangers_kept:
            self._strangers.popitem(last=False)

    def locked_until(self, tx: Tx, username: str) -> str | None:
        """Until when this name is locked, if it is now (for the audit log only)."""
        user = tx.one("SELECT locked_until, disabled FROM users WHERE username = ?", (username,))
        if user is not None and not user["disabled"]:
            until = user["locked_until"]
        else:
            until = self._strangers.get(_name_key(username), (0, None))[1]
        return until if until and until > iso(tx.at) else None


@dataclass(frozen=True)
class PasswordCheck:
    """What :meth:`Auth.check_password` found: the hash it checked against (None for a
    name without an account) and whether the password matched it."""

    stored: str | None
    ok: bool


def _wrong() -> HallError:
    return HallError("unauthenticated", "用户名或密码错误", "wrong username or password")


def _locked(until: str) -> HallError:
    return HallError("locked", f"连续登录失败次数过多，账号已锁定至 {until[11:16]}",
                     f"too many failed logins; locked until {until}", status=423)


def _name_key(username: str) -> bytes:
    """A fixed-size key per name (the name itself is not kept in memory)."""
    return hashlib.blake2b(username.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _hasher_dummy_verify() -> None:
    """Spend the same time for unknown users so a login does not reveal which names exist."""
    _verify(_DUMMY, "not-the-password")


_DUMMY = _hasher.hash("dummy-password-for-timing")
