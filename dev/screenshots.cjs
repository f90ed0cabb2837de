// Driven by dev/screenshots: node dev/screenshots.cjs BASE_URL OUT_DIR TARGETS_JSON
// Logs in as the demo's admin and portal customer, each screen once in zh_CN and once in en_US.
const { chromium } = require("playwright-core");

const [base, out, targetsJson] = process.argv.slice(2);
const targets = JSON.parse(targetsJson);
const LANGS = { zh: "zh_CN", en: "en_US" };

const backend = [
    ["customers", "/odoo/action-partner_vip_care.res_partner_action_vip", null],
    [
        "customer_vip_tab",
        `/odoo/action-partner_vip_care.res_partner_action_vip/${targets.customer}`,
        async (page) => {
            await page.locator('.o_notebook a[name="vip_care"]').click();
            await page.waitForTimeout(800);
        },
    ],
    [
        "complaint",
        `/odoo/action-partner_vip_care.vip_complaint_action/${targets.complaint}`,
        null,
    ],
    ["promises", "/odoo/action-partner_vip_care.vip_promise_action", null],
];

async function rpc(page, model, method, args) {
    return page.evaluate(
        async ([model, method, args]) => {
            const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({
                    jsonrpc: "2.0",
                    method: "call",
                    params: { model, method, args, kwargs: {} },
                }),
            });
            const body = await response.json();
            if (body.error) throw new Error(JSON.stringify(body.error));
            return body.result;
        },
        [model, method, args]
    );
}

async function session(browser, login, lang) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: lang.replace("_", "-"),
    });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', login);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    const uid = await page.evaluate(async () => {
        const response = await fetch("/web/session/get_session_info", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: {} }),
        });
        return (await response.json()).result.uid;
    });
    await rpc(page, "res.users", "write", [[uid], { lang }]);
    return { context, page };
}

async function settle(page) {
    // the web client keeps a bus connection open: wait for the view, not for the network
    await page.waitForLoadState("load");
    await page.waitForSelector(".o_view_controller, .o_portal_wrap, #wrap", { timeout: 30000 });
    await page.waitForTimeout(1500);
}

(async () => {
    const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    });
    for (const [suffix, lang] of Object.entries(LANGS)) {
        const admin = await session(browser, "admin", lang);
        for (const [name, url, action] of backend) {
            await admin.page.goto(base + url);
            await settle(admin.page);
            if (action) await action(admin.page);
            await admin.page.screenshot({ path: `${out}/${name}_${suffix}.png` });
        }
        await admin.context.close();
        const portal = await session(browser, "chenwei", lang);
        await portal.page.goto(`${base}/my/vip`);
        await settle(portal.page);
        await portal.page.screenshot({ path: `${out}/portal_${suffix}.png` });
        await portal.context.close();
    }
    await browser.close();
})().catch((error) => {
    console.error(error);
    process.exit(1);
});
