"""Fails when translations/messages.pot is out of date with the strings wrapped in the code,
so a new sentence can never reach a translator late. Fix with `make translations`."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "messages.pot"


def message_ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(message.id) for message in read_po(handle) if message.id}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        subprocess.run(
            [
                str(Path(sys.executable).parent / "pybabel"),
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "-o",
                str(fresh),
                "--no-location",
                "--omit-header",
                ".",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        wanted = message_ids(fresh)
    have = message_ids(CATALOG) if CATALOG.exists() else set()
    missing, stale = wanted - have, have - wanted
    for text in sorted(missing):
        print(f"not in messages.pot: {text!r}")
    for text in sorted(stale):
        print(f"no longer used: {text!r}")
    if missing or stale:
        print("translations/messages.pot is out of date: run `make translations`.")
        return 1
    print(f"translations/messages.pot is up to date ({len(wanted)} messages).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
