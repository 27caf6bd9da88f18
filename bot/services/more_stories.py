"""The rest of a briefing: the stories a briefing left out, for whoever clicks "More stories".

The briefing is composed again as it stood when it was made (its window, its shares up to
then), as seen from where the button is clicked: the clicker's workspace and channel decide
which articles may be cited, exactly as for `/brief` asked there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.briefing.compose import compose_briefing
from bot.briefing.model import Briefing, BriefingAsk
from bot.briefing.render import title_case
from bot.ports import Store
from bot.services.briefing import brief, shared_by
from bot.services.whats_new import digest_articles

PAGE = 10  # stories one "More stories" answer shows; a button asks for the next ones


def more_stories(
    *,
    store: Store,
    ask: BriefingAsk,
    shown: int,
    team_id: str,
    channel_id: str,
    page: int = PAGE,
) -> Briefing:
    """The stories after the first ``shown`` of the briefing ``ask`` describes."""
    wanted = shown + page
    if ask.digest:
        articles = digest_articles(
            store=store, team_id=team_id, channel_id=channel_id, after=ask.since
        )
        whole = compose_briefing(
            ask.topic,
            shared_by(articles, ask.until),
            now=ask.until,
            since=ask.since,
            max_stories=wanted,
        )
    else:
        whole = brief(
            store=store,
            topic=ask.topic,
            now=ask.until,
            since=timedelta(0),
            after=ask.since,
            team_id=team_id,
            channel_id=channel_id,
            terms=ask.terms,
            max_stories=wanted,
            as_of=True,
        )
    rest = replace(whole, stories=whole.stories[shown:], first=shown + 1, asked=ask)
    if rest.is_empty:
        return replace(rest, empty_message=f"There are no more stories on {title_case(ask.topic)}.")
    return rest
