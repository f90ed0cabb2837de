// Driven by dev/screenshots: node dev/screenshots.cjs BASE_URL OUT_DIR TARGETS_JSON SUFFIX
// Logs in as the demo's admin and portal customer (their language set by dev/screenshots
// before Odoo started) and takes each screen as OUT_DIR/<screen>_<SUFFIX>.png.
const { chromium } = require("playwright-core");

const [base, out, targetsJson, suffix] = process.argv.slice(2);
const targets = JSON.parse(targetsJson);

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
    ["care_calendar", "/odoo/action-partner_vip_care.vip_care_occasion_action", null],
];

async function session(browser, login) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', login);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
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
    const admin = await session(browser, "admin");
    for (const [name, url, action] of backend) {
        await admin.page.goto(base + url);
        await settle(admin.page);
        if (action) await action(admin.page);
        await admin.page.screenshot({ path: `${out}/${name}_${suffix}.png` });
    }
    await admin.context.close();
    const portal = await session(browser, "chenwei");
    await portal.page.goto(`${base}/my/vip`);
    await settle(portal.page);
    await portal.page.screenshot({ path: `${out}/portal_${suffix}.png` });
    await portal.context.close();
    await browser.close();
})().catch((error) => {
    console.error(error);
    process.exit(1);
});
