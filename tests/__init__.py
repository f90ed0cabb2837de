from . import test_security_groups
from . import test_settings
from . import test_ui
from . import test_vip_tier
from . import test_i18n
from . import test_promise
from . import test_visit
from . import test_visit_ui
