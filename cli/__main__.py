"""``python -m eip8025_cli``."""

import sys

from eip8025_cli import main

sys.exit(main())
