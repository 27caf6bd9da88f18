"""What Slack's refusals mean for the person waiting, and whether trying again can help.

Every post Briefbot makes goes through :func:`post_failed`, so a refused post is a
:class:`bot.errors.PostFailed` whose text is one of the sentences below: what happened and
what to do, in words a member can act on. ``permanent`` decides whether a scheduled
briefing is tried again: the refusals below that a retry within minutes cannot fix are not
retried. ``not_in_channel`` is among them: an invitation fixes it, but nobody is told to
invite Briefbot between two retries, so the slot is recorded (with this sentence, shown in
`/brief topics`) and the next slot posts once Briefbot is invited.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.errors import PostFailed

_REINSTALL = "A workspace admin needs to reinstall Briefbot (Slack app settings, Install App)."
_OTHER_CHANNEL = "pick another channel (`/brief follow <topic> in #channel` for a followed topic)."
SENTENCES = {
    "not_in_channel": "I'm not a member of that channel. Invite me with `/invite @Briefbot`, "
    "then try again.",
    "channel_not_found": "Slack cannot find that channel for me: it was deleted, or it is "
    "private and I'm not in it. Invite me there with `/invite @Briefbot`, or " + _OTHER_CHANNEL,
    "is_archived": "That channel is archived, so nothing can be posted in it. Unarchive it, or "
    + _OTHER_CHANNEL,
    "restricted_action": "Only some members may post in that channel, and I'm not one of them. "
    "Ask a channel manager, or " + _OTHER_CHANNEL,
    "msg_too_long": "That answer is longer than Slack accepts. Try a narrower topic or a "
    "shorter window, e.g. `since 3d`.",
    "invalid_blocks": "Slack refused the layout of that answer. That is a bug on my side and "
    "it is logged; a narrower topic or a shorter window may work meanwhile.",
    "token_revoked": "My Slack token was revoked or the app was removed. " + _REINSTALL,
    "invalid_auth": "Slack no longer accepts my token. " + _REINSTALL,
    "account_inactive": "My Slack bot user has been deactivated. " + _REINSTALL,
    "missing_scope": "I lack a Slack permission for this. A workspace admin needs to reinstall "
    "Briefbot with the scopes in its manifest (deploy/).",
    "ratelimited": "Slack is limiting how fast I may post right now. Please try again in a minute.",
    "slack_down": "Slack had a problem on its side ({detail}). Please try again in a minute.",
    "unreachable": "I couldn't reach Slack. Please try again in a minute.",
}
# Slack's words for the same thing: each is answered with the sentence of the first.
SAME_AS = {
    "invalid_blocks_format": "invalid_blocks",
    "not_authed": "invalid_auth",
    "token_expired": "invalid_auth",
    "no_permission": "missing_scope",
    "restricted_action_read_only_channel": "restricted_action",
    "restricted_action_thread_only_channel": "restricted_action",
    "restricted_action_non_threadable_channel": "restricted_action",
    "internal_error": "slack_down",
    "fatal_error": "slack_down",
    "service_unavailable": "slack_down",
    "request_timeout": "slack_down",
}
# Refusals that the same post a few minutes later would meet again.
PERMANENT = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "token_revoked",
        "invalid_auth",
        "account_inactive",
        "missing_scope",
    }
)


def post_failed(exc: Exception) -> PostFailed:
    """The user-facing form of a failed Web API call (``SlackApiError``, or no connection)."""
    code, kind, detail = _classify(exc)
    sentence = SENTENCES.get(kind) or (
        f"Slack refused that message ({code}). Please try again; if it keeps happening, "
        "tell whoever runs Briefbot."
    )
    return PostFailed(sentence.format(detail=detail), code=code, permanent=kind in PERMANENT)


def _classify(exc: Exception) -> tuple[str, str, str]:
    """(Slack's error word, the sentence it gets, a detail such as "HTTP 503")."""
    if not isinstance(exc, SlackApiError):
        return "unreachable", "unreachable", ""
    status = int(getattr(exc.response, "status_code", 0) or 0)
    data = getattr(exc.response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429:  # slack_sdk gives up after its own retries on Retry-After
        return error or "ratelimited", "ratelimited", f"HTTP {status}"
    if status >= 500:
        return error or f"http_{status}", "slack_down", f"HTTP {status}"
    code = error or f"http_{status}"
    return code, SAME_AS.get(code, code), code


FAILURES = (SlackClientError, OSError)  # what a Web API call raises when it does not succeed
