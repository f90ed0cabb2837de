// Driven by dev/screenshots: node dev/screenshots.cjs BASE_URL OUT_DIR TARGETS_JSON SUFFIX
// Logs in as the demo's users (their language set by dev/screenshots before Odoo started) and
// takes each screen as OUT_DIR/<screen>_<SUFFIX>.png. The pictures only README.rst shows (in
// Simplified Chinese) are taken in the zh pass only.
const { chromium } = require("playwright-core");

const [base, out, targetsJson, suffix] = process.argv.slice(2);
const targets = JSON.parse(targetsJson);

const desktop = { width: 1280, height: 800 };

// Each screen: who logs in (default admin), the viewport (default desktop), the URL, what to do
// before the shot (prepare) and which part of the page to keep (clip, default the viewport).
const screens = [
    {
        // the account manager's own customers, as in the walk-through of readme/USAGE.md
        name: "customers",
        login: "wangfang",
        url: "/odoo/action-partner_vip_care.res_partner_action_vip",
        prepare: async (page) => {
            await page.locator(".o_searchview_dropdown_toggler").click();
            await page
                .locator(".o_filter_menu .o_menu_item")
                .filter({ hasText: /^\s*(My Customers|我的客户)\s*$/ })
                .click();
            await page.keyboard.press("Escape");
            // no focused or hovered toggler in the picture
            await page.evaluate(() => document.activeElement && document.activeElement.blur());
            await page.mouse.move(640, 780);
            await page.waitForTimeout(1500);
        },
    },
    {
        name: "customer_vip_tab",
        url: `/odoo/action-partner_vip_care.res_partner_action_vip/${targets.customer}`,
        prepare: async (page) => {
            await page.locator('.o_notebook a[name="vip_care"]').click();
            await page.waitForTimeout(800);
        },
    },
    {
        name: "complaint",
        url: `/odoo/action-partner_vip_care.vip_complaint_action/${targets.complaint}`,
    },
    { name: "promises", url: "/odoo/action-partner_vip_care.vip_promise_action" },
    { name: "care_calendar", url: "/odoo/action-partner_vip_care.vip_care_occasion_action" },
    {
        // two team cards: a narrower window, down to the cards
        name: "complaint_teams",
        only: "zh",
        viewport: { width: 960, height: 800 },
        url: "/odoo/action-partner_vip_care.vip_complaint_team_action",
        clip: async (page) => {
            const bottom = await page
                .locator(".o_kanban_record:not(.o_kanban_ghost)")
                .evaluateAll((cards) => Math.max(...cards.map((card) => card.getBoundingClientRect().bottom)));
            return { x: 0, y: 0, width: 960, height: Math.ceil(bottom) + 24 };
        },
    },
    { name: "portal", login: "chenwei", url: "/my/vip" },
    {
        // “You said, we did” on a phone
        name: "portal_results",
        only: "zh",
        login: "chenwei",
        viewport: { width: 390, height: 844 },
        mobile: true,
        url: "/my/vip/results",
    },
    {
        // 杭州新叶茶业, referred by 上海东方精工: its coupon and points, from the breadcrumb to the
        // cards
        name: "word_of_mouth",
        only: "zh",
        login: "xinye",
        url: "/my/vip",
        prepare: async (page) => {
            await page.waitForSelector(".o_vip_loyalty_cards");
        },
        clip: async (page) => {
            const crumbs = await page.locator("ol.breadcrumb").first().boundingBox();
            const tier = await page.locator(".o_vip_portal_tier").boundingBox();
            const top = Math.max(crumbs.y - 12, 0);
            return {
                x: Math.max(tier.x - 16, 0),
                y: top,
                width: tier.width + 32,
                height: tier.y + tier.height + 16 - top,
            };
        },
    },
];

async function session(browser, login, screen) {
    const context = await browser.newContext({
        viewport: screen.viewport || desktop,
        isMobile: Boolean(screen.mobile),
        hasTouch: Boolean(screen.mobile),
    });
    const page = await context.newPage();
    await page.goto(`${base}/web/login`);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', login);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    // the login page left the cookie of Odoo's default language, which the portal pages would
    // follow: without it they take the user's language, as the backend does
    await context.clearCookies({ name: "frontend_lang" });
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
    const sessions = new Map();
    for (const screen of screens) {
        if (screen.only && screen.only !== suffix) continue;
        const login = screen.login || "admin";
        const key = JSON.stringify([login, screen.viewport, screen.mobile]);
        if (!sessions.has(key)) sessions.set(key, await session(browser, login, screen));
        const { page } = sessions.get(key);
        await page.goto(base + screen.url);
        await settle(page);
        if (screen.prepare) await screen.prepare(page);
        const path = `${out}/${screen.name}_${suffix}.png`;
        if (screen.clip) {
            await page.screenshot({ path, clip: await screen.clip(page), fullPage: true });
        } else {
            await page.screenshot({ path });
        }
    }
    for (const { context } of sessions.values()) await context.close();
    await browser.close();
})().catch((error) => {
    console.error(error);
    process.exit(1);
});
