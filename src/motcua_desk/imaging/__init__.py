"""Imaging adapters for digitisation: scanners behind one port, file import, PDF assembly, OCR.

Sits beside ``storage``, ``printing`` and ``sync``: it uses ``domain`` and its own libraries
(img2pdf, pikepdf, Pillow, pypdfium2, the ``scanimage`` and ``ocrmypdf`` programs), never Qt.
"""
