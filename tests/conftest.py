"""Shared fixtures. Test modules import paths and helpers from ``support`` (this directory is on sys.path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import shared_data


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """../shared/data (real GSM8K and MATH500 files); skips the test where it is missing."""
    return shared_data()
