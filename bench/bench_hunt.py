"""Entry point of the hunt benchmark (``hunt_vs_sqlite``): see that module for what it measures.

Run: ``.venv/bin/python bench/bench_hunt.py [--rules PATH]... [--copies 20] [--skip-baseline]``.

The benchmark's code is imported only under the guard below: the hunt's reading workers import the
program's main module, as those of the ``geobuk`` command import its entry point, which is as light
as this (``geobuk.cli.entry``); importing pySigma's backends there would delay them for nothing.
"""

if __name__ == "__main__":
    from hunt_vs_sqlite import main

    main()
