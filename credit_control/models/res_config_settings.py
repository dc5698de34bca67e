from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_policy = fields.Selection(related="company_id.credit_policy", readonly=False)
    credit_overdue_days = fields.Integer(related="company_id.credit_overdue_days", readonly=False)
    credit_controller_id = fields.Many2one(related="company_id.credit_controller_id", readonly=False)
    dunning_collector_id = fields.Many2one(related="company_id.dunning_collector_id", readonly=False)
    dunning_repeat_late_count = fields.Integer(related="company_id.dunning_repeat_late_count", readonly=False)
    credit_require_payment_term = fields.Boolean(related="company_id.credit_require_payment_term", readonly=False)
    credit_require_address = fields.Boolean(related="company_id.credit_require_address", readonly=False)
    credit_require_vat = fields.Boolean(related="company_id.credit_require_vat", readonly=False)
    credit_insurance_limit = fields.Boolean(related="company_id.credit_insurance_limit", readonly=False)
    credit_insurance_expiry_days = fields.Integer(related="company_id.credit_insurance_expiry_days", readonly=False)
    # Payment grades and proposed limit
    credit_grade_basis = fields.Selection(related="company_id.credit_grade_basis", readonly=False)
    credit_grade_a_max = fields.Integer(related="company_id.credit_grade_a_max", readonly=False)
    credit_grade_b_max = fields.Integer(related="company_id.credit_grade_b_max", readonly=False)
    credit_grade_c_max = fields.Integer(related="company_id.credit_grade_c_max", readonly=False)
    credit_grade_d_max = fields.Integer(related="company_id.credit_grade_d_max", readonly=False)
    credit_grade_factor_a = fields.Float(related="company_id.credit_grade_factor_a", readonly=False)
    credit_grade_factor_b = fields.Float(related="company_id.credit_grade_factor_b", readonly=False)
    credit_grade_factor_c = fields.Float(related="company_id.credit_grade_factor_c", readonly=False)
    credit_grade_factor_d = fields.Float(related="company_id.credit_grade_factor_d", readonly=False)
    # What a new customer gets until its credit application is decided
    credit_new_customer_mode = fields.Selection(related="company_id.credit_new_customer_mode", readonly=False)
    credit_new_customer_limit = fields.Monetary(related="company_id.credit_new_customer_limit", readonly=False)
