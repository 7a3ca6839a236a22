"""Agents: programs that follow the hall's event stream and act on it (CONVENTIONS.md
layout): the voice announcer (:mod:`.voice`) and the LED agent (:mod:`.led`), both
built on :mod:`.stream`. Run them with ``python -m hall_server.agents voice|led``,
on the server PC or any PC of the hall network.
"""
