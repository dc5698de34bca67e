from . import test_lead_time_delivery
