"""Routes of this area; filled in by its issue. Registered in hall_server/app.py."""
from fastapi import APIRouter

router = APIRouter()
