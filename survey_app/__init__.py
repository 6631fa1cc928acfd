"""Survey service."""
