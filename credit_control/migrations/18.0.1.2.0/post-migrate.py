from odoo import SUPERUSER_ID, api


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
