/**
 * The API reference over HTTP: the OpenAPI document and the docs page, without an API key, the page rendered
 * by headless Chromium from assets the API serves itself.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { OPENAPI_FILE } from '../../bin/openapi';
import { buildOpenApiDocument } from '../../functions/openapi/document';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, and quiet: this machine has no network, and Chromium must not try to reach one. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

type Operation = { summary: string };

describe('Local stack: the API reference', () => {
  let stack: LocalStack;
  let anonymous: ApiClient;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-reference-${Date.now()}`,
      fastWaitsMs: 5,
    });
    anonymous = new ApiClient(stack.apiUrl);
    // Playwright gives the browser a fresh, temporary profile of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the OpenAPI document without an API key, as generated and as committed', async () => {
    // Act
    const answer = await anonymous.request('GET', '/openapi.json');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual(buildOpenApiDocument());
    expect(answer.text).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });

  it('serves the page and its script without an API key, and answers 404 for any other asset', async () => {
    // Act
    const page = await anonymous.request('GET', '/docs');
    const script = await anonymous.request('GET', '/docs/assets/redoc.standalone.js');
    const missing = await anonymous.request('GET', '/docs/assets/other.js');

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.text.length).toBeGreaterThan(100_000);
    expect(script.text).not.toContain('cdn.redoc.ly');
    expect(missing.status).toBe(404);
  });

  it('renders every route and both webhooks in headless Chromium, loading nothing from elsewhere', async () => {
    // Prepare
    const openapi = buildOpenApiDocument();
    const summaries = [...Object.values(openapi.paths), ...Object.values(openapi.webhooks)].flatMap((item) =>
      Object.values(item as Record<string, Operation | unknown[]>)
        .filter((operation): operation is Operation => !Array.isArray(operation))
        .map((operation) => operation.summary),
    );
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    // Act
    await page.goto(`${stack.apiUrl}/docs`);
    await page.waitForFunction("document.body.innerText.includes('Read the credits ledger')", undefined, {
      timeout: 30_000,
    });
    const text = await page.locator('body').innerText();
    if (process.env.DOCS_SCREENSHOT)
      await page.screenshot({ path: process.env.DOCS_SCREENSHOT, fullPage: false });

    // Assess
    expect(await page.title()).toBe('Contact enrichment API reference');
    for (const summary of summaries) expect([summary, text.includes(summary)]).toEqual([summary, true]);
    expect(requested.filter((url) => !/^(blob|data):/.test(url) && !url.startsWith(stack.apiUrl))).toEqual(
      [],
    );
    expect(requested).toContain(`${stack.apiUrl}/openapi.json`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
