// The activation link as a person opens it: the emailed link in headless Chromium on a phone-sized
// screen, first with JavaScript on (to measure the page), then off (to show it needs none), and the
// button pressed. Screenshots: .local-cloud/screenshots/activation-*.png.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchBrowser, PHONE, screenshotPath } from '../../../../test-support/browser';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { throughTheApi as when } from '../steps/when';

describeInBrowser('the activation page in a browser')('the activation page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it('opens from the email on a phone, activates with the button, and needs no JavaScript', async () => {
    const user = given.aNewUser('Grace Hopper');
    expect((await when.registers(user)).status).toBe(201);
    const link = then.linkIn((await then.emailsArrive(user.email))[0]);

    // Measured with scripts on: no sideways scrolling, a button a thumb can hit.
    const measuring = await browser.newContext(PHONE);
    const look = await measuring.newPage();
    await look.goto(link.toString());
    expect(await look.title()).toBe('Activate your account');
    // Evaluated in the page (a string, as this file is compiled without the DOM's types).
    const pageWidth = Number(await look.evaluate('document.documentElement.scrollWidth'));
    const fontSize = String(await look.evaluate('getComputedStyle(document.body).fontSize'));
    const button = await look.getByRole('button', { name: 'Activate my account' }).boundingBox();
    const layout = { pageWidth, buttonHeight: button?.height, buttonWidth: button?.width, fontSize };
    expect(layout.pageWidth).toBeLessThanOrEqual(PHONE.viewport.width);
    expect(layout.buttonHeight).toBeGreaterThanOrEqual(44);
    expect(layout.buttonWidth).toBeGreaterThan(PHONE.viewport.width / 2);
    expect(Number.parseFloat(layout.fontSize)).toBeGreaterThanOrEqual(16);
    await look.screenshot({ path: screenshotPath('activation-page.png'), fullPage: true });
    await measuring.close();
    // Opening the page (as a mail scanner would) changed nothing.
    expect((await then.theUser(user.username))?.status).toBe('MAIL_SENT');

    // Pressed with scripts off: the form alone activates.
    const person = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await person.newPage();
    await page.goto(link.toString());
    await expect(page.locator('h1').textContent()).resolves.toBe(`Activate ${user.username}`);
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/activate') && !url.search),
      page.getByRole('button', { name: 'Activate my account' }).click(),
    ]);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Welcome, ${user.username}`);
    await expect(page.locator('p').textContent()).resolves.toBe('Your account is active.');
    await page.screenshot({ path: screenshotPath('activation-done.png'), fullPage: true });
    expect((await then.theUser(user.username))?.status).toBe('DONE');

    // The same link again: the page says it is spent.
    await page.goto(link.toString());
    await Promise.all([page.waitForLoadState(), page.getByRole('button').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('This activation link is not valid');
    await person.close();
  });
});
