"""Counting: election inputs, protocols, checks, ingest and roll-up, on top of ``saylau.law``."""
