from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningConfig(DunningCommon):
    def test_default_policy_has_preventive_and_curative_stages(self):
        stages = self.policy.stage_ids
        self.assertEqual(stages[0].offset_days, -7)
        self.assertTrue(stages[0].is_preventive)
        self.assertEqual(stages.mapped("channel"), ["phone", "email", "email", "letter", "letter"])
        self.assertTrue(stages[-1].is_litigation)

    def test_overlapping_offsets_refused(self):
        with self.assertRaises(ValidationError):
            self.stage_firm.offset_days = self.stage_friendly.offset_days

    def test_unordered_offsets_refused(self):
        with self.assertRaises(ValidationError):
            self.stage_firm.sequence = 1

    def test_email_stage_needs_template(self):
        with self.assertRaises(ValidationError):
            self.stage_friendly.mail_template_id = False

    def test_one_default_policy_per_company(self):
        with self.assertRaises(ValidationError):
            self.env["credit.dunning.policy"].create(
                {"name": "Another default", "company_id": self.company.id, "is_default": True}
            )

    def test_new_company_gets_the_standard_policy(self):
        company = self.env["res.company"].create({"name": "Filiale Lyon"})
        policy = self.env["credit.dunning.policy"]._get_company_default(company)
        self.assertTrue(policy)
        self.assertNotEqual(policy, self.policy)
        self.assertEqual(policy.stage_ids.mapped("offset_days"), self.policy.stage_ids.mapped("offset_days"))
        self.assertEqual(policy.stage_ids.company_id, company)
        # Running it again adds nothing.
        company._credit_ensure_dunning_policy()
        self.assertEqual(self.env["credit.dunning.policy"].search_count([("company_id", "=", company.id)]), 1)
