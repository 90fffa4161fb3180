"""Entry script of the frozen application (PyInstaller cannot run a package's __main__)."""

import sys

from motcua_desk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
