"""Adapters to the outside world: safe fetching, HTML main text, the spaCy pipeline."""
