"""motcua_desk.services."""
