from . import credit_release_request
from . import credit_decision_wizard
from . import base_partner_merge
