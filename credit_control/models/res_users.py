from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    credit_audit_digest_date = fields.Date(
        string="Customer Data Digest Sent On",
        copy=False,
        readonly=True,
        help="When this salesperson last got the weekly digest of the customers to fix.",
    )

    def _credit_audit_digest_audits(self):
        """The audit rows of this salesperson's customers, for the digest."""
        self.ensure_one()
        return self.env["credit.intake.audit"].sudo().search([("user_id", "=", self.id)], order="partner_id, id")

    def _credit_audit_url(self):
        self.ensure_one()
        action = self.env.ref("credit_control.credit_intake_audit_action")
        return f"{self.get_base_url()}/odoo/action-{action.id}"
