"""pytest: collect the doctests of ``neural`` only when torch is installed
(the ``neural`` extra); without it they are skipped, not failed."""

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("torch") else ["*.py"]
