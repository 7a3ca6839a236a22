"""``python -m hall_server.certificates``: check a certificate offline, export the public key,
write the sample data set.

    verify TOKEN|URL --public-key FILE [--content DOC.json]   exit 0 genuine, 1 not, 2 bad input
    public-key --data-dir DIR [--key-file NAME]               print the PEM (creates the key if absent)
    sample-data OUT.sqlite3                                   write the TEST data set (deterministic)
    sample-persons                                            list the synthetic TEST persons

``verify`` needs no server and no database: the signature, and with ``--content``
the content digest (a document's JSON as the API returned it under ``document``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hall_server.certificates.sample_data import BUNDLED, read_rows, write_dataset
from hall_server.certificates.signing import load_or_create_signing_key, load_public_key, public_key_pem
from hall_server.certificates.verification import check_token
from hall_server.errors import HallError


def token_of(text: str) -> str:
    """The token itself, also when given the whole verify URL from the QR code."""
    text = text.strip()
    return text.rsplit("/verify/", 1)[1].split("?", 1)[0] if "/verify/" in text else text


def _verify(args) -> int:
    key = load_public_key(Path(args.public_key).read_bytes())
    content = json.loads(Path(args.content).read_text(encoding="utf-8")) if args.content else None
    if isinstance(content, dict) and "document" in content:
        content = content["document"]      # the whole API answer was given
    verdict = check_token(token_of(args.token), key, content=content)
    out = verdict.as_dict()
    out["content_checked"] = content is not None
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if verdict.genuine else 1


def _public_key(args) -> int:
    path = Path(args.key_file)
    key = load_or_create_signing_key(path if path.is_absolute() else Path(args.data_dir) / path)
    print(public_key_pem(key), end="")
    return 0


def _sample_data(args) -> int:
    print(write_dataset(Path(args.out)))
    return 0


def _sample_persons(args) -> int:
    print("# 合成的测试人员，均非真实人员 / synthetic TEST persons, none of them real")
    for number, name, sex, birth, note in read_rows(BUNDLED)["persons"]:
        print(f"{number}\t{name}\t{sex}\t{birth}\t{note}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m hall_server.certificates", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="check a token (or verify URL) with the hall's public key")
    verify.add_argument("token")
    verify.add_argument("--public-key", required=True, help="PEM file from `public-key` or GET /api/v1/certificates/public-key")
    verify.add_argument("--content", help="the document's JSON, to check its digest too")
    verify.set_defaults(run=_verify)
    key = sub.add_parser("public-key", help="print the signing key's public half (PEM)")
    key.add_argument("--data-dir", required=True)
    key.add_argument("--key-file", default="certificate-signing.key")
    key.set_defaults(run=_public_key)
    data = sub.add_parser("sample-data", help="write the sample TEST data set")
    data.add_argument("out")
    data.set_defaults(run=_sample_data)
    persons = sub.add_parser("sample-persons", help="list the synthetic TEST persons of the bundled data set")
    persons.set_defaults(run=_sample_persons)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (HallError, OSError, ValueError) as err:
        message = f"{err.message} / {err.message_en}" if isinstance(err, HallError) else str(err)
        print(f"错误 / error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
