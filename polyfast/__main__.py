"""``python -m polyfast``: the lecture's timings; see `polyfast.bench.cli`."""

import sys

from polyfast.bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
