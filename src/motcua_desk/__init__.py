"""motcua_desk: counter application for Vietnamese one-stop service units."""

__version__ = "0.1.0"
