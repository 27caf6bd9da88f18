"""Installations on Briefbot's database (SQLite and PostgreSQL): tokens encrypted at rest,
keys rotated, org-wide installs found from a workspace, and a workspace's data exported
and deleted without touching another's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect, select, text

from bot.briefing.followed import TopicConfig
from bot.briefing.model import Actor, ActorType, Analysis, KeyPoint
from bot.ports import NewShare, PageContent
from storage.db import Database, alembic_config
from storage.followed_topics import SqlTopicStore
from storage.installations import EncryptedInstallationStore, oauth_state_store
from storage.models import ActorRow, Article, KeyPointRow, Share
from storage.repository import SqlStore
from storage.token_cipher import TokenCipher, TokenUnreadable, new_key
from storage.workspace_data import delete_workspace, export_workspace
from storage.workspaces import SqlWorkspaceDirectory

CLIENT = "111.222"
NOW = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
KEY_1, KEY_2 = new_key(), new_key()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


def store(db: Database, *keys: str) -> EncryptedInstallationStore:
    return EncryptedInstallationStore(client_id=CLIENT, db=db, cipher=TokenCipher(keys))


def install(
    team: str | None, token: str, *, enterprise: str | None = None, org: bool = False
) -> Installation:
    return Installation(
        app_id="A0APP",
        enterprise_id=enterprise,
        team_id=team,
        team_name=f"Team {team}",
        bot_token=token,
        bot_id=f"B{token[-3:]}",
        bot_user_id=f"U{token[-3:]}",
        bot_scopes="chat:write,commands",
        user_id="U0INSTALLER",
        user_token=f"xoxp-user-of-{token}",
        is_enterprise_install=org,
    )


def raw_values(db: Database) -> list[str]:
    """Every value of every row of both installation tables, as text."""
    with db.engine.connect() as conn:
        rows = [
            *conn.execute(text("SELECT * FROM slack_installations")),
            *conn.execute(text("SELECT * FROM slack_bots")),
        ]
    return [str(v) for row in rows for v in row if v is not None]


def test_tokens_reach_the_tables_encrypted_and_come_back_readable(db: Database):
    installs = store(db, KEY_1)
    installs.save(install("T0AAA", "xoxb-aaa"))
    stored = raw_values(db)
    assert stored and not [v for v in stored if "xoxb-" in v or "xoxp-" in v]
    with db.engine.connect() as conn:
        bot_token, user_token = conn.execute(
            text("SELECT bot_token, user_token FROM slack_installations")
        ).one()
    assert bot_token.startswith("gAAAAA") and user_token.startswith("gAAAAA")
    found = installs.find_installation(enterprise_id=None, team_id="T0AAA")
    assert found is not None
    assert (found.bot_token, found.user_token) == ("xoxb-aaa", "xoxp-user-of-xoxb-aaa")
    bot = installs.find_bot(enterprise_id=None, team_id="T0AAA")
    assert bot is not None and bot.bot_token == "xoxb-aaa"
    assert installs.find_bot(enterprise_id=None, team_id="T0BBB") is None


def test_a_new_key_put_first_reads_old_tokens_and_rotation_moves_them_to_it(db: Database):
    store(db, KEY_1).save(install("T0AAA", "xoxb-aaa"))
    both = store(db, KEY_2, KEY_1)
    assert both.find_bot(enterprise_id=None, team_id="T0AAA").bot_token == "xoxb-aaa"
    assert both.rotate_keys() == 3  # the installation's bot and user tokens, the bot's token
    only_new = store(db, KEY_2)
    assert only_new.find_bot(enterprise_id=None, team_id="T0AAA").bot_token == "xoxb-aaa"
    found = only_new.find_installation(enterprise_id=None, team_id="T0AAA")
    assert found is not None and found.user_token == "xoxp-user-of-xoxb-aaa"
    # The old key alone reads nothing now: the workspace looks uninstalled, it does not crash.
    assert store(db, KEY_1).find_bot(enterprise_id=None, team_id="T0AAA") is None


def test_rotation_with_a_key_missing_changes_nothing(db: Database):
    store(db, KEY_1).save(install("T0AAA", "xoxb-aaa"))
    before = raw_values(db)
    with pytest.raises(TokenUnreadable, match="nothing was re-encrypted"):
        store(db, KEY_2).rotate_keys()
    assert raw_values(db) == before


def test_rotation_encrypts_a_token_stored_in_clear(db: Database):
    SQLAlchemyInstallationStore(client_id=CLIENT, engine=db.engine).save(
        install("T0OLD", "xoxb-old")
    )
    installs = store(db, KEY_1)
    assert installs.rotate_keys() == 3
    assert not [v for v in raw_values(db) if "xoxb-" in v]
    assert installs.find_bot(enterprise_id=None, team_id="T0OLD").bot_token == "xoxb-old"


def test_the_migration_has_every_column_slack_sdk_writes(db: Database):
    tables = inspect(db.engine)
    meta = MetaData()
    expected = [
        SQLAlchemyInstallationStore.build_installations_table(meta, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(meta, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(meta, "slack_oauth_states"),
    ]
    for table in expected:
        have = {c["name"] for c in tables.get_columns(table.name)}
        assert {c.name for c in table.columns} == have, table.name


def test_the_migration_goes_down_and_up_again(db: Database):
    from alembic import command

    cfg = alembic_config(db.engine)
    command.downgrade(cfg, "0008")  # to before 0009
    assert "slack_bots" not in inspect(db.engine).get_table_names()
    command.upgrade(cfg, "head")
    assert {"slack_bots", "slack_installations", "slack_oauth_states"} <= set(
        inspect(db.engine).get_table_names()
    )


def test_an_install_state_is_good_once_and_expired_ones_are_cleared(db: Database):
    states = oauth_state_store(db)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    assert states.consume("made-up") is False
    stale = oauth_state_store(db)
    stale.expiration_seconds = -1  # issued already expired, as if ten minutes ago
    stale.issue()
    stale.issue()
    states.issue()  # clears the two stale ones
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM slack_oauth_states")).scalar() == 1


def test_an_org_wide_install_serves_the_workspaces_slack_named(db: Database):
    installs = store(db, KEY_1)
    installs.save(install(None, "xoxb-org", enterprise="E0ORG", org=True))
    installs.save(install("T0OWN", "xoxb-own", enterprise="E0ORG"))  # its own install
    directory = SqlWorkspaceDirectory(db, installs)
    assert directory.bot_for("T0G1") is None  # not yet known to belong to E0ORG
    directory.seen(enterprise_id="E0ORG", team_id="T0G1", org_install=True)
    directory.org_teams_added("E0ORG", ["T0G2"])
    assert directory.bot_for("T0G1").bot_token == "xoxb-org"
    assert directory.bot_for("T0G2").bot_token == "xoxb-org"
    assert directory.bot_for("T0OWN").bot_token == "xoxb-own"
    directory.org_teams_removed("E0ORG", ["T0G2"])
    assert not directory.is_installed("T0G2") and directory.is_installed("T0G1")
    directory.uninstalled(enterprise_id="E0ORG", team_id="T0G1", org_install=True)
    assert not directory.is_installed("T0G1")
    assert directory.is_installed("T0OWN")  # a workspace install of its own stays


def test_a_revoked_bot_token_is_found_nowhere(db: Database):
    installs = store(db, KEY_1)
    installs.save(install("T0AAA", "xoxb-aaa"))
    installs.save(install("T0BBB", "xoxb-bbb"))
    directory = SqlWorkspaceDirectory(db, installs)
    directory.tokens_revoked(
        enterprise_id=None, team_id="T0AAA", org_install=False, bot=True, user_ids=[]
    )
    assert not directory.is_installed("T0AAA") and directory.is_installed("T0BBB")
    found = installs.find_installation(enterprise_id=None, team_id="T0AAA")
    assert found is None or found.bot_token is None  # what Bolt's authorize reads
    directory.uninstalled(enterprise_id=None, team_id="T0BBB", org_install=False)
    assert installs.find_installation(enterprise_id=None, team_id="T0BBB") is None


# --- a workspace's data -------------------------------------------------------------------


def share(articles: SqlStore, team: str, url: str, *, actor: str, ts: str) -> int:
    record = articles.record_share(
        canonical_url=url, url=url, share=NewShare(team, "C0NEWS", "U0ALICE", ts, NOW)
    )
    body = f"{actor} spoke about {url} on Monday."
    articles.save_analysis(
        record.article_id,
        now=NOW,
        page=PageContent(f"About {url}", body, "Ledger"),
        analysis=Analysis(
            (KeyPoint(body, 0, len(body), 1.0),),
            (Actor(actor, ActorType.PERSON, mentions=2, salience=0.8),),
        ),
    )
    return record.article_id


def workspaces_with_data(db: Database) -> tuple[SqlStore, SqlTopicStore, dict[str, int]]:
    articles, topics = SqlStore(db), SqlTopicStore(db)
    ids = {
        "both": share(articles, "T0AAA", "https://a.example/both", actor="Maria Lopez", ts="1.1"),
        "only_a": share(articles, "T0AAA", "https://a.example/a", actor="Oskar Brandt", ts="1.2"),
        "only_b": share(articles, "T0BBB", "https://b.example/b", actor="Ines Kahl", ts="1.3"),
    }
    share(articles, "T0BBB", "https://a.example/both", actor="Maria Lopez", ts="1.4")
    for team in ("T0AAA", "T0BBB"):  # the same channel id in both workspaces
        topics.save_topic(
            TopicConfig(team_id=team, name="energy", channel_id="C0NEWS"),
            user_id="U0ADMIN",
            action="follow",
            now=NOW,
        )
    installs = store(db, KEY_1)
    installs.save(install("T0AAA", "xoxb-aaa"))
    installs.save(install("T0BBB", "xoxb-bbb"))
    return articles, topics, ids


def test_a_workspace_export_holds_its_data_and_no_token(db: Database):
    _, _, ids = workspaces_with_data(db)
    records = [json.loads(json.dumps(r)) for r in export_workspace(db, "T0AAA")]
    tables = [r["table"] for r in records]
    assert tables.count("shares") == 2 and tables.count("slack_installations") == 1
    assert {r["id"] for r in records if r["table"] == "articles"} == {ids["both"], ids["only_a"]}
    assert [r["team_id"] for r in records if r["table"] == "topics"] == ["T0AAA"]
    assert [r["action"] for r in records if r["table"] == "audit_log"] == ["follow"]
    article = next(r for r in records if r["table"] == "articles" and r["id"] == ids["only_a"])
    assert article["key_points"][0]["text"].startswith("Oskar Brandt spoke")
    assert article["actors"][0]["name"] == "Oskar Brandt"
    dumped = json.dumps(records)
    assert "xoxb-" not in dumped and "gAAAAA" not in dumped and "T0BBB" not in dumped


def test_deleting_a_workspace_leaves_the_other_one_whole(db: Database):
    _, topics, ids = workspaces_with_data(db)
    gone = delete_workspace(db, "T0AAA")
    assert (gone["shares"], gone["articles"], gone["topics"]) == (2, 1, 1)
    assert gone["slack_installations"] == 1 and gone["slack_bots"] == 1
    with db.session() as s:
        assert set(s.scalars(select(Share.team_id))) == {"T0BBB"}
        assert set(s.scalars(select(Article.id))) == {ids["both"], ids["only_b"]}
        assert (
            s.scalar(select(KeyPointRow.id).where(KeyPointRow.article_id == ids["only_a"])) is None
        )
        assert set(s.scalars(select(ActorRow.name))) == {"Maria Lopez", "Ines Kahl"}
        searchable = {r[0] for r in s.execute(text("SELECT rowid FROM article_search"))}
    assert searchable == {ids["both"], ids["only_b"]}
    assert [t.team_id for t in topics.list_topics()] == ["T0BBB"]
    installs = store(db, KEY_1)
    assert installs.find_bot(enterprise_id=None, team_id="T0AAA") is None
    assert installs.find_bot(enterprise_id=None, team_id="T0BBB").bot_token == "xoxb-bbb"
    assert list(export_workspace(db, "T0AAA")) == []


def test_how_common_an_actor_is_counts_only_the_workspaces_own_articles(db: Database):
    articles, _, _ = workspaces_with_data(db)
    for n in range(3):  # Bravo alone writes much about Oskar Brandt
        share(articles, "T0BBB", f"https://b.example/oskar-{n}", actor="Oskar Brandt", ts=f"2.{n}")
    names = ["Oskar Brandt", "Maria Lopez", "Ines Kahl"]
    assert articles.actor_article_counts(names) == {
        "Oskar Brandt": 4,
        "Maria Lopez": 1,
        "Ines Kahl": 1,
    }
    assert articles.actor_article_counts(names, team_id="T0AAA") == {
        "Oskar Brandt": 1,
        "Maria Lopez": 1,
    }
