"""The hall's pure rules: numbering and issue limits, the ticket life, the call policy,
estimates, personal-data handling, appointment check-in and statistics.

Nothing here does I/O or reads a clock: callers pass plain data (``model``) and a
timezone-aware ``now``, and get new values back or a ``DomainError``.
"""
