"""The queue engine: each operation runs the pure domain rules inside one store
transaction and appends its events. Routes call these; these call domain + store."""
