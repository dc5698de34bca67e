from . import credit_lead_time_report
