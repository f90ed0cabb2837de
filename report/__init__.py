from . import vip_promise_report
