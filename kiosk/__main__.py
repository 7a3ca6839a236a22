"""``python -m kiosk``: the resident kiosk (see kiosk/app.py)."""
from kiosk.app import main

raise SystemExit(main())
