"""saylau.law: election rules as exact, pure, self-explaining code. No I/O.

- :mod:`~saylau.law.methods`: divisor and largest-remainder allocation (single and batch);
- :mod:`~saylau.law.thresholds`, :mod:`~saylau.law.ties`, :mod:`~saylau.law.majority`;
- :mod:`~saylau.law.tiers` and :mod:`~saylau.law.compose`: tiers and how they combine;
- :mod:`~saylau.law.trail`: the typed steps every result carries;
- :mod:`~saylau.law.rulebooks`: dated rulebooks with citations, found by body and date.
"""
