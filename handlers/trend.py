"""`/brief trend ukraine 12w`: a chart of the topic's articles per week, posted in the channel.

The PNG goes up through Slack's external upload (files.getUploadURLExternal, the bytes to
the URL it gives, files.completeUploadExternal with the channel and a one-line comment).
Where Slack does not let the app upload (no ``files:write``, a token type that may not, a
channel it cannot post files in), the channel gets the same trend as one line of text with
a sparkline, and the asker hears why there is no chart.
"""

from __future__ import annotations

import re

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.briefing.mrkdwn import escape
from bot.briefing.trend import Trend, empty_text, parse_trend, title_of, trend_line
from bot.errors import BriefbotError
from bot.plotting import trend_png
from bot.services.archive import topic_trend
from handlers.commands import BriefCall
from handlers.context import Deps, log
from handlers.slack_errors import FAILURES, post_failed


def check_trend(deps: Deps, call: BriefCall) -> None:
    """In the ack: a topic or span that cannot be read is answered with the usage at once."""
    parse_trend(call.rest)


def deliver_trend(deps: Deps, call: BriefCall, respond: Respond, client: WebClient) -> None:
    topic, weeks = parse_trend(call.rest)
    try:
        trend = topic_trend(
            store=deps.store,
            topic=topic,
            weeks=weeks,
            now=deps.now(),
            team_id=call.team_id,
            channel_id=call.channel_id,
        )
    except BriefbotError as exc:
        respond(text=f":warning: {escape(str(exc))}", response_type="ephemeral")
        return
    if not trend.total:
        respond(text=escape(empty_text(trend)), response_type="ephemeral")
        return
    line = escape(trend_line(trend))
    try:
        upload_chart(client, trend, channel_id=call.channel_id, comment=line)
    except FAILURES as exc:
        why = post_failed(exc)
        log.info("no chart for %r in %s (%s): the text instead", topic, call.channel_id, why.code)
        respond(text=line, response_type="in_channel")
        note = f"I couldn't upload the chart here, so the trend is in text. {escape(str(why))}"
        respond(text=note, response_type="ephemeral")


def upload_chart(client: WebClient, trend: Trend, *, channel_id: str, comment: str) -> None:
    """Upload the trend's PNG to the channel with ``comment`` (built Slack text) beside it."""
    slug = re.sub(r"[^a-z0-9]+", "-", trend.topic.lower()).strip("-")[:40] or "topic"
    client.files_upload_v2(
        channel=channel_id,
        content=trend_png(trend),
        filename=f"trend-{slug}-{len(trend.weeks)}w.png",
        title=f"{title_of(trend.topic)}: articles shared per week",
        alt_txt=trend_line(trend)[:1000],
        initial_comment=comment,
    )
