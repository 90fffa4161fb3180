"""motcua_desk.ui."""
