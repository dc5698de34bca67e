import threading
import time

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCommissionConcurrency(TransactionCase):
    """Two real transactions computing tiered commission for the same salesperson: the
    second one must not read the period's total before the first one commits."""

    def test_second_transaction_waits_then_retries(self):
        user_id = self.env.ref("base.user_admin").id
        outcome = {}

        def second():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["res.users"].browse(user_id).read(["login"])  # snapshot taken before the first commits
                outcome["started"] = True
                try:
                    env["commission.line"]._lock_salespeople({user_id})
                    outcome["second"] = "locked"
                except errors.SerializationFailure:
                    outcome["second"] = "retry"
                    cr.rollback()

        with self.registry.cursor() as cr_first:
            api.Environment(cr_first, SUPERUSER_ID, {})["commission.line"]._lock_salespeople({user_id})
            thread = threading.Thread(target=second)
            thread.start()
            deadline = time.time() + 10
            while "started" not in outcome and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            # The second transaction is waiting on the row the first one holds.
            self.assertNotIn("second", outcome)
            cr_first.commit()
        thread.join(10)
        self.assertEqual(outcome.get("second"), "retry")
