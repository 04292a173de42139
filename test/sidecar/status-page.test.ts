// GET /status in a real browser: Debian's chromium driven by playwright-core (never a browser download).
// The page must render without errors under its own CSP, show state by symbol and text, and update itself
// when a check flips. Screenshots of a failing and a passing state go to test/artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { kubeProbe, ROOT, type Running, startServe, tcpTarget, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test/artifacts');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('GET /status in chromium', {
  skip: !existsSync(CHROMIUM) && !process.env['CI'] && 'no /usr/bin/chromium',
}, () => {
  const files = tempDir('probekit-status-page-');
  let db: Awaited<ReturnType<typeof tcpTarget>>;
  let serve: Running;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await tcpTarget();
    await db.close(); // starts failing: the first screenshot shows a pod that is not ready
    const config = files.write(
      'probekit.yaml',
      `checks:
  - name: db
    tcpSocket: { port: ${db.port} }
    periodSeconds: 0.25
    failureThreshold: 2
  - name: app
    exec: { command: ["true"] }
    periodSeconds: 0.25
    probes: [readiness, liveness]
  - name: warmed-up
    exec: { command: [test, -f, ${files.dir}/warm] }
    periodSeconds: 0.25
    critical: false
`,
    );
    serve = await startServe(['--config', config]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Runs in the page (as a string: this file is compiled without the DOM's types).
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI));`,
    });
  });
  after(async () => {
    await browser?.close();
    await serve?.kill();
    await db?.close().catch(() => {});
    files.remove();
  });

  it('serves the page with a strict CSP and no external assets', async () => {
    const response = await kubeProbe(`${serve.url}/status`, { headers: { Accept: 'text/html' } });
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8$/);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.doesNotMatch(response.body, /<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?\/\//);
  });

  it('shows each probe kind and each check by symbol and text, under table headers', async () => {
    await page.goto(`${serve.url}/status`);
    await page.waitForSelector('#check-db[data-state="fail"]');
    assert.equal(await page.textContent('#summary'), '✗ Not ready: readiness fails');
    assert.deepEqual(
      await page.$$eval('section[aria-labelledby=probes-title] thead th', (cells) =>
        cells.map((c) => c.textContent),
      ),
      ['Probe', 'State', 'Not passing', 'Answer'],
    );
    assert.equal(await page.textContent('#probe-readiness .st'), '✗ fail');
    assert.equal(await page.textContent('#probe-readiness .reason'), 'db, warmed-up');
    assert.equal(await page.textContent('#probe-liveness .st'), '✓ pass');
    assert.equal(await page.textContent('#check-db .st'), '✗ fail');
    assert.match(
      (await page.textContent('#check-db .reason')) ?? '',
      /connect ECONNREFUSED 127\.0\.0\.1:\d+/,
    );
    assert.equal(await page.textContent('#check-app .st'), '✓ pass');
    assert.equal(await page.textContent('#check-warmed-up .st'), '⚠ warn');
    assert.equal(await page.getAttribute('#check-db time', 'datetime').then((v) => v !== null), true);
    const timeline = await page.getAttribute('#check-db .tl', 'aria-label');
    assert.match(timeline ?? '', /^last \d+ results: 0 passed, \d+ failed$/);
    const headers = await page.$$eval('section[aria-labelledby=checks-title] thead th[scope=col]', (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.deepEqual(headers.slice(0, 5), ['Check', 'State', 'Since', 'In a row', 'Last reason']);
    await page.screenshot({ path: join(ARTIFACTS, 'status-failing.png'), fullPage: true });
  });

  it('updates itself when a check flips, without a reload', async () => {
    await page.evaluate('window.marker = true');
    await db.open();
    files.write('warm', '');
    await page.waitForSelector('#check-db[data-state="pass"]', { timeout: 10_000 });
    await page.waitForSelector('#check-warmed-up[data-state="pass"]', { timeout: 10_000 });
    assert.equal(await page.textContent('#summary'), '✓ Ready: every probe passes');
    assert.equal(await page.textContent('#probe-readiness .st'), '✓ pass');
    assert.match(
      (await page.getAttribute('#check-db .tl', 'aria-label')) ?? '',
      /^last \d+ results: [1-9]\d* passed, [1-9]\d* failed$/,
    );
    assert.equal(await page.evaluate('window.marker'), true, 'the page was reloaded');
    assert.match(await page.title(), /^✓ ready/);
    await page.screenshot({ path: join(ARTIFACTS, 'status-passing.png'), fullPage: true });
  });

  it('stays readable without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${serve.url}/status`);
    assert.equal(await plain.textContent('#check-db .st'), '✓ pass');
    assert.equal(await plain.isHidden('#pause'), true);
    await context.close();
  });

  it('logged no console error and no CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
