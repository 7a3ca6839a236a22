"""Self-printed certificates (证明自助打印, issue 7; docs/certificates.md).

- :mod:`.providers` — the provider interface, request/data types, typed refusals
- :mod:`.sample`, :mod:`.sample_data` — the bundled TEST data set and its provider
- :mod:`.http_provider` — a department's HTTP interface (timeouts, retries, mapping)
- :mod:`.content`, :mod:`.signing`, :mod:`.verification` — canonical content, Ed25519 tokens, verdicts
- :mod:`.rules`, :mod:`.records`, :mod:`.desk` — limits, print states, the issuance log, the routes' desk

``python -m hall_server.certificates`` verifies tokens offline and exports keys.
"""
