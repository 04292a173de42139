import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { manual } from '../src/checks/manual.js';
import { Engine } from '../src/engine.js';
import { statusPage } from '../src/status-page.js';
import { STATUS_PAGE_CSP } from '../src/status-page-assets.js';
import { renderStatusPage } from '../src/status-page-html.js';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the status page', () => {
  const engine = new Engine({
    checks: [
      { name: 'db', check: manual() },
      { name: 'boot', check: manual(), probes: ['startup'] },
    ],
  });
  engine.report('boot', true);
  engine.report('db', true);
  engine.report('db', { ok: false, output: 'HTTP probe failed: <script>alert(1)</script> & "quotes"' });
  const html = renderStatusPage(engine.snapshot());

  it('allows exactly its own inline style and script by hash, and nothing else', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    // The hashes are written out in status-page-assets.ts: an asset changed without them fails here.
    assert.ok(
      STATUS_PAGE_CSP.includes(`style-src ${sha256(style)}`),
      `the style's hash is now ${sha256(style)}`,
    );
    assert.ok(
      STATUS_PAGE_CSP.includes(`script-src ${sha256(script)}`),
      `the script's hash is now ${sha256(script)}`,
    );
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.equal(html.match(/<style/g)?.length, 1);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/, 'no inline style attributes or event handlers');
    assert.equal(statusPage(engine.snapshot()).headers['content-security-policy'], STATUS_PAGE_CSP);
  });

  it('escapes what checks report', () => {
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(
      html,
      /HTTP probe failed: &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quotes&quot;/,
    );
  });

  it('shows state by symbol and text, the failing checks of each kind, and the timeline oldest first', () => {
    assert.match(
      html,
      /<tr id="probe-readiness"><th scope="row">readiness<\/th><td><span class="st fail">✗ fail<\/span><\/td><td class="reason">db<\/td>/,
    );
    assert.match(
      html,
      /<tr id="probe-startup"><th scope="row">startup<\/th><td><span class="st pass">✓ pass<\/span><\/td><td class="reason"><\/td>/,
    );
    const timeline = /<tr id="check-db"[\s\S]*?<ol class="tl" aria-label="([^"]*)">([\s\S]*?)<\/ol>/.exec(
      html,
    );
    assert.equal(timeline?.[1], 'last 2 results: 1 passed, 1 failed');
    assert.deepEqual(
      [...(timeline?.[2] ?? '').matchAll(/<li class="(\w+)"/g)].map((m) => m[1]),
      ['success', 'failure'],
    );
    assert.match(html, /<title>✗ not ready · probekit status<\/title>/);
  });

  it('says so when there are no checks', () => {
    assert.match(renderStatusPage(new Engine().snapshot()), /No checks are defined: every probe passes\./);
  });
});
