"""The results service: commissions enter protocols, observers and the public follow the count.

``db`` opens the database (SQLite by default, PostgreSQL in production), ``models`` holds the
tables, ``migrations`` the Alembic schema history, ``audit`` the hash-chained log of every state
change, ``accounts`` the users, roles, passwords, tokens and login throttling. The service reads
the count (``saylau.count``), never the other way round.
"""
