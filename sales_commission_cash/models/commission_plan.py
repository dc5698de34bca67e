from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CommissionPlan(models.Model):
    _name = "commission.plan"
    _description = "Commission Plan"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        help="Salespeople paid under this plan. A plan without salespeople applies to everyone else.",
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 2), help="Share of the untaxed amount collected.")
    early_bonus = fields.Float(
        string="Bonus when paid on time (points)",
        digits=(16, 2),
        help="Added to the rate when the customer pays by the due date.",
    )
    late_days = fields.Integer(string="Late after (days)", default=30)
    late_reduction = fields.Float(
        string="Reduction when paid late (points)",
        digits=(16, 2),
        help="Taken off the rate when the customer pays more than the given days after the due date.",
    )

    @api.constrains("rate", "early_bonus", "late_reduction")
    def _check_rates(self):
        for plan in self:
            for value in (plan.rate, plan.early_bonus, plan.late_reduction):
                if not 0.0 <= value <= 100.0:
                    raise ValidationError(
                        self.env._("Plan %(plan)s: rates must be between 0 and 100 %%.", plan=plan.name)
                    )

    @api.constrains("late_days")
    def _check_late_days(self):
        if any(plan.late_days < 0 for plan in self):
            raise ValidationError(self.env._("The number of days late cannot be negative."))

    def _rate_for(self, payment_date, due_date):
        """Rate in percent for a payment made on payment_date for an invoice due on due_date."""
        self.ensure_one()
        rate = self.rate
        if due_date and payment_date <= due_date:
            rate += self.early_bonus
        elif due_date and (payment_date - due_date).days > self.late_days:
            rate -= self.late_reduction
        return max(rate, 0.0)

    @api.model
    def _plans_by_user(self, companies):
        """{(company_id, user_id or False): plan}, one search for all companies."""
        result = {}
        for plan in self.search([("company_id", "in", companies.ids)], order="sequence desc, id desc"):
            result[(plan.company_id.id, False)] = plan if not plan.user_ids else result.get((plan.company_id.id, False))
            for user in plan.user_ids:
                result[(plan.company_id.id, user.id)] = plan
        return result
