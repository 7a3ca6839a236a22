"""The manager console's server side (issue 6, docs/manager-console.md).

``alarms``, ``figures``, ``moves`` and ``exports`` are pure (plain data in, plain data
out, time handed in); ``views`` and ``period`` read the store; ``help_desk`` and
``actions`` change state inside a transaction. Routes live in ``hall_server.api.console``
and the pages in ``hall_server.web.console``.
"""
