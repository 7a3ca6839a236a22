"""``python -m kiosk.counter``: the clerk's window console (see kiosk.counter.app)."""
import sys

from kiosk.counter.app import main

sys.exit(main())
