from odoo import api, fields, models

from odoo.addons.queue_job.job import identity_exact
from odoo.addons.sales_commission_cash.models.commission_settlement import SETTLEMENT_BATCH_SIZE

from .credit_dunning_action import CHANNEL


class CommissionSettlement(models.Model):
    _inherit = "commission.settlement"

    @api.model
    def _cron_queue_settlements(self, batch_size=SETTLEMENT_BATCH_SIZE):
        """The monthly job with queue_job (the bridge points the cron here) queues one job per batch of salespeople; run
        again, or retried, a job makes only the missing settlements."""
        date_from, date_to = self._last_month()
        pending = [[company.id, user.id] for company, user in self._pending_salespeople(date_from, date_to)]
        for start in range(0, len(pending), batch_size):
            batch = pending[start : start + batch_size]
            self.with_delay(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=self.env._("Commissions: settlements of %(count)s salespeople", count=len(batch)),
            )._job_generate_settlements(fields.Date.to_string(date_from), fields.Date.to_string(date_to), batch)
        return 0

    @api.model
    def _job_generate_settlements(self, date_from, date_to, salespeople):
        settlements = self._generate_for_period(
            fields.Date.to_date(date_from), fields.Date.to_date(date_to), [tuple(pair) for pair in salespeople]
        )
        return len(settlements)
