"""Shared by the tests of ``neural``: import after ``pytest.importorskip("torch")``."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Run a test module's small tensors on one torch thread (faster, and two
    threads thrash on a busy 2-core machine); restore the setting after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
