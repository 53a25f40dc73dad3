"""Intel: the knowledge base of DPRK actors, aliases, malware, techniques and indicators (STIX 2.1)."""
