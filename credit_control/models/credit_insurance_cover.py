from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_amount, format_date

# The states in which the insurer covers the customer (between the start and end dates).
IN_FORCE_STATES = ("granted", "reduced")


class CreditInsuranceCover(models.Model):
    _name = "credit.insurance.cover"
    _description = "Credit Insurance Cover"
    _inherit = ["credit.customer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _rec_names_search = ["partner_id", "policy_number"]

    insurer_id = fields.Many2one("res.partner", required=True, tracking=True, ondelete="restrict")
    policy_number = fields.Char(string="Policy / Contract Number", tracking=True)
    amount_requested = fields.Monetary(string="Cover Requested", currency_field="currency_id", tracking=True)
    amount_granted = fields.Monetary(
        string="Cover Granted",
        currency_field="currency_id",
        tracking=True,
        help="The insurer's limit for this customer: the receivables it covers.",
    )
    share = fields.Float(
        string="Share Covered (%)",
        default=90.0,
        tracking=True,
        help="Share of a loss on covered receivables that the insurer pays.",
    )
    date_start = fields.Date(string="Start Date", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="End Date", tracking=True, help="Empty: until cancelled.")
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("granted", "Granted"),
            ("reduced", "Reduced"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="requested",
        required=True,
        tracking=True,
        help="Reduced: granted for less than requested.",
    )
    note = fields.Html()
    is_in_force = fields.Boolean(compute="_compute_is_in_force", string="In Force")
    # Whether finance got its to-dos, so that the daily job does not repeat them.
    expiry_todo_sent = fields.Boolean(copy=False, readonly=True)
    exposure_above_todo_sent = fields.Boolean(copy=False, readonly=True)

    @api.depends("state", "date_start", "date_end")
    def _compute_is_in_force(self):
        today = fields.Date.context_today(self)
        for cover in self:
            cover.is_in_force = cover._in_force_on(today)

    def _in_force_on(self, day):
        self.ensure_one()
        return self.state in IN_FORCE_STATES and self.date_start <= day and (not self.date_end or self.date_end >= day)

    @api.model
    def _in_force_domain(self, company, day=None):
        day = day or fields.Date.context_today(self)
        return [
            ("company_id", "=", company.id),
            ("state", "in", IN_FORCE_STATES),
            ("date_start", "<=", day),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", day),
        ]

    @api.depends("partner_id", "insurer_id", "policy_number")
    def _compute_display_name(self):
        for cover in self:
            parts = [cover.partner_id.name or "", cover.insurer_id.name or ""]
            if cover.policy_number:
                parts.append(cover.policy_number)
            cover.display_name = " / ".join(filter(None, parts))

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for cover in self:
            if cover.date_end and cover.date_end < cover.date_start:
                raise ValidationError(
                    _(
                        "The insurance cover of %(customer)s ends on %(end)s, before it starts on %(start)s: "
                        "correct the dates.",
                        customer=cover.partner_id.display_name,
                        end=format_date(self.env, cover.date_end),
                        start=format_date(self.env, cover.date_start),
                    )
                )

    @api.constrains("share")
    def _check_share(self):
        for cover in self:
            if not 0.0 <= cover.share <= 100.0:
                raise ValidationError(
                    _("The share covered must be between 0 and 100 %%, not %(share)s %%.", share=cover.share)
                )

    @api.constrains("amount_requested", "amount_granted", "state")
    def _check_amounts(self):
        for cover in self:
            if cover.amount_requested < 0 or cover.amount_granted < 0:
                raise ValidationError(_("The cover requested and the cover granted cannot be negative."))
            if cover.state in IN_FORCE_STATES and cover.currency_id.compare_amounts(cover.amount_granted, 0) <= 0:
                raise ValidationError(
                    _(
                        "A granted cover needs the amount the insurer granted: enter the cover granted of "
                        "%(customer)s, or refuse the cover.",
                        customer=cover.partner_id.display_name,
                    )
                )

    @api.constrains("partner_id", "company_id", "state", "date_start", "date_end")
    def _check_one_in_force(self):
        """One cover in force per customer and company on any day: the periods of granted
        (or reduced) covers do not overlap."""
        for cover in self.filtered(lambda c: c.state in IN_FORCE_STATES):
            domain = [
                ("id", "!=", cover.id),
                ("partner_id", "=", cover.partner_id.id),
                ("company_id", "=", cover.company_id.id),
                ("state", "in", IN_FORCE_STATES),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", cover.date_start),
            ]
            if cover.date_end:
                domain.append(("date_start", "<=", cover.date_end))
            other = self.sudo().search(domain, limit=1)
            if other:
                raise ValidationError(
                    _(
                        "%(customer)s already has a cover in force from %(start)s (%(other)s): end or cancel "
                        "it before granting another one for the same days.",
                        customer=cover.partner_id.display_name,
                        start=format_date(self.env, other.date_start),
                        other=other.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def write(self, vals):
        if "date_end" in vals:
            vals = dict(vals, expiry_todo_sent=False)
        return super().write(vals)

    def action_grant(self):
        """Granted as requested, or reduced when the insurer grants less."""
        for cover in self:
            reduced = float_compare(
                cover.amount_granted, cover.amount_requested, precision_rounding=cover.currency_id.rounding
            )
            cover.state = "reduced" if reduced < 0 else "granted"

    def action_refuse(self):
        self.state = "refused"

    def action_cancel(self):
        self.state = "cancelled"

    def action_reset_to_requested(self):
        self.state = "requested"

    # ------------------------------------------------------------------
    # Finance's to-dos
    # ------------------------------------------------------------------
    @api.model
    def _cron_insurance_todos(self):
        """Daily: a to-do before a cover ends, and when a customer's exposure passes its cover."""
        for company in self.env["res.company"].sudo().search([]):
            covers = self.sudo().with_company(company).search(self._in_force_domain(company))
            covers._schedule_expiry_todos()
            covers._schedule_exposure_todos()

    def _schedule_expiry_todos(self):
        today = fields.Date.context_today(self)
        for cover in self.filtered(lambda c: c.date_end and not c.expiry_todo_sent):
            company = cover.company_id
            if cover.date_end > today + timedelta(days=company.credit_insurance_expiry_days):
                continue
            cover.activity_schedule(
                "credit_control.mail_activity_credit_insurance_expiry",
                date_deadline=cover.date_end,
                summary=_("Insurance cover of %(customer)s ends", customer=cover.partner_id.name),
                note=_(
                    "The cover of %(customer)s by %(insurer)s (%(amount)s) ends on %(date)s: ask the insurer to "
                    "renew it, or decide on the customer's limit without it.",
                    customer=cover.partner_id.name,
                    insurer=cover.insurer_id.name,
                    amount=format_amount(self.env, cover.amount_granted, cover.currency_id),
                    date=format_date(self.env, cover.date_end),
                ),
                user_id=company._get_credit_controller().id or self.env.uid,
            )
            cover.expiry_todo_sent = True

    def _schedule_exposure_todos(self):
        """One to-do when the exposure passes the cover; another only once it has fallen back."""
        for company, covers in self.grouped("company_id").items():
            partners = covers.partner_id.with_company(company)
            exposures = partners._get_credit_exposure(company)
            for cover in covers:
                figures = exposures.get(cover.partner_id.id, {})
                exposure = figures.get("receivable", 0.0) + figures.get("order_book", 0.0)
                above = cover.currency_id.compare_amounts(exposure, cover.amount_granted) > 0
                if above and not cover.exposure_above_todo_sent:
                    cover._schedule_exposure_todo(exposure)
                if above != cover.exposure_above_todo_sent:
                    cover.exposure_above_todo_sent = above

    def _schedule_exposure_todo(self, exposure):
        self.ensure_one()
        self.activity_schedule(
            "credit_control.mail_activity_credit_insurance_exceeded",
            summary=_("Exposure of %(customer)s above its insurance cover", customer=self.partner_id.name),
            note=_(
                "%(customer)s owes and has on order %(exposure)s, %(excess)s more than the %(cover)s its insurer "
                "covers: ask for a higher cover, or decide on its limit.",
                customer=self.partner_id.name,
                exposure=format_amount(self.env, exposure, self.currency_id),
                excess=format_amount(self.env, exposure - self.amount_granted, self.currency_id),
                cover=format_amount(self.env, self.amount_granted, self.currency_id),
            ),
            user_id=self.company_id._get_credit_controller().id or self.env.uid,
        )
