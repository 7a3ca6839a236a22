"""The counter console's pure core: no Qt, no HTTP, no serial; time is injected."""
