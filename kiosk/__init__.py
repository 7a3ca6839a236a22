"""hallterm's resident kiosk and clerk counter: pure flows (kiosk.core), the hall
server client (kiosk.hall_client), and the PySide6 shells (kiosk.ui, kiosk.counter)."""
