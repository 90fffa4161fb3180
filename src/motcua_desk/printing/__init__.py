"""Printing: fonts, barcodes and every counter form as PDF bytes.

Importing this package does nothing heavy: fonts are registered lazily by
:func:`motcua_desk.printing.fonts.register_fonts` (each ``render`` calls it when no
:class:`~motcua_desk.printing.fonts.FontSet` is given).
"""
