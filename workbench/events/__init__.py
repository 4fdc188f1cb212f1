"""Events: the taxonomy of event types and the resolution of dates as news writes them."""
