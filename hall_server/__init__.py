"""hallterm hall server: queue engine, store, HTTP API, event stream, web pages, agents."""

__version__ = "0.1.0"
