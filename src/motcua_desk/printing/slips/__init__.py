"""motcua_desk.printing.slips."""
