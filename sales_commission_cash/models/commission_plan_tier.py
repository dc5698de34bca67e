from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CommissionPlanTier(models.Model):
    _name = "commission.plan.tier"
    _description = "Commission Plan Tier"
    _order = "plan_id, amount_from"

    plan_id = fields.Many2one("commission.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.company_id.currency_id")
    amount_from = fields.Monetary(
        string="Collected from", currency_field="currency_id", help="Collections of the period from this amount..."
    )
    amount_to = fields.Monetary(
        string="Collected up to", currency_field="currency_id", help="...up to this amount (excluded); 0 for no limit."
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 2))

    @api.constrains("amount_from", "amount_to", "rate")
    def _check_tier(self):
        for tier in self:
            if not 0.0 <= tier.rate <= 100.0:
                raise ValidationError(
                    self.env._("Plan %(plan)s: tier rates must be between 0 and 100 %%.", plan=tier.plan_id.name)
                )
            if tier.amount_from < 0 or (tier.amount_to and tier.amount_to <= tier.amount_from):
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: a tier must start at zero or more and end after it starts.",
                        plan=tier.plan_id.name,
                    )
                )
        for plan in self.plan_id:
            tiers = plan.tier_ids.sorted("amount_from")
            for lower, upper in pairwise(tiers):
                if not lower.amount_to or lower.amount_to > upper.amount_from:
                    raise ValidationError(
                        self.env._(
                            "Plan %(plan)s: the tiers starting at %(first)s and %(second)s overlap. "
                            "Make each tier end where the next one starts.",
                            plan=plan.name,
                            first=lower.amount_from,
                            second=upper.amount_from,
                        )
                    )
