#!/usr/bin/env python
"""Django's command-line utility for Guazhi; the same as the installed `guazhi` command."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from guazhi.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
