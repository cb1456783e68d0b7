"""The work units `make test` hands to pytest-xdist workers (tests/conftest.py).

The shared mail stack is started by the first test that asks for it and
driven by the tests of every module that uses it, so those modules must all
run on one worker; any other module is a unit of its own so that its module
fixtures (OCR of the scans, a private stack) are built once.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import pytest_xdist_make_scheduler

SHARED = "tests/inbound/test_echo_stack.py"  # asks for `mailstack`
PRIVATE = "tests/inbound/test_faults_inbound.py"  # only `private_mailstack`
PLAIN = "tests/core/test_models.py"  # no stack at all


class TwoWorkers:
    """The session's config as the controller of ``pytest -n 2`` sees it."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config

    def getvalue(self, name: str) -> Any:
        return ["popen", "popen"] if name == "tx" else self._config.getvalue(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._config, name)


def units(config: pytest.Config) -> Any:
    return pytest_xdist_make_scheduler(TwoWorkers(config), log=None)  # type: ignore[arg-type]


def test_modules_on_the_shared_stack_form_one_unit(pytestconfig: pytest.Config) -> None:
    scheduler = units(pytestconfig)
    assert scheduler._split_scope(f"{SHARED}::test_a") == "shared-mailstack"
    crash = "tests/inbound/test_echo_crash.py::test_b[x]"  # asks for `mailstack` too
    assert scheduler._split_scope(crash) == "shared-mailstack"


def test_other_modules_are_units_of_their_own(pytestconfig: pytest.Config) -> None:
    scheduler = units(pytestconfig)
    assert scheduler._split_scope(f"{PRIVATE}::test_c") == PRIVATE
    assert scheduler._split_scope(f"{PLAIN}::test_d[1-2]") == PLAIN
    assert scheduler._split_scope(f"{PLAIN}::test_d") == scheduler._split_scope(f"{PLAIN}::test_e")
