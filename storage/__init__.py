"""Persistence: SQLAlchemy tables, repositories implementing ``bot.ports``, migrations."""
