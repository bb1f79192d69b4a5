"""``python -m newswire``: what the ``newswire`` script runs (workers spawn themselves this way)."""

import sys

from newswire.cli import main

sys.exit(main())
