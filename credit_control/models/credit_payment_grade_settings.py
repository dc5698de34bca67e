import itertools

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

GRADE_BASES = [("days_late", "Average Days Late"), ("index", "Payment Index")]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

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


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    credit_grade_basis = fields.Selection(related="company_id.credit_grade_basis", readonly=False)
    credit_grade_a_max = fields.Integer(related="company_id.credit_grade_a_max", readonly=False)
    credit_grade_b_max = fields.Integer(related="company_id.credit_grade_b_max", readonly=False)
    credit_grade_c_max = fields.Integer(related="company_id.credit_grade_c_max", readonly=False)
    credit_grade_d_max = fields.Integer(related="company_id.credit_grade_d_max", readonly=False)
    credit_grade_factor_a = fields.Float(related="company_id.credit_grade_factor_a", readonly=False)
    credit_grade_factor_b = fields.Float(related="company_id.credit_grade_factor_b", readonly=False)
    credit_grade_factor_c = fields.Float(related="company_id.credit_grade_factor_c", readonly=False)
    credit_grade_factor_d = fields.Float(related="company_id.credit_grade_factor_d", readonly=False)
