// The site as a person uses it, in headless Chromium on a phone-sized screen: the subscribe page
// (measured with JavaScript on, used with it off), SNS's confirmation link, the page every alert links
// to, and the personal page that changes and stops the alerts. Screenshots: .local-cloud/screenshots/gas-*.png.

import { GetSubscriptionAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, PHONE, screenshotPath } from '../../../../test-support/browser';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { onTheSite, throughTheCloud } from '../steps/when';
import { db, TABLE } from '../support/prices';

const when = { ...throughTheCloud, ...onTheSite };

async function filterPolicyOf(email: string) {
  const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `SUBSCRIBER#${email}`, sk: 'SUBSCRIBER' } }));
  const sns = new SNSClient({});
  try {
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: String(Item?.subscriptionArn) }));
    return JSON.parse(Attributes?.FilterPolicy ?? '{}') as { $or: Array<Record<string, unknown>> };
  } finally {
    sns.destroy();
  }
}

/** Submits the form of the button, and waits for the page it answers with. */
async function press(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(() => true), page.getByRole('button', { name: button }).click()]);
}

describeInBrowser('the gas alerts site in a browser')('the gas alerts site in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    await given.noStoredWeeks();
    await given.theSampleWeeks();
    await when.theWeeklyFetchRuns('2017-03-27');
  });
  afterAll(() => browser?.close());

  it('fits a phone: no sideways scrolling, boxes and buttons a thumb can hit, readable text', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${when.siteUrl()}/`);
    expect(await page.title()).toBe('Gas price alerts for New York');
    // Evaluated in the page (strings: this file is compiled without the DOM's types).
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(PHONE.viewport.width);
    expect(Number.parseFloat(String(await page.evaluate('getComputedStyle(document.body).fontSize')))).toBeGreaterThanOrEqual(16);
    const row = await page.locator('label', { has: page.locator('input[value=albany]') }).boundingBox();
    const button = await page.getByRole('button', { name: 'Subscribe' }).boundingBox();
    expect(row?.height).toBeGreaterThanOrEqual(44);
    expect(button?.height).toBeGreaterThanOrEqual(44);
    await expect(page.locator('label', { has: page.locator('input[value=albany]') }).textContent()).resolves.toBe('Albany$2.31');
    await page.screenshot({ path: screenshotPath('gas-subscribe.png'), fullPage: true });
    await context.close();
  });

  it('subscribes, confirms, gets the personal link, changes the choice and stops, all without JavaScript', async () => {
    const email = given.anAddress('browser');
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${when.siteUrl()}/`);

    // A mistake first: no region chosen. The page comes back with the message and what was typed.
    await page.getByLabel('Your email').fill(email);
    await press(page, 'Subscribe');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('regions: choose at least one region');
    await expect(page.getByLabel('Your email').inputValue()).resolves.toBe(email);

    await page.locator('input[value=albany]').check();
    await page.locator('input[value=new_york_city]').check();
    await page.getByLabel('Only when the price is below ($, optional)').fill('3.10');
    await press(page, 'Subscribe');
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your inbox');
    await page.screenshot({ path: screenshotPath('gas-check-inbox.png'), fullPage: true });
    expect((await filterPolicyOf(email)).$or[0]).toEqual({ region: ['albany', 'new_york_city'], price: [{ numeric: ['<', 3.1] }] });

    await when.confirms(email);
    // Every alert links to /manage; the subscribe page links there too.
    await page.goto(`${when.siteUrl()}/`);
    await Promise.all([page.waitForURL(/\/manage$/), page.getByRole('link', { name: 'Change or stop your alerts' }).click()]);
    await page.getByLabel('Your email').fill(email);
    await press(page, 'Email me my link');
    await expect(page.getByRole('status').textContent()).resolves.toContain('its link is on its way');
    const [mail] = await then.messagesTo(email, 'Your gas price alerts: your link to change or stop them');
    await page.goto(then.linkIn(mail, 'http'));
    await expect(page.locator('p', { hasText: 'Alerts for' }).textContent()).resolves.toBe(
      `Alerts for ${email}: active. You follow Albany and New York City, any drop, when the price is below $3.10.`,
    );
    await expect(page.locator('input[value=albany]').isChecked()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('gas-personal-page.png'), fullPage: true });

    // Change: Buffalo instead of New York City, drops of 5 cents or more, no target price.
    await page.locator('input[value=new_york_city]').uncheck();
    await page.locator('input[value=buffalo]').check();
    await page.getByLabel('Only drops of at least ($, optional)').fill('0.05');
    await page.getByLabel('Only when the price is below ($, optional)').fill('');
    await press(page, 'Save my choice');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Your choice is saved.');
    expect((await filterPolicyOf(email)).$or[0]).toEqual({ region: ['albany', 'buffalo'], drop: [{ numeric: ['>=', 0.05] }] });

    await press(page, 'Stop all alerts');
    await expect(page.locator('p', { hasText: 'Alerts for' }).textContent()).resolves.toContain('stopped');
    await page.screenshot({ path: screenshotPath('gas-stopped.png'), fullPage: true });
    expect(await then.subscriptionsOf(email)).toEqual([]);
    await context.close();
  });
});
