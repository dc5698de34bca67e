from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningCollector(DunningCommon):
    """Each customer has its collector (per company, default per company): its dunning
    actions, and their call to-dos, are that collector's agenda."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.collector_id = False
        cls.company.dunning_collector_id = cls.finance_2
        cls.collector = cls.billing
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")

    def agenda(self, user):
        return self.Action.with_user(user).search([("state", "=", "planned"), ("user_id", "=", user.id)])

    def test_actions_belong_to_the_customers_collector(self):
        self.customer.with_user(self.collector).credit_collector_id = self.collector
        self._create_invoice(500.0, days_overdue=-5)
        self._create_invoice(300.0, days_overdue=-5, partner=self.customer_2)
        self.run_dunning()
        call = self.actions(stage_id=self.stage_call.id)
        self.assertEqual(call.user_id, self.collector)
        self.assertEqual(call.activity_ids.user_id, self.collector, "the call to-do is the collector's")
        self.assertEqual(self.agenda(self.collector), call, "My Agenda of the collector holds the call")
        self.assertFalse(self.agenda(self.env.user), "nothing for the administrator")
        other = self.actions(self.customer_2)
        self.assertEqual(other.user_id, self.finance_2, "a customer without collector: the company's default")

    def test_collector_is_per_company(self):
        self.customer.with_user(self.collector).credit_collector_id = self.collector
        other = self.setup_other_company(name="Other Company")["company"]
        self.assertFalse(self.customer.with_company(other).credit_collector_id)
        contact = self.customer.child_ids[:1] or self.contact
        self.assertEqual(contact.credit_collector_id, self.collector, "contacts share their company's collector")

    def test_changing_the_collector_moves_the_open_calls(self):
        self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions(stage_id=self.stage_call.id)
        self.assertEqual(call.user_id, self.finance_2)
        self.customer.with_user(self.collector).credit_collector_id = self.collector
        self.assertEqual(call.user_id, self.collector)
        todo = call.activity_ids.filtered(lambda act: act.activity_type_id == self.call_type)
        self.assertEqual(todo.user_id, self.collector, "the call to-do moves with the action")

    def test_only_accountants_choose_the_collector(self):
        with self.assertRaisesRegex(AccessError, "Only accountants choose the collector"):
            self.customer.with_user(self.salesman).credit_collector_id = self.salesman
        self.customer.with_user(self.salesman).comment = "Ask for Jeanne"
        self.customer.with_user(self.finance).credit_collector_id = self.collector
        self.assertEqual(self.customer.credit_collector_id, self.collector)

    def test_salespeople_add_contacts_to_a_customer_with_a_collector(self):
        self.customer.with_user(self.collector).credit_collector_id = self.collector
        Partner = self.env["res.partner"].with_user(self.salesman)
        contact = Partner.create({"name": "Paul", "parent_id": self.customer.id})
        self.assertEqual(contact.credit_collector_id, self.collector, "the contact shares its company's collector")
        self.customer.with_user(self.salesman).vat = "FR23334175221"
        other = Partner.create({"name": "Lucie"})
        other.parent_id = self.customer
        self.assertEqual(other.credit_collector_id, self.collector)

    def test_the_policy_collector_comes_before_the_default(self):
        self.policy.collector_id = self.finance
        self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        self.assertEqual(self.actions(stage_id=self.stage_call.id).user_id, self.finance)


@tagged("post_install", "-at_install")
class TestDunningCallForm(DunningCommon):
    """The collector's call form: whom to call, what is owed, what was said, and the next call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.collector_id = False
        cls.company.dunning_collector_id = cls.billing
        cls.invoicing = cls.env["res.partner"].create(
            {
                "name": "Paul Compta",
                "parent_id": cls.customer.id,
                "type": "invoice",
                "phone": "+33 2 40 00 00 01",
                "email": "paul@brasserie-du-port.example.com",
            }
        )

    def test_form_shows_contact_exposure_history_and_promises(self):
        self._create_invoice(800.0, days_overdue=10)
        self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        reminder = self.actions(stage_id=self.stage_friendly.id)
        first = self.actions(state="planned", stage_id=self.stage_call.id)
        first.with_user(self.billing).write(
            {"outcome": "promise", "promise_date": self.today, "promise_amount": 500.0, "note": "Pays Friday"}
        )
        first.with_user(self.billing).action_record_outcome()
        self._create_invoice(300.0, days_overdue=-6)
        self.run_dunning()
        call = self.actions(state="planned", stage_id=self.stage_call.id).with_user(self.billing)
        self.assertTrue(call, "the preventive call of the new invoice")
        self.assertRecordValues(
            call,
            [
                {
                    "contact_id": self.invoicing.id,
                    "contact_phone": "+33 2 40 00 00 01",
                    "contact_email": "paul@brasserie-du-port.example.com",
                    "partner_credit_exposure_overdue": 800.0,
                    "partner_credit_exposure": 1600.0,
                    "partner_credit_limit": 1000.0,
                }
            ],
        )
        self.assertEqual(call.history_action_ids, first | reminder)
        self.assertEqual(call.promise_action_ids, first)
        first.promise_date = self.today.replace(year=self.today.year - 1)
        call.invalidate_recordset(["promise_action_ids"])
        self.assertFalse(call.promise_action_ids, "a promise whose date is past is no longer open")

    def test_outcomes_follow_the_channel(self):
        self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions(stage_id=self.stage_call.id)
        self.assertIn("no_answer", call.allowed_outcomes)
        email = call.copy({"channel": "email", "stage_id": self.stage_friendly.id, "move_ids": call.move_ids.ids})
        self.assertNotIn("no_answer", email.allowed_outcomes)
        self.assertNotIn("sent", email.allowed_outcomes)
        email.outcome = "no_answer"
        with self.assertRaisesRegex(UserError, "does not apply to a contact by Email"):
            email.with_user(self.billing).action_record_outcome()
        form = Form(call.with_user(self.billing))
        form.outcome = "no_issue"
        form.save()

    def test_next_call_goes_through_the_days_calls_in_due_order(self):
        customers = self.customer | self.customer_2
        third = self.env["res.partner"].create({"name": "Bar du Centre", "is_company": True})
        elsewhere = self.env["res.partner"].create({"name": "Cave du Quai", "is_company": True})
        for partner in (*customers, third, elsewhere):
            self._create_invoice(400.0, days_overdue=-5, partner=partner)
        elsewhere.with_user(self.billing).credit_collector_id = self.finance
        self.run_dunning()
        calls = self.Action.search([("stage_id", "=", self.stage_call.id), ("user_id", "=", self.billing.id)])
        self.assertEqual(len(calls), 3)
        calls[1].date = self.today.replace(day=1) if self.today.day > 1 else self.today  # late calls come first
        ordered = calls.sorted(lambda c: (c.date, c.id))
        first = ordered[0].with_user(self.billing)
        first.write({"outcome": "no_issue"})
        first.action_record_outcome()
        seen = []
        action = first.action_next_call()
        while action.get("res_model"):
            seen.append(action["res_id"])
            current = self.Action.browse(action["res_id"]).with_user(self.billing)
            current.write({"outcome": "no_issue"})
            current.action_record_outcome()
            action = current.action_next_call()
        self.assertEqual(seen, ordered[1:].ids, "the other calls of the collector, in due order")
        self.assertEqual(action["tag"], "display_notification", "then: no more calls today")

    def test_actions_without_collector_keep_working(self):
        self._create_invoice(500.0, days_overdue=-5)
        self._create_invoice(400.0, days_overdue=-5, partner=self.customer_2)
        self.run_dunning()
        calls = self.Action.search([("stage_id", "=", self.stage_call.id)])
        calls.user_id = False
        first = calls[0].with_user(self.billing)
        self.assertTrue(first.contact_id, "the form still shows whom to call")
        action = first.action_next_call()
        self.assertEqual(action["res_id"], calls[1].id, "unassigned calls are the current user's")
