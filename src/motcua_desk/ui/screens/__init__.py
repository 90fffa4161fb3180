"""motcua_desk.ui.screens."""
