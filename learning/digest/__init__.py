"""Personal digests: one short email per person, at their own hour, with what needs them
first. The domains fill its sections (see `sections`); learning never imports them."""
