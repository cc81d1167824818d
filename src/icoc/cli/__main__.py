"""``python -m icoc.cli``: the ``icoc`` command."""

import sys

from icoc.cli import main

sys.exit(main())
