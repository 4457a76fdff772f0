"""Settings schema and defaults."""

from config.settings import IceServer, Settings, SettingsError, load_settings

__all__ = ["IceServer", "Settings", "SettingsError", "load_settings"]
