# SPDX-License-Identifier: MIT
"""Shared by the Meter tests: the klefr CLI the suite was built with
(KLEFR_CLI, set by meson next to KLEFR_METERD), and the CLI's way of
printing a number, so that a value read through klefr.Meter can be
compared with `klefr read --json` exactly. The emulator fixtures come from
the installed package's pytest plugin (klefr.testing)."""

import json
import os
import subprocess

import pytest

import klefr


@pytest.fixture
def klefr_cli():
    """Run the klefr CLI: klefr_cli("read", "--json", ...) -> stdout."""
    path = os.environ.get("KLEFR_CLI")
    if not path:
        pytest.skip("KLEFR_CLI not set (the tools were not built)")

    def run(*args, timeout=60):
        p = subprocess.run([path, *args], capture_output=True, text=True, timeout=timeout)
        assert p.returncode == 0, f"klefr {' '.join(args)}: {p.returncode}\n{p.stderr}"
        return p.stdout

    return run


def cli_read_json(klefr_cli, port, protocol, *extra):
    """`klefr read --json --all` of one meter: name -> number."""
    out = klefr_cli("read", "--json", "--all", "--port", port, "--protocol", protocol, *extra)
    return json.loads(out)["values"]


def cli_text(name, value):
    """@p value as `klefr read --json` prints it (tools/common/number_text.c,
    quantity_number_text: one decimal more than the meter's resolution, trailing
    zeros dropped)."""
    row = klefr.quantities[name]
    decimals = 0 if row.integer else (row.iec.decimals if row.iec is not None else 3)
    text = f"{value:.{decimals + 1 if decimals > 0 else 0}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
