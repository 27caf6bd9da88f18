"""The yardstick for ack latency: a Bolt app that only acknowledges, served like Briefbot.

    python benchmarks/bare_bolt.py PORT SECRET SLACK_API_URL

Same Bolt settings (signature checked, ``process_before_response``), same WSGI server
(waitress, 8 threads) and the same URL as ``briefbot serve``; its listeners do nothing but
ack, so its latency is what Bolt and the HTTP server cost on this machine at that moment.
Its Web API calls (Bolt's auth.test) go to the same local emulator as Briefbot's.
"""

from __future__ import annotations

import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def main() -> None:
    port, secret, api_url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = App(
        client=WebClient(token="xoxb-bare", base_url=api_url),
        signing_secret=secret,
        process_before_response=True,
    )

    @app.event("message")
    def on_message() -> None:
        return None

    @app.command("/brief")
    def on_brief(ack: Ack) -> None:
        ack()

    handler = SlackRequestHandler(app, path="/slack/events")

    def application(environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return handler(environ, start_response)

    serve(application, host="127.0.0.1", port=port, threads=8, ident="bare-bolt")


if __name__ == "__main__":
    main()
