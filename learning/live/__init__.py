"""Live pages: small events about what changed, sent to the pages that show it."""
