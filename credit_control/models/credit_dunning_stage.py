import itertools

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [("email", "Email"), ("phone", "Phone Call"), ("letter", "Letter")]


class CreditDunningStage(models.Model):
    """One step of a dunning policy, reached ``offset_days`` after the due date (before it
    when negative: a preventive contact)."""

    _name = "credit.dunning.stage"
    _description = "Dunning Stage"
    _order = "policy_id, sequence, offset_days, id"

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one("credit.dunning.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    offset_days = fields.Integer(
        string="Days from Due Date",
        required=True,
        help="Negative: days before the due date (preventive contact); positive: days after it.",
    )
    is_preventive = fields.Boolean(compute="_compute_is_preventive", store=True)
    channel = fields.Selection(CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain="[('model', '=', 'credit.dunning.action')]"
    )
    call_script = fields.Html(translate=True, help="What the collector says and asks during the call.")
    letter_body = fields.Html(translate=True, help="Text of the letter, above the list of invoices.")
    notify_salesperson = fields.Boolean(help="The salesperson of the customer gets a to-do with the action.")
    propose_cash_in_advance = fields.Boolean(
        help="Finance gets a to-do proposing to put the customer on cash in advance; it decides "
        "with the Credit Decision button."
    )
    is_litigation = fields.Boolean(
        string="Litigation",
        help="Formal notice (mise en demeure): the last step before handing the claim over to litigation.",
    )

    @api.depends("offset_days")
    def _compute_is_preventive(self):
        for stage in self:
            stage.is_preventive = stage.offset_days < 0

    @api.constrains("channel", "mail_template_id")
    def _check_template(self):
        for stage in self:
            if stage.channel == "email" and not stage.mail_template_id:
                raise ValidationError(_("Stage %(stage)s sends an email: choose its email template.", stage=stage.name))

    @api.constrains("sequence", "offset_days", "policy_id")
    def _check_offsets(self):
        for policy in self.policy_id:
            stages = policy.stage_ids.sorted(lambda s: (s.sequence, s.offset_days, s.id))
            for previous, stage in itertools.pairwise(stages):
                if stage.offset_days <= previous.offset_days:
                    raise ValidationError(
                        _(
                            "In policy %(policy)s, stage %(stage)s (%(days)s days) comes after stage "
                            "%(previous)s (%(previous_days)s days): each stage needs more days from the "
                            "due date than the stage before it. Change the offsets or the order.",
                            policy=policy.name,
                            stage=stage.name,
                            days=stage.offset_days,
                            previous=previous.name,
                            previous_days=previous.offset_days,
                        )
                    )
