from . import test_cockpit_commission
