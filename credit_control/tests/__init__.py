from . import test_credit_exposure
from . import test_credit_check
from . import test_credit_release
from . import test_credit_security
from . import test_credit_concurrency
from . import test_credit_payment
