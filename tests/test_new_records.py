"""Every field of the suite on records that have no id yet, as forms of new records (and
onchanges of edited ones) compute them: no error, and an edited record shows its saved
figures."""

from access_common import SUITE, AccessCommon

from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestNewRecords(AccessCommon):
    def _suite_fields(self, Model):
        return [name for name, field in Model._fields.items() if field._module in SUITE]

    def test_every_field_of_the_suite_on_new_records(self):
        errors = []
        own = self.records["a"]["own"]
        customer = own["res.partner"]
        for model_name in sorted(self.env.registry):
            Model = self.env[model_name]
            if Model._abstract or not self._suite_fields(Model):
                continue
            values = {}
            partner_field = Model._fields.get("partner_id")
            if partner_field and partner_field.type == "many2one" and partner_field.comodel_name == "res.partner":
                values["partner_id"] = customer.id
            saved = own.get(model_name) or Model.search([], limit=1)
            cases = {"new": lambda M=Model: M.new({}), "new with values": lambda M=Model, v=values: M.new(v)}
            if saved:
                cases["edited"] = lambda M=Model, s=saved: M.new({}, origin=s)
            for case, make in cases.items():
                for fname in self._suite_fields(Model):
                    try:
                        with self.env.cr.savepoint():
                            make()[fname]  # computing is the test
                    except Exception as error:  # every error is a form that does not open
                        errors.append(f"{model_name}.{fname} ({case}): {type(error).__name__}: {error}")
        self.assertFalse(errors, "\n".join(errors))

    def test_edited_records_show_their_saved_figures(self):
        own = self.records["a"]["own"]
        for model_name, fnames in {
            "res.partner": ["credit_exposure", "credit_exposure_not_due", "credit_aged_total", "credit_aged_not_due"],
            "account.move": ["dispute_count", "dunning_next_stage_id", "dunning_next_date"],
            "sale.order": ["credit_exposure", "credit_limit_effective"],
        }.items():
            saved = own[model_name]
            edited = saved.new({}, origin=saved)
            for fname in fnames:
                self.assertEqual(edited[fname], saved[fname], f"{model_name}.{fname}")
            self.assertTrue(any(saved[fname] for fname in fnames), model_name)
