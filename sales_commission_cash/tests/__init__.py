from . import test_commission_earning
from . import test_commission_plans
from . import test_commission_split
from . import test_commission_settlement
from . import test_commission_report
from . import test_commission_security
from . import test_commission_export
from . import test_commission_concurrency
