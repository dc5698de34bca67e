from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from .credit_payment_behaviour import GRADES
from .res_company import CREDIT_POLICIES
from .res_partner import ACCOUNTING_READERS
from .res_partner import APPLICATION_OPEN_STATES as OPEN_STATES

APPLICATION_STATES = [
    ("draft", "Draft"),
    ("submitted", "With Finance"),
    ("granted", "Granted"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
# What finance decides: nobody else writes these, whatever the client sends.
FINANCE_FIELDS = {
    "granted_limit",
    "granted_payment_term_id",
    "granted_policy",
    "request_cover",
    "cover_insurer_id",
    "cover_amount",
    "cover_id",
    "decision_note",
    "decided_by_id",
    "decision_date",
    "decision_id",
}
# "Far below": a proposed limit under this share of the limit granted is worth a warning.
PROPOSAL_WARNING_SHARE = 0.5
# Set by the application itself (sequence, submission): nobody writes them, whatever the client sends.
SYSTEM_FIELDS = {"state", "user_id", "name", "submitted_date"}
# What the salesperson gives, while the application is a draft.
REQUEST_FIELDS = {
    "partner_id",
    "company_id",
    "kind",
    "requested_limit",
    "expected_volume",
    "payment_term_id",
    "customer_info",
}


class CreditApplication(models.Model):
    """A salesperson's request for credit for a customer (account opening or a raise),
    decided by finance as a recorded credit decision, under the four-eyes rule."""

    _name = "credit.application"
    _description = "Credit Application"
    _inherit = ["credit.customer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, copy=False, default=lambda self: _("New"))
    user_id = fields.Many2one(
        "res.users",
        string="Filed By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
    )
    kind = fields.Selection(
        [("new", "New Account"), ("raise", "Limit Raise")], required=True, default="new", tracking=True
    )
    state = fields.Selection(
        APPLICATION_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True
    )
    requested_limit = fields.Monetary(required=True, tracking=True)
    expected_volume = fields.Monetary(
        string="Expected Yearly Volume", help="Sales expected with this customer in a year."
    )
    payment_term_id = fields.Many2one("account.payment.term", string="Payment Terms Wanted", check_company=True)
    customer_info = fields.Text(
        string="What We Know of the Customer",
        help="Activity, size, how long it has existed, references, how it paid others: what finance needs to decide.",
    )
    submitted_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    # Finance's decision
    granted_limit = fields.Monetary(tracking=True, copy=False)
    granted_payment_term_id = fields.Many2one(
        "account.payment.term", string="Granted Payment Terms", copy=False, check_company=True
    )
    granted_policy = fields.Selection(
        CREDIT_POLICIES, string="Credit Policy", copy=False, help="Empty: the company's default policy."
    )
    request_cover = fields.Boolean(string="Request Insurance Cover", copy=False)
    cover_insurer_id = fields.Many2one("res.partner", string="Insurer", copy=False)
    cover_amount = fields.Monetary(string="Cover to Request", copy=False)
    cover_id = fields.Many2one("credit.insurance.cover", string="Cover Requested", readonly=True, copy=False)
    decision_note = fields.Text(string="Finance's Reason", copy=False)
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_date = fields.Datetime(string="Decided On", readonly=True, copy=False)
    decision_id = fields.Many2one("credit.decision", string="Credit Decision", readonly=True, copy=False)
    can_decide = fields.Boolean(compute="_compute_can_decide")
    # The customer's history in the application's company, for finance.
    current_limit = fields.Monetary(string="Limit in Force", compute="_compute_history", groups=ACCOUNTING_READERS)
    current_policy = fields.Selection(
        CREDIT_POLICIES, string="Applied Credit Policy", compute="_compute_history", groups=ACCOUNTING_READERS
    )
    exposure = fields.Monetary(compute="_compute_history", groups=ACCOUNTING_READERS)
    exposure_overdue = fields.Monetary(string="Overdue", compute="_compute_history", groups=ACCOUNTING_READERS)
    exposure_not_due = fields.Monetary(string="Not Yet Due", compute="_compute_history", groups=ACCOUNTING_READERS)
    grade = fields.Selection(GRADES, string="Payment Grade", compute="_compute_grade")
    payment_index = fields.Float(
        string="Payment Index (12 Months)", digits=(16, 1), compute="_compute_history", groups=ACCOUNTING_READERS
    )
    proposed_limit = fields.Monetary(compute="_compute_history", groups=ACCOUNTING_READERS)
    insured_amount = fields.Monetary(
        string="Insurance Cover in Force", compute="_compute_history", groups=ACCOUNTING_READERS
    )

    grant_warning = fields.Text(
        string="Before Granting",
        compute="_compute_grant_warning",
        groups=ACCOUNTING_READERS,
        help="What the limit granted runs into: the customer's insurance cover, its payment grade E, a "
        "limit proposed from its payment behaviour far below. Kept in the decision when granted.",
    )

    @api.constrains("requested_limit", "expected_volume", "granted_limit", "cover_amount")
    def _check_amounts(self):
        for application in self:
            if application.currency_id.compare_amounts(application.requested_limit, 0.0) <= 0:
                raise ValidationError(
                    _(
                        "The requested credit limit must be a positive amount (%(customer)s).",
                        customer=application.partner_id.display_name,
                    )
                )
            if application.expected_volume < 0 or application.granted_limit < 0 or application.cover_amount < 0:
                raise ValidationError(_("The amounts of a credit application cannot be negative."))

    @api.depends_context("uid")
    def _compute_can_decide(self):
        finance = self.env.user.has_group("credit_control.group_credit_controller")
        for application in self:
            application.can_decide = finance and self.env.user not in application._credit_involved_users()

    @api.depends_context("uid")
    @api.depends("partner_id", "company_id")
    def _compute_history(self):
        behaviours = self._payment_behaviours()
        for application in self:
            partner = application.partner_id.commercial_partner_id.with_company(application.company_id).sudo()
            behaviour = behaviours.get(application.id)
            application.current_limit = partner.credit_limit_effective
            application.current_policy = partner.credit_effective_policy
            application.exposure = partner.credit_exposure
            application.exposure_overdue = partner.credit_exposure_overdue
            application.exposure_not_due = partner.credit_exposure_not_due
            application.payment_index = behaviour.payment_index_12 if behaviour else 0.0
            application.proposed_limit = behaviour.proposed_limit if behaviour else 0.0
            application.insured_amount = partner.credit_insurance_amount

    @api.depends("partner_id", "company_id")
    def _compute_grade(self):
        behaviours = self._payment_behaviours()
        for application in self:
            behaviour = behaviours.get(application.id)
            application.grade = behaviour.grade if behaviour else False

    def _payment_behaviours(self):
        """{application id: the customer's payment behaviour in the application's company} (not
        in the company the user works in), one read per company."""
        behaviours = {}
        for company, applications in self.grouped("company_id").items():
            partners = applications.partner_id.commercial_partner_id.with_company(company).sudo()
            by_partner = partners._get_credit_payment_behaviour()
            for application in applications:
                behaviours[application.id] = by_partner.get(application.partner_id.commercial_partner_id.id)
        return behaviours

    @api.depends("partner_id", "company_id", "granted_limit", "request_cover", "cover_amount")
    def _compute_grant_warning(self):
        for application in self:
            application.grant_warning = "\n".join(application._get_grant_warnings())

    def _get_grant_warnings(self):
        """Why the limit granted may not be what finance means: the gate applies the insurance
        cover in its place, or it is uninsured, or the customer pays badly."""
        self.ensure_one()
        currency = self.currency_id
        limit = self.granted_limit
        if not self.partner_id or currency.compare_amounts(limit, 0.0) <= 0:
            return []
        company = self.company_id
        partner = self.partner_id.commercial_partner_id.with_company(company).sudo()
        values = {
            "customer": partner.name,
            "limit": format_amount(self.env, limit, currency),
        }
        warnings = []
        cover = partner.credit_insurance_cover_id
        if cover and currency.compare_amounts(limit, cover.amount_granted) > 0:
            values["cover"] = format_amount(self.env, cover.amount_granted, currency)
            if company.credit_insurance_limit:
                warnings.append(
                    _(
                        "The company limits customers by their insurance cover: while the cover of %(cover)s is in "
                        "force, the credit check applies it to %(customer)s, not the %(limit)s granted.",
                        **values,
                    )
                )
            else:
                warnings.append(
                    _(
                        "%(excess)s of the %(limit)s granted is above the insurance cover of %(customer)s "
                        "(%(cover)s): not insured.",
                        excess=format_amount(self.env, limit - cover.amount_granted, currency),
                        **values,
                    )
                )
        elif (
            company.credit_insurance_limit
            and self.request_cover
            and currency.compare_amounts(self.cover_amount, 0.0) > 0
            and currency.compare_amounts(limit, self.cover_amount) > 0
        ):
            warnings.append(
                _(
                    "The company limits customers by their insurance cover: once the insurer grants the "
                    "%(cover)s requested, the credit check applies it to %(customer)s, not the %(limit)s granted.",
                    cover=format_amount(self.env, self.cover_amount, currency),
                    **values,
                )
            )
        behaviour = partner._get_credit_payment_behaviour().get(partner.id)
        if behaviour and behaviour.grade == "E":
            warnings.append(
                _(
                    "%(customer)s has payment grade E (repeatedly late): its payment behaviour proposes cash in "
                    "advance.",
                    **values,
                )
            )
        elif (
            behaviour
            and behaviour.proposal == "limit"
            and currency.compare_amounts(behaviour.proposed_limit, limit * PROPOSAL_WARNING_SHARE) < 0
        ):
            warnings.append(
                _(
                    "The limit proposed from the payment behaviour of %(customer)s is %(proposed)s, far below the "
                    "%(limit)s granted: %(reason)s",
                    proposed=format_amount(self.env, behaviour.proposed_limit, currency),
                    reason=behaviour.proposal_reason,
                    **values,
                )
            )
        return warnings

    # ------------------------------------------------------------------
    # Who writes what
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_finance_fields(vals)
                if vals.get("state", "draft") != "draft":
                    raise UserError(_("A credit application starts as a draft: submit it to finance."))
                # whoever files it, as the four-eyes rule reads it; the reference from the sequence
                for fname in ("user_id", "name", "submitted_date"):
                    vals.pop(fname, None)
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("credit.application") or _("New")
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if {"state", "user_id"}.intersection(vals):
                raise UserError(_("Use the buttons of the credit application to change its state."))
            if SYSTEM_FIELDS.intersection(vals):
                raise UserError(
                    _(
                        "The reference and the submission date of a credit application are its own: "
                        "they cannot be changed."
                    )
                )
            self._check_finance_fields(vals)
            if REQUEST_FIELDS.intersection(vals) and not self._credit_is_finance():
                closed = self.filtered(lambda a: a.state != "draft")
                if closed:
                    raise UserError(
                        _(
                            "%(application)s is no longer a draft: cancel it and file a new one to change the request.",
                            application=closed[0].name,
                        )
                    )
        return super().write(vals)

    def _check_finance_fields(self, vals):
        if FINANCE_FIELDS.intersection(vals) and not self._credit_is_finance():
            raise AccessError(_("Only finance (Credit Control group) decides on credit applications."))

    def _credit_is_finance(self):
        return self.env.su or self.env.user.has_group("credit_control.group_credit_controller")

    def _credit_involved_users(self):
        """Who filed the application and the customer's salesperson: not theirs to decide."""
        self.ensure_one()
        return self.user_id | self.sudo().partner_id.commercial_partner_id.user_id

    def _credit_check_four_eyes(self):
        for application in self:
            involved = application._credit_involved_users()
            if self.env.su or self.env.user not in involved:
                continue
            raise UserError(
                _(
                    "You filed %(application)s or are the salesperson of %(customer)s: another member of finance "
                    "must decide on it: %(deciders)s.",
                    application=application.name,
                    customer=application.partner_id.display_name,
                    deciders=application.company_id._credit_four_eyes_deciders(involved),
                )
            )

    # ------------------------------------------------------------------
    # The salesperson's steps
    # ------------------------------------------------------------------
    def action_submit(self):
        for application in self:
            if application.state != "draft":
                raise UserError(_("%(application)s is not a draft.", application=application.name))
            application._check_filer()
            application.sudo().write({"state": "submitted", "submitted_date": fields.Datetime.now()})
            application._schedule_finance_todo()
        return True

    def action_cancel(self):
        for application in self:
            if application.state not in OPEN_STATES:
                raise UserError(_("%(application)s is decided: it cannot be cancelled.", application=application.name))
            if not application._credit_is_finance():
                application._check_filer()
            application.sudo().write({"state": "cancelled"})
            application.sudo().activity_unlink(["credit_control.mail_activity_credit_application"])
        return True

    def action_reset_to_draft(self):
        for application in self.filtered(lambda a: a.state == "cancelled"):
            application._check_filer()
            application.sudo().write({"state": "draft"})
        return True

    def _check_filer(self):
        self.ensure_one()
        if not self.env.su and self.env.user != self.user_id and not self._credit_is_finance():
            raise AccessError(
                _(
                    "%(application)s was filed by %(user)s: only they or finance can change it.",
                    application=self.name,
                    user=self.user_id.name,
                )
            )

    def _schedule_finance_todo(self):
        self.ensure_one()
        # The four-eyes rule: the to-do goes to a member of finance who may decide.
        involved = self._credit_involved_users()
        controller = self.company_id._credit_other_deciders(involved)[:1] or self.company_id._get_credit_controller()
        self.sudo().activity_schedule(
            "credit_control.mail_activity_credit_application",
            summary=_(
                "Credit application: %(customer)s (%(amount)s)",
                customer=self.partner_id.name,
                amount=format_amount(self.env, self.requested_limit, self.currency_id),
            ),
            note=self.customer_info or "",
            user_id=controller.id or self.env.uid,
        )

    # ------------------------------------------------------------------
    # Finance's decision
    # ------------------------------------------------------------------
    def _check_decision(self):
        self.ensure_one()
        if not self._credit_is_finance():
            raise AccessError(_("Only finance (Credit Control group) decides on credit applications."))
        if self.state != "submitted":
            raise UserError(
                _(
                    "%(application)s is not waiting for a decision: the salesperson submits it first.",
                    application=self.name,
                )
            )
        self._credit_check_four_eyes()

    def action_grant(self):
        for application in self:
            application._check_decision()
            if application.currency_id.compare_amounts(application.granted_limit, 0.0) <= 0:
                raise UserError(_("Set the granted limit (a positive amount), or refuse the application."))
            if application.request_cover and not (
                application.cover_insurer_id
                and application.currency_id.compare_amounts(application.cover_amount, 0.0) > 0
            ):
                raise UserError(_("Choose the insurer and the cover to request, or untick Request Insurance Cover."))
            application._apply_grant()
        return True

    def action_refuse(self):
        for application in self:
            application._check_decision()
            if not (application.decision_note or "").strip():
                raise UserError(_("Give finance's reason for the refusal: the salesperson is told."))
            application._record_decision("application_refused", application._get_limit_in_force())
            application._close("refused")
        return True

    def _get_limit_in_force(self):
        return self.partner_id.commercial_partner_id.with_company(self.company_id)._get_credit_limit_in_force()

    def _apply_grant(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        limit_before = self._get_limit_in_force()
        warnings = self._get_grant_warnings()  # before the grant changes the customer
        values = {"credit_limit": self.granted_limit}
        if self.granted_payment_term_id:
            values["property_payment_term_id"] = self.granted_payment_term_id.id
        if self.granted_policy:
            values["credit_policy"] = self.granted_policy
        # The partner's protection checks run as finance; the terms are a sales field finance may set.
        partner.write({k: v for k, v in values.items() if k != "property_payment_term_id"})
        if "property_payment_term_id" in values:
            partner.sudo().property_payment_term_id = values["property_payment_term_id"]
        if self.request_cover:
            self.sudo().cover_id = (
                self.env["credit.insurance.cover"]
                .with_company(self.company_id)
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company_id.id,
                        "insurer_id": self.cover_insurer_id.id,
                        "amount_requested": self.cover_amount,
                        "state": "requested",
                    }
                )
            )
        self._record_decision("application_granted", limit_before, warnings)
        self._close("granted")

    def _record_decision(self, kind, limit_before, warnings=()):
        """The decision in the customer's credit history, with the warnings finance saw."""
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        reason = (self.decision_note or "").strip() or self.name
        if warnings:
            reason = "\n".join([reason, _("Granted despite these warnings:"), *(f"- {w}" for w in warnings)])
        decision = self.env["credit.decision"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "application_id": self.id,
                "decision": kind,
                "reason": reason,
                "exposure": partner.sudo().credit_exposure,
                "limit_before": limit_before,
                "limit_after": self._get_limit_in_force(),
                "request_date": self.submitted_date,
            }
        )
        self.sudo().write(
            {"decision_id": decision.id, "decided_by_id": self.env.uid, "decision_date": fields.Datetime.now()}
        )

    def _close(self, state):
        """The state, finance's to-do done, and the salesperson told in the chatter."""
        self.ensure_one()
        self.sudo().write({"state": state})
        self.sudo().activity_feedback(["credit_control.mail_activity_credit_application"])
        if state == "granted":
            body = _(
                "Credit granted to %(customer)s by %(finance)s: limit %(limit)s.",
                customer=self.partner_id.name,
                finance=self.env.user.name,
                limit=format_amount(self.env, self.granted_limit, self.currency_id),
            )
        else:
            body = _(
                "Credit refused to %(customer)s by %(finance)s.",
                customer=self.partner_id.name,
                finance=self.env.user.name,
            )
        note = Markup("<p>%s</p>") % body
        if self.decision_note:
            note += Markup("<p>%s</p>") % self.decision_note
        self.message_post(body=note, partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")

    # ------------------------------------------------------------------
    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
