from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """The intake requirements of the settings become intake rules: each company keeps what it
    had switched on (in block mode, as before); the purchase order number of the customers who
    require one stays checked everywhere."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].search([])
    flags = {
        "credit_require_payment_term": "payment_term",
        "credit_require_address": "address",
        "credit_require_vat": "vat",
    }
    switched_on = {company.id: {"client_ref": "block"} for company in companies}
    for column, check in flags.items():
        if not column_exists(cr, "res_company", column):
            continue
        cr.execute(SQL("SELECT id FROM res_company WHERE %s IS TRUE", SQL.identifier(column)))
        for (company_id,) in cr.fetchall():
            switched_on.setdefault(company_id, {"client_ref": "block"})[check] = "block"
    env["credit.intake.rule"]._ensure_company_rules(companies, switched_on=switched_on)
