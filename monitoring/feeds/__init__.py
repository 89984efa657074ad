"""Feed polling in three steps: fetch (network), parse (bytes to dataclasses), decide (pure)."""
