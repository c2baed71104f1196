// Headless Chromium check of the web pages, run by e2e UiEndToEndIT:
//   node ui.mjs <laptop URL> <server URL> <admin token> [screenshot folder]
// A research assistant creates a household in the laptop's form, pushes it with "Push now", and the admin sees it
// applied on the server's page and assigns it to the laptop.
import { chromium } from 'playwright-core';

const [laptop, server, adminToken, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const step = (what) => console.log('ui: ' + what);
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(30000);

  step('data entry form');
  await page.goto(laptop + '/records/study.household');
  await page.fill('input[name=householdIdentifier]', 'HH-UI-1');
  await page.fill('input[name=village]', 'Oodi');
  await page.fill('input[name=enumerationDate]', '2026-11-20');
  await page.fill('input[name=__user]', 'ui-tester');
  await page.click('#save');
  await page.waitForSelector('#records td:text-is("HH-UI-1")');

  step('invalid input shows the fields');
  await page.fill('input[name=householdIdentifier]', 'lower case');
  await page.click('#save');
  await page.waitForSelector('#result.error:has-text("householdIdentifier")');

  step('push now with progress');
  await page.goto(laptop + '/');
  await page.click('#push-now');
  await page.waitForFunction(() => document.getElementById('last-push').textContent.startsWith('DELIVERED'));
  await page.waitForSelector('#downsync-subscription'); // what the server sends this laptop: its site, or assigned
  if (shots) await page.screenshot({ path: shots + '/laptop-status.png', fullPage: true });

  step('server admin page');
  await page.goto(server + '/admin');
  await page.fill('#token', adminToken);
  await page.click('#sign-in');
  await page.waitForSelector('#admin:not([hidden])');
  for (let i = 0; i < 60; i++) {
    const applied = await page.evaluate(() =>
        [...document.querySelectorAll('#incoming td.status')].some((td) => td.textContent === 'APPLIED'));
    if (applied) break;
    await page.waitForTimeout(500);
    await page.evaluate(() => load());
  }
  await page.waitForSelector('#incoming td.status:text-is("APPLIED")');
  await page.waitForSelector('#devices td:text-is("ui-laptop")');

  step('assign the household to the laptop');
  await page.fill('#assign-target', 'ui-laptop');
  await page.fill('#assign-keys', 'HH-NOT-HERE');
  await page.click('#assign-add');
  await page.waitForSelector('#assign-result:has-text("keys[0]")');
  await page.fill('#assign-keys', 'HH-UI-1');
  await page.click('#assign-add');
  await page.waitForSelector('#assignments td:text-is("HH-UI-1")');
  await page.evaluate(() => load());
  await page.waitForSelector('#devices td.downsync:has-text("assigned:")');
  if (shots) await page.screenshot({ path: shots + '/server-admin.png', fullPage: true });
  step('ok');
} finally {
  await browser.close();
}
