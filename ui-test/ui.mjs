// Headless Chromium check of the web pages, run by e2e UiEndToEndIT:
//   node ui.mjs <laptop URL> <server URL> <admin name> <admin password> [screenshot folder]
// A research assistant creates a household in the laptop's form, pushes it with "Push now", and the admin logs in,
// sees it applied on the server's page, assigns it to the laptop and adds a monitor, who logs in and sees the data
// without the buttons that change it.
import { chromium } from 'playwright-core';

const [laptop, server, adminName, adminPassword, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const step = (what) => console.log('ui: ' + what);
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(30000);

  step('the laptop is locked: the assistant logs in with no network, a wrong password first');
  await page.goto(laptop + '/records/study.household');
  await page.waitForSelector('#log-in'); // sent to the login page
  for (let i = 0; i < 30 && await page.isVisible('#no-accounts'); i++) { // the accounts arrive from the server
    await page.waitForTimeout(500);
    await page.reload();
  }
  await page.fill('#username', 'ui-ra');
  await page.fill('#password', 'not the password');
  await page.click('#log-in');
  await page.waitForSelector('#login-error:has-text("Wrong name or password")');
  await page.fill('#password', "the assistant's password");
  await page.click('#log-in');
  await page.waitForSelector('#entered-by:text-is("ui-ra")');

  step('data entry form');
  await page.fill('input[name=householdIdentifier]', 'HH-UI-1');
  await page.fill('input[name=village]', 'Oodi');
  await page.fill('input[name=enumerationDate]', '2026-11-20');
  await page.click('#save');
  await page.waitForSelector('#records td:text-is("HH-UI-1")');

  step('edit a record in the form');
  await page.click('#records tr:has(td:text-is("HH-UI-1")) button.edit');
  await page.waitForSelector('#save:text-is("Save changes")');
  await page.fill('input[name=village]', 'Oodi West');
  await page.click('#save');
  await page.waitForSelector('#records td:text-is("Oodi West")');

  step('delete a record, after saying yes');
  await page.fill('input[name=householdIdentifier]', 'HH-UI-2');
  await page.fill('input[name=village]', 'Gone');
  await page.click('#save');
  await page.waitForSelector('#records td:text-is("HH-UI-2")');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('#records tr:has(td:text-is("HH-UI-2")) button.delete');
  await page.waitForSelector('#result:has-text("deleted")');
  await page.waitForSelector('#records td:text-is("HH-UI-2")', { state: 'detached' });

  step('a subject\'s household is picked from a list, by its identifier, under a human label');
  await page.goto(laptop + '/records/study.subject');
  await page.waitForSelector('label:has-text("Household") select[name=householdId] option:has-text("HH-UI-1")',
      { state: 'attached' }); // an option of a closed list is there, not visible
  await page.goto(laptop + '/records/study.household');

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

  step('logging out locks the laptop again');
  await page.goto(laptop + '/records/study.household');
  await page.click('#log-out');
  await page.waitForSelector('#log-in');
  await page.goto(laptop + '/records/study.household');
  await page.waitForSelector('#log-in');

  step('server admin page: a wrong password, then the admin logs in');
  await page.goto(server + '/admin');
  await page.fill('#username', adminName);
  await page.fill('#password', 'not the password at all');
  await page.click('#sign-in');
  await page.waitForSelector('#login-error:has-text("Wrong name or password")');
  await page.fill('#password', adminPassword);
  await page.click('#sign-in');
  await page.waitForSelector('#admin:not([hidden])');
  await page.waitForSelector('#me-role:text-is("admin")');
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

  step('a held-back transaction: its content, for the admin (the viewing is audited)');
  await page.waitForSelector('#incoming tr:has(td.status:text-is("DEFERRED")) button.content');
  await page.click('#incoming tr:has(td.status:text-is("DEFERRED")) button.content');
  await page.waitForSelector('#content:has-text("S-UI-HELD")');
  await page.click('#conflicts-show');
  await page.waitForSelector('#conflicts thead');

  step('records: the household and its history, entered by the assistant');
  await page.selectOption('#record-model', 'study.household');
  await page.click('#records-show');
  await page.waitForSelector('#records td:has-text("HH-UI-1")');
  await page.click('#records button');
  await page.waitForSelector('#history td.changed-by:text-is("ui-ra")');

  step('lab: a tube scanned that was never requisitioned');
  await page.fill('#tube', 'REQ-UI-NOWHERE');
  await page.click('#tube-in-hand');
  await page.waitForSelector('#lab-unexpected:has-text("REQ-UI-NOWHERE")');

  step('files: an export made now is listed');
  await page.click('#files-export');
  await page.waitForSelector('#files-exports tbody tr');

  step('the admin adds a monitor and logs out');
  await page.fill('#user-name', 'ui-monitor');
  await page.fill('#user-display', 'Mpho Monitor');
  await page.selectOption('#user-role', 'monitor');
  await page.fill('#user-password', 'short');
  await page.click('#user-add');
  await page.waitForSelector('#user-result:has-text("password")');
  await page.fill('#user-password', 'a monitor password');
  await page.click('#user-add');
  await page.waitForSelector('#users td:text-is("ui-monitor")');
  await page.click('#log-out');
  await page.waitForSelector('#login:not([hidden])');

  step('the monitor logs in and reads, without the buttons that change things');
  await page.fill('#username', 'ui-monitor');
  await page.fill('#password', 'a monitor password');
  await page.click('#sign-in');
  await page.waitForSelector('#me-role:text-is("monitor")');
  await page.waitForSelector('#incoming td.status:text-is("APPLIED")');
  for (const hidden of ['#people', '#assign-add', 'form[data-needs=devices]']) {
    if (await page.isVisible(hidden)) throw new Error(hidden + ' is shown to a monitor');
  }
  if (await page.locator('#devices button').count() > 0) throw new Error('a monitor sees Revoke');
  await page.fill('#assign-target', 'ui-laptop');
  await page.click('#assign-show');
  await page.waitForSelector('#assignments td:text-is("HH-UI-1")');
  if (await page.locator('#assignments button').count() > 0) throw new Error('a monitor sees Unassign');
  if (shots) await page.screenshot({ path: shots + '/server-monitor.png', fullPage: true });
  await page.click('#log-out');
  await page.waitForSelector('#login:not([hidden])');
  step('ok');
} finally {
  await browser.close();
}
