"""The reader's word lists (``data/*.yaml``), loaded once.

The lists are data rather than code so that a linguist can extend them without touching the
matchers; each file says in its header what its entries mean.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from importlib import resources

import yaml

_OPTIONAL = re.compile(r"\(([^()]*)\)")


@cache
def load(name: str) -> dict:
    """The parsed ``data/<name>.yaml`` shipped with the package."""
    text = resources.files("geobuk.intel.read").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def expand(form: str) -> list[str]:
    """Every spelling a form with optional endings stands for: "coréen(ne)(s)" -> 4 forms.

    Writing inflections this way keeps the French adjective lists a quarter of their size.
    """
    parts = _OPTIONAL.split(form)
    if len(parts) == 1:
        return [form]
    stems, options = parts[0::2], parts[1::2]
    out = []
    for picks in itertools.product((False, True), repeat=len(options)):
        word = stems[0]
        for pick, option, stem in zip(picks, options, stems[1:], strict=True):
            word += (option if pick else "") + stem
        out.append(word)
    return list(dict.fromkeys(out))
