"""Digital signatures on the counter's PDFs (PAdES through pyHanko, tokens through PKCS#11).

A sibling of ``printing``: it takes PDF bytes and returns PDF bytes, never touching storage.
"""
