"""staffedit: delegations set by hand in the console, folded with the replies

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 15:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staffedit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('after_inbound_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('decision', sa.String(), nullable=True),
    sa.Column('delegates', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staffedit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffedit_invitation_id'), ['invitation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staffedit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffedit_invitation_id'))
    op.drop_table('staffedit')
