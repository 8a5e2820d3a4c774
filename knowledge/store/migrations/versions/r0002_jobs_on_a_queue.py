"""Jobs that run on several machines: a job's caller, attempt, idempotency key and lock are in
its row, uploaded files and analysis documents are kept in the store, and on PostgreSQL the job
queue's schema (procrastinate's, of the version this release pins) is created.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("caller_key", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("caller_role", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("attempt", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("idempotency_key", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lock_key", sa.String(length=300), nullable=True))
    with op.batch_alter_table("jobs") as batch:
        batch.create_unique_constraint("uq_jobs_idempotency", ["workspace", "idempotency_key"])
        batch.create_unique_constraint("uq_jobs_lock_key", ["lock_key"])
    # the previous release ran jobs in the API process that is being replaced: what it left
    # queued or running will never run (its uploads were files in that process's CJM_HOME)
    op.execute(
        sa.text(
            "UPDATE jobs SET status = 'failed', error = :reason "
            "WHERE status IN ('queued', 'running')"
        ).bindparams(reason="interrupted by the upgrade of the server; submit it again")
    )
    op.create_table(
        "job_uploads",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "position"),
    )
    op.create_table(
        "analyses",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_analyses_workspace"), "analyses", ["workspace"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and not sa.inspect(bind).has_table("procrastinate_jobs"):
        from procrastinate.schema import SchemaManager

        # several statements and no parameters: psycopg sends them as they are
        bind.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def downgrade() -> None:
    op.drop_index(op.f("ix_analyses_workspace"), table_name="analyses")
    op.drop_table("analyses")
    op.drop_table("job_uploads")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint("uq_jobs_lock_key", type_="unique")
        batch.drop_constraint("uq_jobs_idempotency", type_="unique")
        for column in (
            "lock_key",
            "request_hash",
            "idempotency_key",
            "attempt",
            "caller_role",
            "caller_key",
        ):
            batch.drop_column(column)
