from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError


def _last_month_start(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(months=1)


class CommissionSettlementGenerate(models.TransientModel):
    _name = "commission.settlement.generate"
    _description = "Generate the Commission Settlements of a Period"

    date_from = fields.Date(required=True, default=_last_month_start)
    date_to = fields.Date(
        required=True, default=lambda self: _last_month_start(self) + relativedelta(months=1, days=-1)
    )
    validate = fields.Boolean(
        string="Validate them", help="Lock the period at once; otherwise the settlements stay in draft for review."
    )

    def action_generate(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it starts."))
        settlements = self.env["commission.settlement"]._generate_for_period(self.date_from, self.date_to)
        if self.validate:
            settlements.filtered(lambda s: s.state == "draft").action_validate()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Commission Settlements"),
            "res_model": "commission.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }
