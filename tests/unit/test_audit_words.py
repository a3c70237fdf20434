"""Every action the app writes to the audit trail reads as words on the trail page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import voice_app
from voice_app.data.audit import ACTION_WORDS
from voice_app.vocabulary import StaffTokenPurpose

ACTION = re.compile(r"[a-z]+(_[a-z]+)*")


def _actions_written() -> set[str]:
    """The action names in every call of audit.record or record_system, read from the source
    (an f-string action is expanded by hand below)."""
    found = set()
    for path in Path(voice_app.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in ("record", "record_system"):
                continue
            for argument in node.args[:2]:
                for part in ast.walk(argument):
                    if (
                        isinstance(part, ast.Constant)
                        and isinstance(part.value, str)
                        and ACTION.fullmatch(part.value)
                    ):
                        found.add(part.value)
    return found


def test_every_audited_action_has_words():
    written = _actions_written()
    # f"sent_{purpose}_link" in data/staff_accounts.py
    written |= {f"sent_{purpose}_link" for purpose in StaffTokenPurpose}
    assert len(written) > 20
    assert sorted(written - ACTION_WORDS.keys()) == []
