from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class CreditAgedBalanceDate(models.TransientModel):
    """Opens the aged balance as it stood at a past date."""

    _name = "credit.aged.balance.date"
    _description = "Aged Balance at a Date"

    date = fields.Date(string="As of", required=True, default=fields.Date.context_today)

    def action_open(self):
        self.ensure_one()
        if self.date > fields.Date.context_today(self):
            raise UserError(_("The aged balance is computed at today or a past date: choose one of them."))
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_aged_balance_action")
        action["name"] = _("Aged Balance at %(date)s", date=format_date(self.env, self.date))
        action["context"] = {"credit_aged_date": fields.Date.to_string(self.date)}
        action["target"] = "main"
        return action
