"""``python -m revcycle``."""

import sys

from revcycle.cli import main


sys.exit(main())
