"""Command line entry point: ``motcua-desk`` / ``python -m motcua_desk``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-desk",
        description="Phần mềm Bộ phận Một cửa (motcua_desk)",
    )
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir", type=Path, help="use this data directory")
    where.add_argument(
        "--temp-data-dir", action="store_true", help="use a fresh temporary data directory"
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=["backup", "restore", "list-backups", "export-unsent"],
        help="maintenance: back up now, restore FILE (close the app first), list backups, "
        "export-unsent FILE (signed file of unsent events for the server)",
    )
    parser.add_argument("file", nargs="?", type=Path, help="the backup to restore")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="migrate a database, render a receipt, open the window offscreen, exit 0 on success",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from motcua_desk import bootstrap

    if args.version:
        print(bootstrap.version_text())  # noqa: T201 - CLI output
        return 0
    if args.command:
        if args.command in ("restore", "export-unsent") and args.file is None:
            sys.stderr.write(f"{args.command}: cần chỉ ra tệp (motcua-desk {args.command} TỆP)\n")
            return 2
        return bootstrap.maintenance(args.command, args.file, data_dir=args.data_dir)
    return bootstrap.run(
        data_dir=args.data_dir,
        temp=args.temp_data_dir,
        self_test=args.self_test,
        qt_argv=[sys.argv[0]],
    )


if __name__ == "__main__":
    sys.exit(main())
