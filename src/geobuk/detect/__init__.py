"""Detect: hunt for DPRK tradecraft and indicators in an organisation's logs.

The shape follows pySigma: a rule is parsed once (``sigma/``) into geobuk's own small expression
tree (``ir``), which is engine-neutral: ``engine`` evaluates it over Arrow tables, and other
renderers (SQL for Spark, say) can be added without touching the parser.
"""
