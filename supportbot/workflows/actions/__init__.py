"""Built-in workflow actions; each module has a `register(registry)`."""
