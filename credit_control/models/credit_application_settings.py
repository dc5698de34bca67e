from odoo import fields, models

NEW_CUSTOMER_CREDIT = [
    ("standard", "As Any Customer"),
    ("no_credit", "No Credit"),
    ("default_limit", "A Small Default Limit"),
]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    credit_new_customer_mode = fields.Selection(
        NEW_CUSTOMER_CREDIT,
        string="Credit for New Customers",
        default="standard",
        help="What a new customer (no credit limit, no granted credit application and no posted invoice in "
        "this company) gets until finance decides on its credit application: the same as any customer "
        "(no limit), no credit at all (any order on credit is held or alerted by its policy), or a small "
        "default limit.",
    )
    credit_new_customer_limit = fields.Monetary(
        string="New Customer Limit",
        currency_field="currency_id",
        help="The limit of a new customer until its credit application is decided.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    credit_new_customer_mode = fields.Selection(related="company_id.credit_new_customer_mode", readonly=False)
    credit_new_customer_limit = fields.Monetary(related="company_id.credit_new_customer_limit", readonly=False)
