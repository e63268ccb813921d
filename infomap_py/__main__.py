"""``python -m infomap_py``: the command-line tool."""

from .cli import main_entry

if __name__ == "__main__":
    main_entry()
