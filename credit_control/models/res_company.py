import itertools

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

GRADE_BASES = [("days_late", "Average Days Late"), ("index", "Payment Index")]
NEW_CUSTOMER_CREDIT = [
    ("standard", "As Any Customer"),
    ("no_credit", "No Credit"),
    ("default_limit", "A Small Default Limit"),
]
CREDIT_POLICIES = [
    ("none", "No check"),
    ("alert", "Alert"),
    ("block", "Block"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_policy = fields.Selection(
        CREDIT_POLICIES,
        string="Default Credit Policy",
        default="alert",
        # Required in the settings only: a NOT NULL column would break the companies that
        # modules loaded before this one create (their own install tests do).
        help="What happens when an order takes a customer over its credit limit, for the "
        "customers that have no policy of their own: nothing, a recorded alert, or a block "
        "that only finance can lift. Empty: alert.",
    )
    credit_overdue_days = fields.Integer(
        string="Hold After Days Overdue",
        default=0,
        help="Hold the orders of a customer with an invoice overdue by more than this "
        "number of days. 0 disables this hold.",
    )
    dunning_repeat_late_count = fields.Integer(
        string="Repeat Late Payer After",
        default=2,
        help="Dunning proposes to finance to put a customer on cash in advance once it has "
        "reached an escalating stage this many times within twelve months.",
    )
    credit_controller_id = fields.Many2one(
        "res.users",
        help="Finance user who receives release requests and credit alerts. When empty, "
        "the oldest user of the Credit Control group of the company receives them.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        help="Accountant who follows the customers that have no collector of their own (and whose "
        "dunning policy names none). Empty: the credit controller.",
    )
    # The intake requirements of the settings: the company-wide intake rules, in block mode.
    credit_require_payment_term = fields.Boolean(
        string="Require Payment Terms",
        compute="_compute_credit_require",
        inverse="_inverse_credit_require_payment_term",
        help="Refuse to confirm an order that has no payment terms (intake rule).",
    )
    credit_require_address = fields.Boolean(
        string="Require Complete Addresses",
        compute="_compute_credit_require",
        inverse="_inverse_credit_require_address",
        help="Refuse to confirm an order whose invoice or delivery address lacks a street, "
        "a city, a zip code or a country (intake rule).",
    )
    credit_require_vat = fields.Boolean(
        string="Require Customer Tax ID",
        compute="_compute_credit_require",
        inverse="_inverse_credit_require_vat",
        help="Refuse to confirm an order for a company customer without a tax ID (intake rule).",
    )
    credit_intake_rule_ids = fields.One2many("credit.intake.rule", "company_id", string="Intake Rules")
    # Credit insurance (credit.insurance.cover)
    credit_insurance_limit = fields.Boolean(
        string="Limit by Insurance Cover",
        help="A customer with an insurance cover in force is limited by the cover granted, in place of its "
        "credit limit (a temporary limit still applies while it lasts).",
    )
    credit_insurance_expiry_days = fields.Integer(
        string="Warn Before a Cover Ends (Days)",
        default=30,
        help="Finance gets a to-do this many days before an insurance cover ends.",
    )

    def _compute_credit_require(self):
        rules = (
            self.env["credit.intake.rule"]
            .sudo()
            .search([("company_id", "in", self.ids), ("team_id", "=", False), ("mode", "=", "block")])
        )
        on = {(rule.company_id.id, rule.check) for rule in rules}
        for company in self:
            company.credit_require_payment_term = (company.id, "payment_term") in on
            company.credit_require_address = (company.id, "address") in on
            company.credit_require_vat = (company.id, "vat") in on

    def _inverse_credit_require_payment_term(self):
        self._credit_set_company_rule("payment_term", "credit_require_payment_term")

    def _inverse_credit_require_address(self):
        self._credit_set_company_rule("address", "credit_require_address")

    def _inverse_credit_require_vat(self):
        self._credit_set_company_rule("vat", "credit_require_vat")

    def _credit_set_company_rule(self, check, field_name):
        """Switch the company-wide rule of ``check`` on (block) or off, as the setting says."""
        rules = self.env["credit.intake.rule"].sudo().with_context(active_test=False)
        for company in self:
            rule = rules.search([("company_id", "=", company.id), ("team_id", "=", False), ("check", "=", check)])
            values = {"active": company[field_name]}
            if company[field_name]:
                values["mode"] = "block"
            if rule:
                rule.write(values)
            else:
                rules.create({"company_id": company.id, "check": check, **values})

    def _get_credit_controller(self):
        """Finance user who decides on the credit holds of this company."""
        self.ensure_one()
        if self.credit_controller_id:
            return self.credit_controller_id
        group = self.env.ref("credit_control.group_credit_controller")
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [("groups_id", "in", group.ids), ("company_ids", "in", self.ids), ("share", "=", False)],
                order="id",
                limit=1,
            )
        )

    def _get_dunning_collector(self):
        """Collector of the customers of this company that have none of their own."""
        self.ensure_one()
        return self.dunning_collector_id or self._get_credit_controller()

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._credit_ensure_dunning_policy()
        self.env["credit.intake.rule"]._ensure_company_rules(companies)
        return companies

    def _credit_ensure_dunning_policy(self):
        """Companies start with the standard dunning policy, copied from the one this addon
        installs, so that a new company's invoices are followed from day one."""
        standard = self.env.ref("credit_control.credit_dunning_policy_default", raise_if_not_found=False)
        if not standard:
            return
        policies = self.env["credit.dunning.policy"].sudo()
        covered = policies.search([("company_id", "in", self.ids), ("is_default", "=", True)]).company_id
        for company in self - covered:
            standard.sudo().copy({"company_id": company.id, "name": standard.sudo().name, "is_default": True})

    # What a new customer gets until its credit application is decided (credit.application)
    credit_new_customer_mode = fields.Selection(
        NEW_CUSTOMER_CREDIT,
        string="Credit for New Customers",
        default="standard",
        help="What a new customer (no credit limit, no granted credit application and no posted invoice in "
        "this company) gets until finance decides on its credit application: the same as any customer "
        "(no limit), no credit at all (any order on credit is held or alerted by its policy), or a small "
        "default limit.",
    )
    credit_new_customer_limit = fields.Monetary(
        string="New Customer Limit",
        currency_field="currency_id",
        help="The limit of a new customer until its credit application is decided.",
    )

    # ------------------------------------------------------------------
    # Payment grades and proposed limit (credit.payment.behaviour)
    # ------------------------------------------------------------------
    credit_grade_basis = fields.Selection(
        GRADE_BASES,
        string="Grade On",
        default="days_late",
        help="The 12-month figure the grades are given on: the average days late, or the payment "
        "index (terms plus days late).",
    )
    credit_grade_a_max = fields.Integer(string="Grade A Up To", default=0, help="Days; above: grade B.")
    credit_grade_b_max = fields.Integer(string="Grade B Up To", default=10, help="Days; above: grade C.")
    credit_grade_c_max = fields.Integer(string="Grade C Up To", default=30, help="Days; above: grade D.")
    credit_grade_d_max = fields.Integer(string="Grade D Up To", default=60, help="Days; above: grade E.")
    credit_grade_factor_a = fields.Float(string="Limit Factor A", default=1.5, digits=(16, 2))
    credit_grade_factor_b = fields.Float(string="Limit Factor B", default=1.2, digits=(16, 2))
    credit_grade_factor_c = fields.Float(string="Limit Factor C", default=1.0, digits=(16, 2))
    credit_grade_factor_d = fields.Float(string="Limit Factor D", default=0.5, digits=(16, 2))

    @api.constrains("credit_grade_a_max", "credit_grade_b_max", "credit_grade_c_max", "credit_grade_d_max")
    def _check_credit_grade_thresholds(self):
        for company in self:
            thresholds = [company[f"credit_grade_{grade}_max"] for grade in "abcd"]
            if any(low >= high for low, high in itertools.pairwise(thresholds)):
                raise ValidationError(
                    _(
                        "The payment grade thresholds of %(company)s must rise from A to D (now %(thresholds)s "
                        "days): set each one above the previous grade's.",
                        company=company.name,
                        thresholds=" / ".join(map(str, thresholds)),
                    )
                )

    @api.constrains("credit_grade_factor_a", "credit_grade_factor_b", "credit_grade_factor_c", "credit_grade_factor_d")
    def _check_credit_grade_factors(self):
        for company in self:
            if any(company[f"credit_grade_factor_{grade}"] < 0 for grade in "abcd"):
                raise ValidationError(
                    _(
                        "The limit factors of the payment grades of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )

    def _credit_other_deciders(self, involved):
        """The members of finance of this company who decide instead of ``involved`` (the
        four-eyes rule), its credit controller first."""
        self.ensure_one()
        finance = self.env.ref("credit_control.group_credit_controller")
        domain = [("groups_id", "in", finance.ids), ("company_ids", "in", self.ids), ("share", "=", False)]
        deciders = self.env["res.users"].sudo().search(domain) - involved
        controller = self._get_credit_controller()
        if controller in deciders:
            deciders = controller | (deciders - controller)
        return deciders

    def _credit_four_eyes_deciders(self, involved):
        """Who to name to ``involved`` when the four-eyes rule stops them."""
        return ", ".join(self._credit_other_deciders(involved).mapped("name")) or _(
            "nobody else is in the Credit Control group, ask an administrator to add someone"
        )
