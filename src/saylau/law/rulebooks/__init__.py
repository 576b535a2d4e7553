"""Dated rulebooks with citations, found by body and date."""

from __future__ import annotations

from saylau.law.rulebooks import de, es, fr, il, kz, no, nz, ru, us
from saylau.law.rulebooks.registry import Registry, RulebookNotFound
from saylau.law.rulebooks.rulebook import Provision, Rulebook

REGISTRY = Registry(
    kz.RULEBOOKS
    + de.RULEBOOKS
    + nz.RULEBOOKS
    + ru.RULEBOOKS
    + no.RULEBOOKS
    + il.RULEBOOKS
    + es.RULEBOOKS
    + us.RULEBOOKS
    + fr.RULEBOOKS
)
"""Every rulebook saylau knows."""

__all__ = ["REGISTRY", "Provision", "Registry", "Rulebook", "RulebookNotFound"]
