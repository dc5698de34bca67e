from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    """The order book now counts what posted invoices have not billed: recompute it. Releases
    and pending requests are bound to the order as it is now (customer, company, currency)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    orders = env["sale.order"].search([("state", "=", "sale")])
    env.add_to_compute(orders._fields["credit_amount_to_invoice"], orders)
    for order in env["sale.order"].search([("credit_release_state", "in", ("released", "requested"))]):
        debtor, company, currency = order._credit_release_binding()
        order.write(
            {
                "credit_released_partner_id": debtor.id,
                "credit_released_company_id": company.id,
                "credit_released_currency_id": currency.id,
                "credit_release_requested_amount": order.amount_total,
            }
        )
    env.flush_all()
    # The dunning run moves an invoice one stage at most a day after the day it reached its
    # stage: that day is the date of the invoice's latest action at that stage.
    rel = env["credit.dunning.action"]._fields["move_ids"]
    cr.execute(
        SQL(
            """
            UPDATE account_move m SET dunning_stage_date = last.date
              FROM (SELECT r.%(move_col)s AS move_id, a.stage_id, MAX(a.date) AS date
                      FROM %(rel)s r JOIN credit_dunning_action a ON a.id = r.%(action_col)s
                     GROUP BY 1, 2) last
             WHERE m.id = last.move_id AND m.dunning_stage_id = last.stage_id AND m.dunning_stage_date IS NULL
            """,
            rel=SQL.identifier(rel.relation),
            move_col=SQL.identifier(rel.column2),
            action_col=SQL.identifier(rel.column1),
        )
    )
