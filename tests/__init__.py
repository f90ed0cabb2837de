from . import test_security_groups
from . import test_settings
from . import test_ui
from . import test_complaint
from . import test_complaint_ui
