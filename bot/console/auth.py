"""Who may use the console: accounts (Argon2id hashes), sessions, CSRF tokens, and wrong-password limits.

Everything lives in Redis, so a console restart logs nobody out and several console processes can share it:
  console:user:{name}                 hash: name, display_name, role (counsellor | supervisor), password_hash
  console:users                       set of user names
  console:session:{hash of token}     hash: username, role, display_name, csrf, created_at; expires when idle
  console:login_failures:user:{name}  counter of wrong passwords in the current window
  console:login_failures:ip:{address} the same per network address

The session cookie holds a random token; Redis holds only a keyed hash of it (CONSOLE_SECRET), so a copy of the
Redis data does not let anyone log in. Every state-changing request must carry the session's CSRF token in the
X-CSRF-Token header: another site can make a browser send the cookie, never read the token.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("counsellor", "supervisor")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()
# Verifying against this when the user does not exist takes as long as a real check: no user-name probing.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user name, role or password that cannot be accepted."""


@dataclass(frozen=True)
class User:
    name: str
    display_name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass(frozen=True)
class Session:
    token_key: str
    user: User
    csrf: str
    created_at: float


def validate_username(name: str) -> str:
    name = (name or "").strip().lower()
    if not USERNAME.match(name):
        raise AccountError("user names are 2-32 characters: lower-case letters, digits, '.', '_' or '-'")
    return name


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class UserStore:
    """Console accounts in Redis (async client with decode_responses=True)."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def add(self, name: str, password: str, role: str, display_name: str = "") -> User:
        """Create or replace an account (replacing is how a password is reset)."""
        name = validate_username(name)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if not (MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH):
            raise AccountError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
        display_name = (display_name or name).strip()[:60]
        password_hash = await asyncio.get_running_loop().run_in_executor(None, _hasher.hash, password)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(f"console:user:{name}", mapping={"name": name, "display_name": display_name, "role": role,
                                                   "password_hash": password_hash})
        pipe.sadd("console:users", name)
        await pipe.execute()
        return User(name, display_name, role)

    async def get(self, name: str) -> Optional[User]:
        fields = await self.redis.hgetall(f"console:user:{name}")
        if not fields:
            return None
        return User(fields["name"], fields.get("display_name") or fields["name"], fields.get("role", "counsellor"))

    async def all(self) -> List[User]:
        names = sorted(await self.redis.smembers("console:users"))
        users = [await self.get(name) for name in names]
        return [user for user in users if user is not None]

    async def verify(self, name: str, password: str) -> Optional[User]:
        """The user when the password is right, else None (same time either way)."""
        try:
            name = validate_username(name)
        except AccountError:
            name = ""
        stored = await self.redis.hget(f"console:user:{name}", "password_hash") if name else None
        # Argon2 takes tens of milliseconds on purpose: off the event loop, so the queue keeps moving.
        ok = await asyncio.get_running_loop().run_in_executor(None, _password_matches, stored or _DUMMY_HASH,
                                                              password)
        if not ok:
            return None
        if stored is None:
            return None
        if _hasher.check_needs_rehash(stored):
            await self.redis.hset(f"console:user:{name}", "password_hash", _hasher.hash(password))
        return await self.get(name)


class SessionStore:
    """Login sessions in Redis: sliding idle timeout, absolute lifetime."""

    def __init__(self, redis: Any, secret: str, idle_timeout_s: int, absolute_timeout_s: int) -> None:
        self.redis = redis
        self.secret = (secret or "").encode()
        self.idle_timeout_s = idle_timeout_s
        self.absolute_timeout_s = absolute_timeout_s

    def _key(self, token: str) -> str:
        digest = hmac.new(self.secret, token.encode(), hashlib.sha256).hexdigest()
        return f"console:session:{digest}"

    async def create(self, user: User) -> tuple[str, Session]:
        """A new session for `user`: (cookie token, session)."""
        token = secrets.token_urlsafe(32)
        session = Session(self._key(token), user, secrets.token_urlsafe(32), time.time())
        await self.redis.hset(session.token_key, mapping={
            "username": user.name, "display_name": user.display_name, "role": user.role, "csrf": session.csrf,
            "created_at": str(session.created_at)})
        await self.redis.expire(session.token_key, self.idle_timeout_s)
        return token, session

    async def get(self, token: Optional[str]) -> Optional[Session]:
        """The live session for a cookie token (its idle timer restarts), or None."""
        if not token or len(token) > 128:
            return None
        key = self._key(token)
        fields = await self.redis.hgetall(key)
        if not fields:
            return None
        created_at = float(fields.get("created_at") or 0)
        if time.time() - created_at > self.absolute_timeout_s:
            await self.redis.delete(key)
            return None
        await self.redis.expire(key, self.idle_timeout_s)
        user = User(fields["username"], fields.get("display_name") or fields["username"], fields["role"])
        return Session(key, user, fields["csrf"], created_at)

    async def delete(self, session: Session) -> None:
        await self.redis.delete(session.token_key)

    async def delete_all_for(self, username: str) -> int:
        """End every session of one user (after a password reset or when an account is removed)."""
        removed = 0
        async for key in self.redis.scan_iter(match="console:session:*", count=500):
            if await self.redis.hget(key, "username") == username:
                removed += await self.redis.delete(key)
        return removed


def csrf_matches(session: Session, header_value: Optional[str]) -> bool:
    """True when the request carries this session's CSRF token."""
    return bool(header_value) and hmac.compare_digest(session.csrf.encode(), header_value.encode())


class LoginThrottle:
    """Counts wrong passwords per user name and per address; refuses further tries for the rest of the window."""

    def __init__(self, redis: Any, max_failures: int, max_failures_per_address: int, window_s: int) -> None:
        self.redis = redis
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address
        self.window_s = window_s

    @staticmethod
    def _keys(username: str, address: str) -> Dict[str, str]:
        return {"user": f"console:login_failures:user:{username[:64]}",
                "ip": f"console:login_failures:ip:{address[:64]}"}

    async def retry_after(self, username: str, address: str) -> int:
        """Seconds until this user name and address may try again (0: now)."""
        keys = self._keys(username, address)
        user_failures, ip_failures = await self.redis.mget(keys["user"], keys["ip"])
        waits = []
        if int(user_failures or 0) >= self.max_failures:
            waits.append(await self.redis.ttl(keys["user"]))
        if int(ip_failures or 0) >= self.max_failures_per_address:
            waits.append(await self.redis.ttl(keys["ip"]))
        return max([max(wait, 1) for wait in waits], default=0)

    async def failed(self, username: str, address: str) -> None:
        for key in self._keys(username, address).values():
            pipe = self.redis.pipeline(transaction=True)
            pipe.incr(key)
            pipe.expire(key, self.window_s, nx=True)
            await pipe.execute()

    async def succeeded(self, username: str) -> None:
        await self.redis.delete(self._keys(username, "")["user"])
