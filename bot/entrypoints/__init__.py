"""Entry points: the CLI, the HTTP server, Socket Mode, workers, the scheduler, the demo."""
