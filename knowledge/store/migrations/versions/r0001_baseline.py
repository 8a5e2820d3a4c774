"""Baseline: the store as the code before migrations made it.

Every table and index is created only where it is missing: a store of the old global map ids
(tables ``maps``...) lacks the workspace-keyed tables, which the code before migrations created
on start; ``knowledge.store.migrate`` runs this revision on such a store before moving its maps.

Revision ID: 0001
Revises:
Create Date: 2026-12-03 19:06:42.418697
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
        if_not_exists=True,
    )
    op.create_index(op.f("ix_api_keys_workspace"), "api_keys", ["workspace"], if_not_exists=True)

    op.create_table(
        "corrections",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("evidence_id", sa.String(length=40), nullable=True),
        sa.Column("record_id", sa.String(length=300), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=True),
        sa.Column("framework", sa.String(length=100), nullable=True),
        sa.Column("stage", sa.String(length=100), nullable=True),
        sa.Column("code", sa.String(length=100), nullable=True),
        sa.Column("not_evidence", sa.Boolean(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_corrections_scope", "corrections", ["workspace", "evidence_id"], if_not_exists=True
    )
    op.create_index(
        op.f("ix_corrections_workspace"), "corrections", ["workspace"], if_not_exists=True
    )

    op.create_table(
        "embeddings",
        sa.Column("embedder", sa.String(length=200), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("embedder", "text_hash"),
        if_not_exists=True,
    )
    op.create_table(
        "glossaries",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "name"),
        if_not_exists=True,
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(op.f("ix_jobs_workspace"), "jobs", ["workspace"], if_not_exists=True)

    op.create_table(
        "journey_map_links",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("map_id", sa.String(length=120), nullable=False),
        sa.Column("source_map_id", sa.String(length=120), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("glossary", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "map_id"),
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_journey_map_links_source_map_id"),
        "journey_map_links",
        ["source_map_id"],
        if_not_exists=True,
    )

    op.create_table(
        "journey_maps",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("map_type", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("head", sa.Integer(), nullable=False),
        sa.Column("approved_version", sa.Integer(), nullable=True),
        sa.Column("locked", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "id"),
        if_not_exists=True,
    )
    op.create_table(
        "language_centroids",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("embedder", sa.String(length=200), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "lang", "embedder"),
        if_not_exists=True,
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("segment", sa.String(length=200), nullable=True),
        sa.Column("pii_redacted", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("n_documents", sa.Integer(), nullable=False),
        sa.Column("n_chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace", "sha256", name="uq_source_content"),
        if_not_exists=True,
    )
    op.create_index(op.f("ix_sources_workspace"), "sources", ["workspace"], if_not_exists=True)

    op.create_table(
        "translation_memory",
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("source_lang", sa.String(length=8), nullable=False),
        sa.Column("target_lang", sa.String(length=8), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "source_lang", "target_lang", "source_hash"),
        if_not_exists=True,
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=300), nullable=True),
        sa.Column("location", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(op.f("ix_documents_source_id"), "documents", ["source_id"], if_not_exists=True)
    op.create_index(op.f("ix_documents_workspace"), "documents", ["workspace"], if_not_exists=True)

    op.create_table(
        "journey_map_comments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("map_id", sa.String(length=120), nullable=False),
        sa.Column("anchor", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace", "map_id"],
            ["journey_maps.workspace", "journey_maps.id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_journey_map_comments_map_id"),
        "journey_map_comments",
        ["map_id"],
        if_not_exists=True,
    )

    op.create_table(
        "journey_map_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("map_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace", "map_id"],
            ["journey_maps.workspace", "journey_maps.id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_journey_map_events_map_id"), "journey_map_events", ["map_id"], if_not_exists=True
    )

    op.create_table(
        "journey_map_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("map_id", sa.String(length=120), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace", "map_id"],
            ["journey_maps.workspace", "journey_maps.id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace", "map_id", "number", name="uq_journey_map_version"),
        if_not_exists=True,
    )
    op.create_index(
        op.f("ix_journey_map_versions_map_id"),
        "journey_map_versions",
        ["map_id"],
        if_not_exists=True,
    )

    op.create_table(
        "chunks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("segment", sa.String(length=200), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.Column("location", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(op.f("ix_chunks_document_id"), "chunks", ["document_id"], if_not_exists=True)
    op.create_index("ix_chunks_scope", "chunks", ["workspace", "lang", "kind"], if_not_exists=True)
    op.create_index(op.f("ix_chunks_source_id"), "chunks", ["source_id"], if_not_exists=True)
    op.create_index("ix_chunks_text_hash", "chunks", ["text_hash"], if_not_exists=True)


def downgrade() -> None:
    op.drop_table("chunks")
    op.drop_table("journey_map_versions")
    op.drop_table("journey_map_events")
    op.drop_table("journey_map_comments")
    op.drop_table("documents")
    op.drop_table("translation_memory")
    op.drop_table("sources")
    op.drop_table("language_centroids")
    op.drop_table("journey_maps")
    op.drop_table("journey_map_links")
    op.drop_table("jobs")
    op.drop_table("glossaries")
    op.drop_table("embeddings")
    op.drop_table("corrections")
    op.drop_table("api_keys")
