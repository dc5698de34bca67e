from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CreditDunningPolicy(models.Model):
    """How a customer is contacted about its invoices, before and after their due date."""

    _name = "credit.dunning.policy"
    _description = "Dunning Policy"
    _order = "company_id, is_default desc, name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    is_default = fields.Boolean(
        string="Company Default",
        help="Applied to every customer of the company that has no policy of its own.",
    )
    collector_id = fields.Many2one(
        "res.users",
        help="Who makes the calls and records the outcomes for the customers without a collector of their "
        "own. Empty: the company's default collector.",
    )
    stage_ids = fields.One2many("credit.dunning.stage", "policy_id", string="Stages", copy=True)

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for company in self.filtered("is_default").company_id:
            defaults = self.search([("company_id", "=", company.id), ("is_default", "=", True)])
            if len(defaults) > 1:
                raise ValidationError(
                    _(
                        "%(company)s has several default dunning policies (%(names)s): keep one.",
                        company=company.name,
                        names=", ".join(defaults.mapped("name")),
                    )
                )

    @api.model
    def _get_company_default(self, company):
        return self.search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)
