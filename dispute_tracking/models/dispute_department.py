from odoo import api, fields, models

from .dispute_reason import RECURRENCE_HELP, RECURRENCE_KEYS, RECURRENCE_PERIODS, check_recurrence_threshold


class DisputeDepartment(models.Model):
    """A team that solves disputes: sales, logistics, production, quality, accounting..."""

    _name = "dispute.department"
    _description = "Dispute Department"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the department.")
    manager_id = fields.Many2one("res.users", help="Receives the disputes of the department that pass their deadline.")
    responsible_id = fields.Many2one(
        "res.users",
        string="Default Owner",
        help="Owner of the new disputes routed to the department; when empty, the manager, else the first member.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "dispute_department_user_rel",
        "department_id",
        "user_id",
        string="Members",
        help="Users who see and handle the disputes routed to the department.",
    )
    reason_ids = fields.One2many("dispute.reason", "department_id", string="Reasons Routed Here")
    recurrence_tracking = fields.Boolean(
        string="Track Recurring Causes",
        help=RECURRENCE_HELP["tracking"] + " A reason that tracks them itself uses its own setting.",
    )
    recurrence_threshold = fields.Integer(default=3, help=RECURRENCE_HELP["threshold"])
    recurrence_period = fields.Selection(
        RECURRENCE_PERIODS, default="month", required=True, help=RECURRENCE_HELP["period"]
    )
    recurrence_group_by = fields.Selection(
        RECURRENCE_KEYS, string="Same Cause For", default="salesperson", required=True, help=RECURRENCE_HELP["group_by"]
    )
    corrective_action_ids = fields.One2many("dispute.corrective.action", "department_id", string="Corrective Actions")

    @api.constrains("recurrence_threshold")
    def _check_recurrence_threshold(self):
        check_recurrence_threshold(self)

    @api.model_create_multi
    def create(self, vals_list):
        departments = super().create(vals_list)
        departments._add_leaders_to_members()
        return departments

    def write(self, vals):
        res = super().write(vals)
        if {"manager_id", "responsible_id"} & set(vals):
            self._add_leaders_to_members()
        return res

    def _add_leaders_to_members(self):
        """The manager and default owner handle the department's disputes like its members."""
        for department in self:
            leaders = (department.manager_id | department.responsible_id) - department.member_ids
            if leaders:
                department.member_ids = [fields.Command.link(user.id) for user in leaders]

    def _get_default_owner(self):
        self.ensure_one()
        return self.responsible_id or self.manager_id or self.member_ids[:1]
