"""Writes for monitoring, one module per job; import the module you need (``monitoring.services.sources``)."""
