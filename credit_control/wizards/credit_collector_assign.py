from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class CreditCollectorAssign(models.TransientModel):
    """Finance gives many customers to one collector at once, in one company."""

    _name = "credit.collector.assign"
    _description = "Assign a Collector"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    collector_id = fields.Many2one(
        "res.users",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)

    @api.model
    def _check_finance(self):
        if not self.env.user.has_group("credit_control.group_credit_controller"):
            raise AccessError(_("Only finance (Credit Control group) assigns collectors to customers."))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "partner_ids" in fields_list and context.get("active_model") == "res.partner" and context.get("active_ids"):
            partners = self.env["res.partner"].browse(context["active_ids"]).commercial_partner_id
            values["partner_ids"] = [fields.Command.set(partners.ids)]
        return values

    @api.model
    def _open_for(self, partners, company=None):
        self._check_finance()
        return {
            "type": "ir.actions.act_window",
            "name": _("Assign a Collector"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_ids": [fields.Command.set(partners.commercial_partner_id.ids)],
                "default_company_id": (company or self.env.company).id,
            },
        }

    @api.constrains("collector_id", "company_id")
    def _check_collector(self):
        for wizard in self:
            collector = wizard.collector_id
            if wizard.company_id not in collector.company_ids or not collector.has_group(
                "account.group_account_invoice"
            ):
                raise ValidationError(
                    _(
                        "%(user)s cannot collect for %(company)s: choose an accountant of that company.",
                        user=collector.name,
                        company=wizard.company_id.name,
                    )
                )

    def action_assign(self):
        self.ensure_one()
        self._check_finance()
        customers = self.partner_ids.commercial_partner_id
        if not customers:
            raise UserError(_("Select the customers to assign."))
        customers.with_company(self.company_id).write({"credit_collector_id": self.collector_id.id})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(count)s customers assigned to %(collector)s.",
                    count=len(customers),
                    collector=self.collector_id.name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
