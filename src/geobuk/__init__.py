"""geobuk: defend organisations against North Korean (DPRK) state cyber operations.

The package is laid out as the flow of the work: ``intel`` (know the adversary), ``sources``
(read an organisation's logs), ``detect`` (hunt in them), ``vet`` (hiring), ``trace`` (crypto),
``share`` and ``report``; ``cli`` is a thin layer over them. A stage may import an earlier one,
never a later one.
"""

__version__ = "0.1.0"
