from . import test_commission_reduction
from . import test_intake_reduction
