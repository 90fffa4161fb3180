"""motcua_desk.storage.repositories."""
