// Loads /shop in headless Chromium, each time in a fresh browser context (nothing cached), and
// prints one JSON line per load: the catalog's first render (the shop's own performance mark
// "catalog-rendered": its products are in the page, the frame after) and what the load weighed
// (every response body: the document, its script and style, the products page). The reference,
// measured the same way in the same run: loading GET /healthz as a page (navigation to the load
// event), the floor of any page from that door.
//   node bench/shop-render.mjs BASE_URL [loads, default 15]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const tools = fileURLToPath(new URL('../tests/tools/', import.meta.url));
const puppeteer = createRequire(tools)('puppeteer-core');
const [base, loads = '15'] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
try {
  for (let i = 0; i < Number(loads); i += 1) {
    for (const kind of ['healthz', 'shop']) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const bodies = [];
      page.on('response', (r) => { bodies.push(r.buffer().then((b) => b.length).catch(() => 0)); });
      if (kind === 'healthz') {
        await page.goto(`${base}/healthz`, { waitUntil: 'load' });
        const ms = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
        console.log(JSON.stringify({ kind, ms }));
      } else {
        await page.goto(`${base}/shop`, { waitUntil: 'load' });
        await page.waitForFunction(() => performance.getEntriesByName('catalog-rendered').length > 0, { polling: 10 });
        const r = await page.evaluate(() => ({
          ms: performance.getEntriesByName('catalog-rendered')[0].startTime,
          // Where the time went: the document, its script and style, the products page.
          steps: Object.fromEntries([
            ['document', performance.getEntriesByType('navigation')[0].responseEnd],
            ['dom_content_loaded', performance.getEntriesByType('navigation')[0].domContentLoadedEventStart],
            ...performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, [e.startTime, e.responseEnd].map(Math.round)]),
          ]),
          cards: document.querySelectorAll('#catalog article').length,
          total: document.getElementById('catalog-total').textContent,
        }));
        const bytes = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
        console.log(JSON.stringify({ kind, ...r, bytes, responses: bodies.length }));
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
