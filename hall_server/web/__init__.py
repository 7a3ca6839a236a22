"""Web pages served by the hall server: hall display, ticket status, manager console, verification."""
