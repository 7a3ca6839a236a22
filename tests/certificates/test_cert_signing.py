"""Ed25519 verification tokens: round trip, every kind of tampering, keys on disk, size."""
import base64
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings, strategies as st

from hall_server.certificates.content import canonical_bytes, content_digest
from hall_server.certificates.signing import (MAX_TOKEN_CHARS, TokenClaims, TokenInvalid, decode_token, encode_token,
                                              key_id, load_or_create_signing_key, load_public_key, public_key_pem)
from hall_server.certificates.verification import check_token

CST = timezone(timedelta(hours=8))
CLAIMS = TokenClaims("SB20261123000013", "social_insurance", datetime(2026, 11, 23, 9, 30, tzinfo=CST),
                     bytes(range(32)))


def raw(token: str) -> bytearray:
    return bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


def pack(data: bytes) -> str:
    return base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode()


def test_token_round_trip_names_document_type_time_and_digest(signing_key):
    token = encode_token(signing_key, CLAIMS)
    claims = decode_token(token, signing_key.public_key())
    assert (claims.doc_no, claims.type_code, claims.digest) == (CLAIMS.doc_no, CLAIMS.type_code, CLAIMS.digest)
    assert claims.issued_at == CLAIMS.issued_at and claims.key_id == key_id(signing_key.public_key())
    # Compact: fits a version-11 QR code at level M together with a verify URL.
    assert len(token) < 200 and set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize("position", [0, 1, 5, 9, 20, 41, 45, 60, -64, -1])
def test_changing_any_byte_is_refused(signing_key, position):
    data = raw(encode_token(signing_key, CLAIMS))
    data[position] ^= 0x01
    with pytest.raises(TokenInvalid) as caught:
        decode_token(pack(data), signing_key.public_key())
    assert caught.value.reason in {"bad_signature", "malformed", "unknown_key"}
    assert caught.value.status == 400 and caught.value.code == "token_invalid"
    if caught.value.reason == "bad_signature":
        assert "篡改" in caught.value.message


def test_a_changed_document_number_with_the_old_signature_is_refused_as_altered(signing_key):
    data = raw(encode_token(signing_key, CLAIMS))
    start = data.index(b"SB2026")
    data[start + 15] = ord("9")                    # SB…13 → SB…19: same length, other document
    with pytest.raises(TokenInvalid) as caught:
        decode_token(pack(data), signing_key.public_key())
    assert caught.value.reason == "bad_signature"
    assert caught.value.message == "核验码签名不符，证明可能被篡改"


def test_a_token_of_another_hall_is_refused_by_key_id():
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(TokenInvalid) as caught:
        decode_token(encode_token(theirs, CLAIMS), ours.public_key())
    assert caught.value.reason == "unknown_key"


def test_a_forged_key_id_still_fails_the_signature():
    ours, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = raw(encode_token(forger, CLAIMS))
    data[1:5] = key_id(ours.public_key())          # claim to be ours
    with pytest.raises(TokenInvalid) as caught:
        decode_token(pack(data), ours.public_key())
    assert caught.value.reason == "bad_signature"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=500))
def test_any_text_is_refused_with_a_typed_error_never_a_crash(text):
    key = Ed25519PrivateKey.generate()
    with pytest.raises(TokenInvalid) as caught:
        decode_token(text, key.public_key())
    assert caught.value.message and caught.value.message_en


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=300))
def test_any_bytes_are_refused_with_a_typed_error(blob):
    key = Ed25519PrivateKey.generate()
    with pytest.raises(TokenInvalid):
        decode_token(pack(blob), key.public_key())


def test_overlong_input_is_refused_before_decoding(signing_key):
    with pytest.raises(TokenInvalid) as caught:
        decode_token("A" * (MAX_TOKEN_CHARS + 1), signing_key.public_key())
    assert caught.value.reason == "malformed"


def test_signing_key_is_created_once_with_mode_0600_and_reloaded(tmp_path):
    path = tmp_path / "data" / "certificate-signing.key"
    first = load_or_create_signing_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = load_or_create_signing_key(path)
    assert public_key_pem(first) == public_key_pem(again)
    token = encode_token(first, CLAIMS)
    assert decode_token(token, load_public_key(public_key_pem(again))).doc_no == CLAIMS.doc_no


def test_a_public_key_that_is_not_ed25519_or_not_pem_is_refused(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    other = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    for pem in (other, b"not a key"):
        with pytest.raises(Exception) as caught:
            load_public_key(pem)
        assert getattr(caught.value, "code", "") == "invalid_input"


def test_canonical_content_ignores_key_order_but_not_values():
    a = {"doc_no": "X1", "fields": [["参保状态", "正常参保"]], "holder": {"name": "张*", "id_number": "1101****"}}
    b = {"holder": {"id_number": "1101****", "name": "张*"}, "fields": [["参保状态", "正常参保"]], "doc_no": "X1"}
    assert canonical_bytes(a) == canonical_bytes(b) and content_digest(a) == content_digest(b)
    assert "参保状态".encode() in canonical_bytes(a)                 # UTF-8, not \\u escapes
    changed = {**b, "fields": [["参保状态", "暂停缴费"]]}
    assert content_digest(changed) != content_digest(a)


def test_offline_check_refuses_content_that_differs_from_what_was_signed(signing_key):
    content = {"doc_no": "SB20261123000013", "tables": [{"rows": [["2026-10", "18800.00"]]}]}
    token = encode_token(signing_key, TokenClaims("SB20261123000013", "social_insurance",
                                                  CLAIMS.issued_at, content_digest(content)))
    assert check_token(token, signing_key.public_key(), content=content).genuine
    altered = {**content, "tables": [{"rows": [["2026-10", "28800.00"]]}]}
    verdict = check_token(token, signing_key.public_key(), content=altered)
    assert not verdict.genuine and verdict.status == "mismatch" and "篡改" in verdict.message
