"""motcua_desk.printing."""
