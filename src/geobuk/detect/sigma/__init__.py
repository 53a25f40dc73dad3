"""Sigma rules, parsed with pySigma and compiled to geobuk's expression tree (``geobuk.detect.ir``)."""
