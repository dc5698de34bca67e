from odoo.tools import SQL


def migrate(cr, version):
    """Lines made before the collection date existed: an earning was collected on its
    date, a clawback on the date of the line it reverses."""
    cr.execute(
        SQL("UPDATE commission_line SET collection_date = date WHERE collection_date IS NULL AND kind = 'earned'")
    )
    cr.execute(
        SQL(
            """
            UPDATE commission_line c
               SET collection_date = o.collection_date
              FROM commission_line o
             WHERE c.origin_line_id = o.id AND c.collection_date IS NULL
            """
        )
    )
