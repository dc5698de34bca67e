from odoo.tools import SQL


def migrate(cr, version):
    """The order book's index includes the orders' ids, so that the gate reads it alone: the
    former index gives way to sale_order_credit_book_idx (sale.order.init)."""
    cr.execute(SQL("DROP INDEX IF EXISTS sale_order_credit_order_book_idx"))
