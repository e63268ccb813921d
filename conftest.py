"""pytest: collect the doctests of ``neural`` only when torch is installed
(the ``neural`` extra); without it they are skipped, not failed.

This file sits at the repository root, not inside ``neural/``, so that it is
not installed with the package."""

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("torch") else ["neural/*.py"]
