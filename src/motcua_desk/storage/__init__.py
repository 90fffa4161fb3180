"""motcua_desk.storage."""
