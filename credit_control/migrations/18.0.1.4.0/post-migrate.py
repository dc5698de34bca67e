from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """The invoices' dunning stages move out of account_move into a table of their own
    (credit.dunning.invoice.stage): copied in one statement, then the columns dropped."""
    if not column_exists(cr, "account_move", "dunning_stage_id"):
        return
    cr.execute(
        SQL(
            """
            INSERT INTO credit_dunning_invoice_stage (move_id, stage_id, stage_date)
            SELECT m.id, m.dunning_stage_id, COALESCE(m.dunning_stage_date, m.write_date::date, CURRENT_DATE)
              FROM account_move m
             WHERE m.dunning_stage_id IS NOT NULL
            ON CONFLICT (move_id) DO NOTHING
            """
        )
    )
    cr.execute(SQL("ALTER TABLE account_move DROP COLUMN dunning_stage_id, DROP COLUMN IF EXISTS dunning_stage_date"))
