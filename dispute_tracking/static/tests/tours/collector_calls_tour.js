/** @odoo-module **/

import { registry } from "@web/core/registry";

// Tour 3: a collector works today's calls from the dunning agenda; the second customer
// disputes a missing discount. Data and checks are in test_tour_collector.py.
registry.category("web_tour.tours").add("dispute_tracking_collector_calls", {
    url: "/odoo/action-credit_control.credit_dunning_action_action",
    steps: () => [
        {
            content: "My Agenda holds today's first call",
            trigger: ".o_data_row td[name=partner_id]:contains(Tour Bistro Alpha)",
            run: "click",
        },
        {
            content: "the call form shows whom to call",
            trigger: ".o_field_widget[name=contact_phone]:contains('00 00 00 01')",
        },
        {
            content: "the customer had no issue",
            trigger: ".o_field_widget[name=outcome] select",
            run: "selectByLabel No Issue",
        },
        {
            content: "record the outcome",
            trigger: ".o_form_view button[name=action_record_outcome]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
        {
            content: "straight to the next call of the day",
            trigger: ".o_form_view button[name=action_next_call]",
            run: "click",
        },
        {
            trigger: ".oe_title:contains(Tour Cave Beta)",
        },
        {
            content: "the customer disputes",
            trigger: ".o_field_widget[name=outcome] select",
            run: "selectByLabel Dispute",
        },
        {
            content: "the reason: discount missing",
            trigger: ".o_field_widget[name=dispute_reason_id] input",
            run: "edit Price or discount",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Price or discount not applied)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=note] textarea",
            run: "edit The 5 % discount agreed for the season is missing on the invoice.",
        },
        {
            content: "record the dispute",
            trigger: ".o_form_view button[name=action_record_outcome]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
        {
            content: "no call left",
            trigger: ".o_form_view button[name=action_next_call]",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(No more calls today)",
        },
    ],
});
