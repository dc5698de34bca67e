from . import credit_cockpit
