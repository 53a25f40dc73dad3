"""Material bundled for ``geobuk demo``: small, written for geobuk, no real victim data."""

from pathlib import Path

DEMO_DIR = Path(__file__).parent
