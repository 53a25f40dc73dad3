"""Vet: find fake-identity remote IT workers (DPRK's Famous Chollima / UNC5267 / Jasper Sleet) among
applicants and staff.

The stage reads HR records, sign-in logs and device inventories (``readers``), links people who share
identifiers (``linking``), raises red flags that each cite the public advisory they come from
(``flags``), and scores people and clusters with documented weights (``scoring``). Nothing here is a
model: every number can be traced to the flags behind it. See docs/vet.md.
"""
