from . import credit_release_request
from . import credit_decision_wizard
from . import base_partner_merge
from . import credit_aged_balance_date
from . import credit_collector_assign
