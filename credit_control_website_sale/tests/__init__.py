from . import test_ecommerce_hold
