"""``python -m geobuk``: the same CLI as the ``geobuk`` command."""

from geobuk.cli.entry import main

main()
