"""Test-wide set-up. Qt must be told to render offscreen before it is imported."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HALLTERM_TESTING", "1")
