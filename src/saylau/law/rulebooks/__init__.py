"""Dated rulebooks with citations, found by body and date."""

from __future__ import annotations

from saylau.law.rulebooks import de, kz, nz
from saylau.law.rulebooks.registry import Registry, RulebookNotFound
from saylau.law.rulebooks.rulebook import Provision, Rulebook

REGISTRY = Registry(kz.RULEBOOKS + de.RULEBOOKS + nz.RULEBOOKS)
"""Every rulebook saylau knows."""

__all__ = ["REGISTRY", "Provision", "Registry", "Rulebook", "RulebookNotFound"]
