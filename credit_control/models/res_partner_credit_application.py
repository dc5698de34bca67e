from odoo import _, api, fields, models

from .credit_application import OPEN_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_application_ids = fields.One2many("credit.application", "partner_id", string="Credit Applications")
    credit_application_count = fields.Integer(
        string="Open Credit Applications", compute="_compute_credit_application_count"
    )
    credit_new_customer = fields.Boolean(
        string="New Customer",
        compute="_compute_credit_new_customer",
        help="No credit limit, no granted credit application and no posted invoice in the current company: "
        "the company's setting Credit for New Customers applies until an application is decided.",
    )

    def _compute_credit_application_count(self):
        counts = dict(
            self.env["credit.application"]._read_group(
                [("partner_id", "in", self.commercial_partner_id._origin.ids), ("state", "in", OPEN_STATES)],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.credit_application_count = counts.get(partner.commercial_partner_id._origin, 0)

    @api.depends_context("company")
    @api.depends("commercial_partner_id", "credit_limit", "credit_application_ids.state", "invoice_ids.state")
    def _compute_credit_new_customer(self):
        """All the partners at once (the gate reads it for every customer it checks): the one
        definition of a new customer."""
        company = self.env.company
        commercial = self.commercial_partner_id._origin.sudo()
        old = set()
        if commercial:
            ids = commercial.ids
            invoiced = (
                self.env["account.move"]
                .sudo()
                ._read_group(
                    [
                        ("commercial_partner_id", "in", ids),
                        ("company_id", "=", company.id),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("state", "=", "posted"),
                    ],
                    groupby=["commercial_partner_id"],
                )
            )
            granted = (
                self.env["credit.application"]
                .sudo()
                ._read_group(
                    [("partner_id", "in", ids), ("company_id", "=", company.id), ("state", "=", "granted")],
                    groupby=["partner_id"],
                )
            )
            old = {partner.id for (partner,) in invoiced + granted}
        for partner in self:
            debtor = partner.commercial_partner_id._origin.sudo()
            partner.credit_new_customer = not (debtor.id in old or debtor.credit_limit)

    def _credit_new_customer_mode(self):
        """The company's rule for this commercial partner while it is new, else False."""
        self.ensure_one()
        mode = self.env.company.credit_new_customer_mode
        if mode in ("no_credit", "default_limit") and self.sudo().credit_new_customer:
            return mode
        return False

    def _get_credit_limit_in_force(self):
        """A new customer has the company's default limit (or none at all) until finance decides."""
        limit = super()._get_credit_limit_in_force()
        if not limit:
            mode = self._credit_new_customer_mode()
            if mode == "default_limit":
                return self.env.company.credit_new_customer_limit
        return limit

    def _credit_limit_applies(self, limit):
        """Whether ``limit`` (in force) limits the customer: 0 is no limit, except for a new
        customer the company gives no credit."""
        self.ensure_one()
        return bool(limit) or self._credit_new_customer_mode() == "no_credit"

    def action_open_credit_applications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_application_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_kind": "raise" if self.commercial_partner_id.sudo().credit_limit else "new",
        }
        return action

    def action_new_credit_application(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Application"),
            "res_model": "credit.application",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_kind": "raise" if self.commercial_partner_id.sudo().credit_limit else "new",
            },
        }
