"""Trace: screen crypto addresses against attributed and sanctioned ones, and follow stolen funds.

The stage reads the intel store's address indicators (OFAC SDN, TagPacks, geobuk's built-in DPRK set)
and service labels, keeps transfers in tables of the same DuckDB file (``storage``), and follows
value through them with a chosen taint model on numpy arrays (``graph``, ``taint``), recognising the
laundering patterns documented for Lazarus (``patterns``).
"""
