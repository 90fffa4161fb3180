"""Reference implementation of the provincial sync server."""
