"""Hall server configuration: pydantic models loaded from one TOML file.

Public API::

    config = load_hall_config("config/hall.example.toml")   # -> HallConfig, or ConfigError
    config.category("A"); config.service(code); config.window("w05")
    config.category_rules(); config.service_rules(); config.window_rules()

See docs/configuration.md for every key.
"""
from hall_server.config.catalogue import Catalogue, Guide, Material, Service
from hall_server.config.errors import ConfigError, ConfigProblem
from hall_server.config.hall import HallConfig
from hall_server.config.loader import load_hall_config
from hall_server.config.queues import Category, OpeningPeriod, Window
from hall_server.config.sections import (AppointmentSettings, EvaluationSettings, HallInfo, PolicyOverrides,
                                         PolicySettings, ServerSettings, Zone)

__all__ = [
    "AppointmentSettings", "Catalogue", "Category", "ConfigError", "ConfigProblem", "EvaluationSettings",
    "Guide", "HallConfig", "HallInfo", "Material", "OpeningPeriod", "PolicyOverrides", "PolicySettings",
    "ServerSettings", "Service", "Window", "Zone", "load_hall_config",
]
