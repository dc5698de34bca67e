from . import test_commission_reduction
