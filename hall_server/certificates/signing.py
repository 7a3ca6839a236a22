"""Ed25519 signing of the verification token a certificate's QR code carries.

A token names the document number, the type, the issue time and the SHA-256
digest of the document's canonical content, and is signed with the hall's
private key (domain.md §6 CERT-03 (b)/(c)). Binary layout, version 1::

    01 | key id (4) | issued at, Unix seconds (4, big-endian) | digest (32)
       | len + document number (ASCII) | len + type code (ASCII) | signature (64)

The signature covers ``CONTEXT`` followed by every byte before it, so a token of
another protocol can never pass as ours. The whole is base64url without padding:
about 190 characters, a QR code of version 8–10 at level M with the verify URL.
"""
from __future__ import annotations

import base64
import hashlib
import os
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hall_server.errors import HallError

VERSION = 1
CONTEXT = b"hallterm-certificate-token-v1\x00"
_HEAD = struct.Struct(">B4sI32s")
_SIGNATURE_BYTES = 64
MAX_TOKEN_CHARS = 400


class TokenInvalid(HallError):
    """A token that is malformed, signed by another key, or altered."""

    def __init__(self, reason: str, message: str, message_en: str):
        super().__init__("token_invalid", message, message_en, status=400, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaims:
    """What a token states about one document."""

    doc_no: str
    type_code: str
    issued_at: datetime          # aware, UTC
    digest: bytes                # SHA-256 of the canonical content
    key_id: bytes = b""

    @property
    def digest_hex(self) -> str:
        return self.digest.hex()


def key_id(public_key: Ed25519PublicKey) -> bytes:
    """The first 4 bytes of SHA-256 over the raw public key: names the key in tokens."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:4]


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The hall's signing key: read from ``path``, or created there once with mode 0600."""
    path = Path(path)
    if path.exists():
        return load_private_key(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_private_key(path.read_bytes())
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise HallError("invalid_input", "签名私钥不是 Ed25519 密钥", "the signing key is not an Ed25519 key")
    return key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), for export and offline checks."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: bytes | str) -> Ed25519PublicKey:
    """Read a PEM public key; a typed error if it is not an Ed25519 one."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise HallError("invalid_input", "无法读取公钥文件（应为 PEM 格式）", "cannot read the public key (PEM expected)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise HallError("invalid_input", "公钥不是 Ed25519 密钥", "the public key is not an Ed25519 key")
    return key


def encode_token(key: Ed25519PrivateKey, claims: TokenClaims) -> str:
    """Sign ``claims``; the compact base64url token."""
    doc, kind = claims.doc_no.encode("ascii"), claims.type_code.encode("ascii")
    if len(claims.digest) != 32 or not (0 < len(doc) < 64) or not (0 < len(kind) < 64):
        raise ValueError("a token needs a 32-byte digest and short ASCII names")
    seconds = int(claims.issued_at.timestamp())
    body = _HEAD.pack(VERSION, key_id(key.public_key()), seconds, claims.digest)
    body += bytes([len(doc)]) + doc + bytes([len(kind)]) + kind
    signature = key.sign(CONTEXT + body)
    return base64.urlsafe_b64encode(body + signature).rstrip(b"=").decode("ascii")


def decode_token(token: str, public_key: Ed25519PublicKey) -> TokenClaims:
    """Check the signature and return the claims.

    Raises:
        TokenInvalid: ``reason`` ``malformed``, ``unknown_key`` or ``bad_signature``.
    """
    raw = _unpack_base64(token)
    body, signature = raw[:-_SIGNATURE_BYTES], raw[-_SIGNATURE_BYTES:]
    claims = _parse_body(body)
    if claims.key_id != key_id(public_key):
        raise TokenInvalid("unknown_key", "该核验码不是本大厅的密钥签发的", "the token was signed with another key")
    try:
        public_key.verify(signature, CONTEXT + body)
    except InvalidSignature as exc:
        raise TokenInvalid("bad_signature", "核验码签名不符，证明可能被篡改", "the signature does not match; the token was altered") from exc
    return claims


def _malformed() -> TokenInvalid:
    return TokenInvalid("malformed", "核验码格式不正确", "the token is malformed")


def _unpack_base64(token: str) -> bytes:
    text = (token or "").strip()
    if not text or len(text) > MAX_TOKEN_CHARS or not text.isascii():
        raise _malformed()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise _malformed() from exc
    if len(raw) < _HEAD.size + 2 + _SIGNATURE_BYTES:
        raise _malformed()
    return raw


def _parse_body(body: bytes) -> TokenClaims:
    version, kid, seconds, digest = _HEAD.unpack_from(body)
    if version != VERSION:
        raise _malformed()
    rest = body[_HEAD.size:]
    doc, rest = _take(rest)
    kind, rest = _take(rest)
    if rest:
        raise _malformed()
    return TokenClaims(doc, kind, datetime.fromtimestamp(seconds, timezone.utc), digest, kid)


def _take(data: bytes) -> tuple[str, bytes]:
    if not data or len(data) < 1 + data[0] or data[0] == 0:
        raise _malformed()
    text = data[1:1 + data[0]]
    if not text.isascii():
        raise _malformed()
    return text.decode("ascii"), data[1 + data[0]:]
