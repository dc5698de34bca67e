from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from .credit_intake_rule import PARTNER_CHECKS

# Fields of a contact that these checks read: writing one of them refreshes the audit.
AUDITED_PARTNER_FIELDS = {
    "street",
    "zip",
    "city",
    "country_id",
    "vat",
    "is_company",
    "email",
    "type",
    "parent_id",
    "company_id",
    "user_id",
    "active",
}


class CreditIntakeAudit(models.Model):
    """A customer whose file breaks an active intake rule: one row per customer and rule, kept
    while the fault lasts, so that the day it was first found stays known. Refreshed in one
    SQL query: for the customers written (contact form, import through the ORM), when a rule
    changes, each night, and from the list."""

    _name = "credit.intake.audit"
    _description = "Customer Data Audit"
    _order = "date_first, partner_id, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    rule_id = fields.Many2one("credit.intake.rule", string="Rule Broken", required=True, index=True, ondelete="cascade")
    check = fields.Selection(related="rule_id.check", store=True)
    mode = fields.Selection(related="rule_id.mode", string="Rule Mode")
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True, index=True)
    team_id = fields.Many2one(
        related="partner_id.user_id.sale_team_id",
        string="Sales Team",
        store=True,
        help="The sales team of the customer's salesperson, as on its orders.",
    )
    date_first = fields.Date(
        string="Found Since",
        required=True,
        readonly=True,
        help="The day the audit first found this fault on the customer; it is kept until the customer is fixed.",
    )
    open_order_count = fields.Integer(
        string="Open Orders",
        compute="_compute_open_order_count",
        help="Quotations and confirmed orders not fully invoiced of this customer in the rule's company: "
        "the orders the fault reaches.",
    )
    fault = fields.Char(compute="_compute_fault", string="To Fix")

    _sql_constraints = [
        ("partner_rule_unique", "unique(partner_id, rule_id)", "A customer breaks a rule once."),
    ]

    def _compute_open_order_count(self):
        counts = {}
        if self.ids:
            self.env["sale.order"].flush_model(["partner_id", "company_id", "state", "invoice_status"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT a.id, COUNT(so.id)
                      FROM credit_intake_audit a
                      JOIN res_partner sp ON sp.commercial_partner_id = a.partner_id
                      JOIN sale_order so ON so.partner_id = sp.id AND so.company_id = a.company_id
                     WHERE a.id IN %(ids)s
                       AND (so.state IN ('draft', 'sent')
                            OR (so.state = 'sale' AND so.invoice_status != 'invoiced'))
                     GROUP BY a.id
                    """,
                    ids=tuple(self.ids),
                )
            )
            counts = dict(rows)
        for audit in self:
            audit.open_order_count = counts.get(audit.id, 0)

    @api.depends("check")
    def _compute_fault(self):
        faults = {
            "address": _("Street, zip code, city or country missing"),
            "vat": _("Tax ID missing"),
            "invoice_email": _("No email address for invoices"),
        }
        for audit in self:
            audit.fault = faults.get(audit.check, "")

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    @api.model
    def _breaking_query(self, partner_ids=None):
        """(customer id, rule id) of every customer whose file breaks an active rule of a check
        that reads it. A customer is a commercial entity with an invoice or an order; a team's
        rule replaces the company's for the customers of that team (their salesperson's); the
        invoice email is the one of the customer's invoice addresses if it has some, else its own."""
        countries = self.env["credit.intake.rule"]._fields["country_ids"]
        scope = SQL("p.id IN %s", tuple(partner_ids)) if partner_ids is not None else SQL("TRUE")
        return SQL(
            """
            WITH customers AS (
                SELECT p.id, p.company_id, p.street, p.zip, p.city, p.country_id, p.is_company, p.vat,
                       p.email, u.sale_team_id AS team_id
                  FROM res_partner p
                  LEFT JOIN res_users u ON u.id = p.user_id
                 WHERE p.active AND p.id = p.commercial_partner_id AND %(scope)s
                   AND (p.customer_rank > 0 OR EXISTS (
                        SELECT 1 FROM sale_order so JOIN res_partner sp ON sp.id = so.partner_id
                         WHERE sp.commercial_partner_id = p.id AND so.state != 'cancel'))
            ), applicable AS (
                SELECT DISTINCT ON (c.id, r.company_id, r."check") c.id AS partner_id, r.id AS rule_id
                  FROM customers c
                  JOIN credit_intake_rule r
                    ON r.active AND r."check" IN %(checks)s
                   AND (c.company_id IS NULL OR r.company_id = c.company_id)
                   AND (r.team_id IS NULL OR r.team_id = c.team_id)
                 ORDER BY c.id, r.company_id, r."check", r.team_id NULLS LAST
            )
            SELECT a.partner_id, a.rule_id
              FROM applicable a
              JOIN customers c ON c.id = a.partner_id
              JOIN credit_intake_rule r ON r.id = a.rule_id
             WHERE (r."check" = 'address' AND (COALESCE(c.street, '') = '' OR COALESCE(c.zip, '') = ''
                                              OR COALESCE(c.city, '') = '' OR c.country_id IS NULL))
                OR (r."check" = 'vat' AND c.is_company AND COALESCE(c.vat, '') = ''
                    AND (NOT EXISTS (SELECT 1 FROM %(rel)s rc WHERE rc.%(rule_col)s = r.id)
                         OR EXISTS (SELECT 1 FROM %(rel)s rc
                                     WHERE rc.%(rule_col)s = r.id AND rc.%(country_col)s = c.country_id)))
                OR (r."check" = 'invoice_email' AND CASE
                        WHEN EXISTS (SELECT 1 FROM res_partner i
                                      WHERE i.parent_id = c.id AND i.active AND i.type = 'invoice')
                        THEN NOT EXISTS (SELECT 1 FROM res_partner i
                                          WHERE i.parent_id = c.id AND i.active AND i.type = 'invoice'
                                            AND COALESCE(i.email, '') != '')
                        ELSE COALESCE(c.email, '') = '' END)
            """,
            scope=scope,
            checks=PARTNER_CHECKS,
            rel=SQL.identifier(countries.relation),
            rule_col=SQL.identifier(countries.column1),
            country_col=SQL.identifier(countries.column2),
        )

    @api.model
    def _refresh(self, partners=None):
        """Bring the audit up to date, for these customers or for all: new faults are added
        (found today), fixed ones removed, the others keep the day they were found."""
        partner_ids = None if partners is None else partners.commercial_partner_id.ids
        if partner_ids == []:
            return
        audits = self.sudo()
        audits.flush_model()
        self.env["res.partner"].flush_model()
        self.env["res.users"].flush_model(["sale_team_id"])
        self.env["credit.intake.rule"].flush_model()
        found = set(self.env.execute_query(self._breaking_query(partner_ids)))
        domain = [] if partner_ids is None else [("partner_id", "in", partner_ids)]
        existing = audits.search_fetch(domain, ["partner_id", "rule_id"])
        known = {(audit.partner_id.id, audit.rule_id.id): audit for audit in existing}
        fixed = [audit.id for key, audit in known.items() if key not in found]
        audits.browse(fixed).unlink()
        today = fields.Date.context_today(self)
        audits.create(
            [
                {"partner_id": partner_id, "rule_id": rule_id, "date_first": today}
                for partner_id, rule_id in sorted(found - set(known))
            ]
        )

    @api.model
    def _cron_refresh(self):
        self._refresh()

    @api.model
    def action_refresh(self):
        """From the list: whoever reads the audit brings it up to date (it reads and writes
        only the audit, for every salesperson at once)."""
        self._refresh()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Weekly digest
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_weekly_digest(self):
        """Each salesperson with customers to fix gets one email a week listing them, however
        often the job runs that week."""
        self._refresh()
        today = fields.Date.context_today(self)
        monday = today - timedelta(days=today.weekday())
        groups = self.sudo()._read_group([("user_id", "!=", False)], ["user_id"])
        users = self.env["res.users"].union(*(user for (user,) in groups))
        due = users.filtered(
            lambda u: (
                u.active
                and u.email
                and not u.share
                and (not u.credit_audit_digest_date or u.credit_audit_digest_date < monday)
            )
        )
        template = self.env.ref("credit_control.mail_template_credit_intake_audit_digest")
        for user in due:  # one email per salesperson
            template.send_mail(user.id, email_layout_xmlid="mail.mail_notification_light")
        due.sudo().credit_audit_digest_date = today
        return due
