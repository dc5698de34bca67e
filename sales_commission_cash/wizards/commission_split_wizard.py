from odoo import Command, api, fields, models
from odoo.exceptions import AccessError


class CommissionSplitWizard(models.TransientModel):
    _name = "commission.split.wizard"
    _description = "Split an Invoice's Commission"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    line_ids = fields.One2many("commission.split.wizard.line", "wizard_id", string="Salespeople")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        move = self.env["account.move"].browse(values.get("move_id") or self.env.context.get("active_id"))
        if move and "line_ids" in fields_list:
            values["move_id"] = move.id
            current = [(split.user_id, split.share) for split in move.commission_split_ids]
            if not current and move.invoice_user_id:
                current = [(move.invoice_user_id, 100.0)]
            values["line_ids"] = [Command.create({"user_id": user.id, "share": share}) for user, share in current]
        return values

    def action_apply(self):
        """Replace the invoice's split; the split lines check their total. Sales managers
        decide splits without needing the right to edit invoices."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can split a commission."))
        lines = self.line_ids
        if len(lines) == 1 and lines.user_id == self.move_id.invoice_user_id:
            lines = lines.browse()  # all of it to the invoice's salesperson: no split
        self.move_id.sudo().write(
            {
                "commission_split_ids": [Command.clear()]
                + [Command.create({"user_id": line.user_id.id, "share": line.share}) for line in lines]
            }
        )
        return {"type": "ir.actions.act_window_close"}


class CommissionSplitWizardLine(models.TransientModel):
    _name = "commission.split.wizard.line"
    _description = "Split an Invoice's Commission: Salesperson"

    wizard_id = fields.Many2one("commission.split.wizard", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, domain=[("share", "=", False)])
    share = fields.Float(string="Share (%)", required=True, digits=(16, 2), default=100.0)
