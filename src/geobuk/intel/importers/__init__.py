"""Intel importers, one module per format, all registered in ``IMPORTERS`` (see ``base``).

Importing this package registers every built-in importer; detection tries the most specific first
(each importer's ``sniff_order``: the flat IOC list, which accepts the loosest input, comes last).
"""

from geobuk.intel.importers import (  # noqa: F401
    ioc_list,
    misp_event,
    misp_galaxy,
    ofac_addresses,
    stix_bundle,
    tagpack,
)
from geobuk.intel.importers.base import IMPORTERS, AliasClaim, ImportBatch, ImportContext, Importer

__all__ = ["IMPORTERS", "AliasClaim", "ImportBatch", "ImportContext", "Importer"]
