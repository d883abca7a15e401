"""Email: rendered from templates, recorded once per key, delivered by a job."""
