from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CreditCustomerMixin(models.AbstractModel):
    """The customer (a company or an individual, never a contact of a company), the company
    and its currency of a record about a customer's credit: credit applications and
    insurance covers."""

    _name = "credit.customer.mixin"
    _description = "Customer's Credit in a Company"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for record in self:
            if record.partner_id != record.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Credit is given to the customer's company: choose %(company)s rather than its contact "
                        "%(contact)s.",
                        company=record.partner_id.commercial_partner_id.display_name,
                        contact=record.partner_id.display_name,
                    )
                )
