"""The clerk's window console (窗口叫号与评价): ``python -m kiosk.counter`` / ``hallterm-counter``.

* :mod:`kiosk.counter.core` — pure: actions and hotkeys, call debounce, service timer,
  the console state machine, evaluation prompt, render model;
* :mod:`kiosk.counter.client` — the hall server calls the console makes;
* :mod:`kiosk.counter.config` — the TOML configuration;
* :mod:`kiosk.counter.ui` — the Qt console, login dialog and the resident's evaluation screen;
* :mod:`kiosk.counter.app` — the composition root (``main``).
"""
