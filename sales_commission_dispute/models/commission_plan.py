from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CommissionPlan(models.Model):
    _inherit = "commission.plan"

    dispute_reduction_share = fields.Float(
        string="Reduction per Order-Entry Dispute (%)",
        digits=(16, 2),
        help="Share of the period's commission taken off for each dispute opened in the period on the "
        "salesperson's invoices whose reason is an order-entry error (rejected disputes do not count). "
        "The reductions of a period never take more than the whole commission.",
    )

    intake_reduction_share = fields.Float(
        string="Reduction per Incomplete Order (%)",
        digits=(16, 2),
        help="Share of the period's commission taken off for each of the salesperson's orders confirmed in "
        "the period that failed an intake rule at confirmation (confirmed on an alert, or held then confirmed). "
        "The reductions of a period never take more than the whole commission.",
    )

    def _check_share_percent(self, fname, message):
        """``fname`` is a share in percent: ``message`` (with %(plan)s and %(share)s) otherwise."""
        for plan in self:
            if not 0.0 <= plan[fname] <= 100.0:
                raise ValidationError(message % {"plan": plan.name, "share": plan[fname]})

    @api.constrains("intake_reduction_share")
    def _check_intake_reduction_share(self):
        self._check_share_percent(
            "intake_reduction_share",
            self.env._(
                "Plan %(plan)s: the reduction per incomplete order must be between 0 and 100 %% (it is %(share)s %%)."
            ),
        )

    @api.constrains("dispute_reduction_share")
    def _check_dispute_reduction_share(self):
        self._check_share_percent(
            "dispute_reduction_share",
            self.env._(
                "Plan %(plan)s: the reduction per order-entry dispute must be between 0 and 100 %% "
                "(it is %(share)s %%)."
            ),
        )
