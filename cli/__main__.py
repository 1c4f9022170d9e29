"""``python -m eip8025_cli``."""

import sys

from . import main

sys.exit(main())
