/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Journey 4: a sales manager opens the commission report from the Sales app and
// downloads it as XLSX. The data comes from the Python test (test_commission_tour.py).
registry.category("web_tour.tours").add("sales_commission_cash_report_xlsx", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Sales app",
            trigger: '.o_app[data-menu-xmlid="sale.sale_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Commissions menu",
            trigger: '.o_main_navbar [data-menu-xmlid="sales_commission_cash.menu_commission_root"]',
            run: "click",
        },
        {
            content: "Open the commission report",
            trigger: '.dropdown-item[data-menu-xmlid="sales_commission_cash.menu_commission_report"]',
            run: "click",
        },
        {
            content: "The report shows the first salesperson's collections",
            trigger: '.o_pivot .o_pivot_header_cell_closed:contains("Sonia Vente")',
        },
        {
            content: "and the second salesperson's",
            trigger: '.o_pivot .o_pivot_header_cell_closed:contains("Paul Vente")',
        },
        {
            content: "Open the Commissions menu again",
            trigger: '.o_main_navbar [data-menu-xmlid="sales_commission_cash.menu_commission_root"]',
            run: "click",
        },
        {
            content: "Open the XLSX export",
            trigger: '.dropdown-item[data-menu-xmlid="sales_commission_cash.menu_commission_export"]',
            run: "click",
        },
        {
            content: "Download the XLSX",
            trigger: '.modal button[name="action_export"]',
            run: "click",
        },
        {
            content: "The download leaves the page in place: close the dialog",
            trigger: '.modal button.btn-secondary:contains("Cancel")',
            run: "click",
        },
        {
            content: "Back on the report",
            trigger: "body:not(:has(.modal)) .o_pivot",
        },
    ],
});
