"""``/brief who NAME`` and ``briefbot who NAME``: an actor's timeline, or whom to choose."""

from __future__ import annotations

from bot.briefing.timeline import TIMELINE_STORIES, WhoAnswer, build_timeline, choose_actor
from bot.errors import UsageError
from bot.ports import Store

MAX_NAME_LENGTH = 200
WHO_EXAMPLE = "`/brief who Keir Starmer`"


def validate_name(name: str) -> str:
    cleaned = " ".join(name.split()).strip("\"'“”‘’")
    if not cleaned or not any(c.isalnum() for c in cleaned):
        raise UsageError(f"say whose timeline you want, e.g. {WHO_EXAMPLE}")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UsageError(f"a name is at most {MAX_NAME_LENGTH} characters")
    return cleaned


def who(
    *,
    store: Store,
    name: str = "",
    actor_id: int | None = None,
    pick: int | None = None,
    team_id: str | None = None,
    channel_id: str | None = None,
    limit: int = TIMELINE_STORIES,
) -> WhoAnswer:
    """The timeline of the actor ``name`` means (or of ``actor_id``, a candidate chosen from
    an earlier answer), as this team and channel may see it; when the name is unknown or
    means several actors, the closest candidates (``pick``: take the n-th of them, 1-based).
    """
    seen = {"team_id": team_id, "channel_id": channel_id}
    if actor_id is not None:
        profile = store.actor_profile(actor_id, **seen)
        if profile is None:  # gone since, or not visible from here
            return WhoAnswer(name)
    else:
        name = validate_name(name)
        choice = choose_actor(name, store.find_actors(name, **seen))
        profile = choice.actor
        if profile is None and pick is not None:
            if not 1 <= pick <= len(choice.candidates):
                raise UsageError(f"there is no candidate {pick} for {name!r}")
            profile = choice.candidates[pick - 1]
        if profile is None:
            return WhoAnswer(name, candidates=choice.candidates, ambiguous=choice.ambiguous)
    articles = store.actor_articles(profile.id, **seen)
    # Weighed against the archive, as briefings weigh their stories' features.
    timeline = build_timeline(profile, articles, limit=limit, corpus=store.story_corpus(articles))
    return WhoAnswer(name or profile.name, timeline)
