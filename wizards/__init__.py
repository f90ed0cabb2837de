from . import vip_promise_wizard
