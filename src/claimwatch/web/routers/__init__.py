"""One router per API resource (articles, claims, disputes, actors, timeline, check, extract), plus the pages."""
