"""The English catalogue is complete and its compiled file matches it."""

from __future__ import annotations

import subprocess
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"


def test_every_vietnamese_string_has_an_english_translation(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", str(compiled), CATALOGUE / "django.po"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    # The committed .mo is the one the .po compiles to: `make messages` was run.
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes()
