from . import res_company
from . import res_config_settings
from . import vip_tier
from . import vip_tier_history
from . import res_partner
from . import vip_promise
from . import vip_visit
from . import mail_activity
