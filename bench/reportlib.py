# SPDX-License-Identifier: GPL-2.0
"""Helpers the report writers of bench/ share."""

import subprocess
import sys


def read(path):
    """The text of a file, or None when there is none."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def gnuplot(script, out):
    """Run a gnuplot script that writes out; True when it did."""
    r = subprocess.run(["gnuplot"], input=script, text=True,
                       capture_output=True)
    if r.returncode != 0:
        sys.stderr.write(f"gnuplot failed for {out}: {r.stderr}\n")
    return r.returncode == 0
