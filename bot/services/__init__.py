"""Use cases: keyword-only functions whose collaborators (ports) come in as arguments."""
