"""Files the server writes for others to pick up (demo credentials, key files): a
reader never sees them empty or half written, and nobody but the owner may read them."""

import json
import stat
import threading

from hall_server.cli import write_private


def test_a_reader_polling_the_file_never_sees_it_empty_or_half_written(tmp_path):
    path = tmp_path / "demo-credentials.json"
    write_private(path, json.dumps({"round": -1}))
    done, seen, broken = threading.Event(), [], []

    def poll():
        while not done.is_set():
            text = path.read_text(encoding="utf-8")
            try:
                seen.append(json.loads(text)["round"])
            except ValueError:
                broken.append(text[:40])

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        for n in range(300):
            write_private(path, json.dumps({"round": n, "tokens": {"kiosk": "x" * 20_000}}, indent=2))
    finally:
        done.set()
        reader.join(10)
    assert not broken
    assert seen == sorted(seen) and seen[-1] in (298, 299)
    assert json.loads(path.read_text())["round"] == 299


def test_the_file_is_owner_only_even_when_it_replaces_a_readable_one(tmp_path):
    path = tmp_path / "demo-credentials.json"
    path.write_text("old")
    path.chmod(0o644)
    write_private(path, "新的 / new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == "新的 / new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-credentials.json"]
