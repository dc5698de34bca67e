from . import test_commission_earning
from . import test_commission_settlement
from . import test_commission_security
from . import test_commission_export
