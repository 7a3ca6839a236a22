"""``python -m hall_server.certificates``: offline verification with the exported public key."""
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hall_server.certificates.__main__ import main
from hall_server.certificates.signing import load_or_create_signing_key

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, process: bool = False):
    """Run the command: as ``python -m`` in a new process, or ``main()`` in this one (faster)."""
    if process:
        done = subprocess.run([sys.executable, "-m", "hall_server.certificates", *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        return done.returncode, done.stdout, done.stderr
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def hall_key(tmp_path):
    """The hall's key in its data dir and the public key exported by the CLI."""
    key = load_or_create_signing_key(tmp_path / "data" / "certificate-signing.key")
    code, out, _ = cli("public-key", "--data-dir", tmp_path / "data", process=True)
    assert code == 0 and out.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "hall.pub").write_text(out)
    return key, tmp_path / "hall.pub"


def test_a_genuine_token_and_its_content_verify_offline(hall_key, make_issue, tmp_path):
    key, public = hall_key
    body = make_issue("income_tax", 0, key=key)
    (tmp_path / "answer.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("verify", body["verify_url"], "--public-key", public, "--content", tmp_path / "answer.json",
                       process=True)
    verdict = json.loads(out)
    assert code == 0 and verdict["genuine"] and verdict["content_checked"]
    assert (verdict["doc_no"], verdict["type"], verdict["status"]) == (body["doc_no"], "income_tax", "offline")


def test_altered_content_or_a_tampered_token_fail_with_exit_1(hall_key, make_issue, tmp_path):
    key, public = hall_key
    body = make_issue("income_tax", 0, key=key)
    body["document"]["tables"][0]["rows"][0][3] = "99999.00"
    (tmp_path / "altered.json").write_text(json.dumps(body["document"], ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("verify", body["token"], "--public-key", public, "--content", tmp_path / "altered.json")
    assert code == 1 and json.loads(out)["status"] == "mismatch"
    tampered = body["token"][:30] + ("A" if body["token"][30] != "A" else "B") + body["token"][31:]
    code, out, _ = cli("verify", tampered, "--public-key", public)
    assert code == 1 and json.loads(out)["status"] == "invalid" and not json.loads(out)["genuine"]


def test_another_halls_token_fails_and_bad_inputs_exit_2(hall_key, make_issue, tmp_path):
    _, public = hall_key
    code, out, _ = cli("verify", make_issue("real_estate", 0)["token"], "--public-key", public)
    assert code == 1 and json.loads(out)["reason"] == "unknown_key"
    (tmp_path / "junk.pem").write_text("not a key")
    code, _, err = cli("verify", "abc", "--public-key", tmp_path / "junk.pem")
    assert code == 2 and "无法读取公钥文件" in err
    code, _, err = cli("verify", "abc", "--public-key", tmp_path / "missing.pem")
    assert code == 2 and "missing.pem" in err


def test_the_sample_persons_listing_is_marked_synthetic(persons):
    code, out, _ = cli("sample-persons")
    lines = out.splitlines()
    assert code == 0 and "synthetic TEST persons" in lines[0] and len(lines) == 1 + len(persons)
    assert lines[1].split("\t")[:2] == [persons[0][0], persons[0][1]]
