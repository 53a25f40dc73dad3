"""Reading: advisories, reports and news (English and French) turned into linked STIX intel.

``documents`` loads text (plain, HTML, PDF, Markdown) and detects its language; the extractors
(``iocs``, ``entities``, ``techniques``) each find one kind of fact with the exact span of text it
came from; ``reader`` puts a document's facts together and ``stix_out`` saves them as STIX.
"""
