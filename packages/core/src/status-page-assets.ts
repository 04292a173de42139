// The status page's static assets: its stylesheet and its self-refresh script, inlined in every page, and the
// Content-Security-Policy that allows exactly these bytes, by their hashes, and nothing else.

/** How often an open page fetches itself again, in ms. */
export const STATUS_PAGE_REFRESH_MS = 2000;

/** The page's stylesheet, inlined in its `<style>`. */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--pass:#116329;--warn:#7d4e00;--fail:#a40e26;--pass-bg:#dafbe1;--warn-bg:#fff8c5;--fail-bg:#ffebe9}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--pass:#56d364;--warn:#e3b341;--fail:#ff7b72;--pass-bg:#12261e;--warn-bg:#272115;--fail-bg:#2d1517}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:80rem;padding:1rem 1.5rem 2rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.4rem;margin:.2rem 0}
h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.summary{font-size:1.15rem;font-weight:600;margin:.3rem 0}
.summary.pass{color:var(--pass)}
.summary.warn{color:var(--warn)}
.summary.fail{color:var(--fail)}
.meta,.sub{color:var(--muted);font-size:.85rem}
.meta{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}
button{font:inherit;font-size:.85rem;padding:.1rem .6rem}
.offline{color:var(--fail);font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid var(--line)}
thead th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tbody th{font-weight:600;white-space:nowrap}
.st{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-weight:600;white-space:nowrap}
.st.pass{color:var(--pass);background:var(--pass-bg)}
.st.warn{color:var(--warn);background:var(--warn-bg)}
.st.fail{color:var(--fail);background:var(--fail-bg)}
.reason{overflow-wrap:anywhere;max-width:28rem}
time{white-space:nowrap}
.tl{display:flex;align-items:flex-end;gap:2px;height:1.2rem;margin:.15rem 0 0;padding:0;list-style:none}
.tl li{flex:0 0 5px;font-size:0;border-radius:1px}
.tl .success{height:45%;background:var(--pass)}
.tl .failure{height:100%;background:var(--fail)}
.tl .timeout{height:100%;background:repeating-linear-gradient(180deg,var(--fail) 0 3px,transparent 3px 5px);outline:1px solid var(--fail);outline-offset:-1px}
.legend{color:var(--muted);font-size:.75rem;margin-top:.2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dt{color:var(--muted)}
dd{margin:0}
a{color:inherit}
`;

// ATTENTION: the CSP allows this script by its hash; any change to it changes the hash, computed below.
/** The page's self-refresh script, inlined in its `<script>`: re-renders the page from a fresh copy of it. */
export const PAGE_SCRIPT = `
(() => {
  const every = ${STATUS_PAGE_REFRESH_MS};
  const button = document.getElementById('pause');
  const note = document.getElementById('live');
  let paused = false;
  let timer;
  button.hidden = false;
  note.textContent = 'Updates every ' + every / 1000 + ' s.';
  button.addEventListener('click', () => {
    paused = !paused;
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? 'Resume updates' : 'Pause updates';
    note.textContent = paused ? 'Updates paused.' : 'Updates every ' + every / 1000 + ' s.';
    clearTimeout(timer);
    if (!paused) tick();
  });
  const swap = (next, id) => {
    const old = document.getElementById(id);
    const fresh = next.getElementById(id);
    if (old && fresh) old.replaceWith(document.importNode(fresh, true));
  };
  async function tick() {
    try {
      const response = await fetch(location.href, { cache: 'no-store', headers: { accept: 'text/html' } });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      const summary = document.getElementById('summary');
      const text = next.getElementById('summary')?.textContent ?? '';
      // A live region announces what changed, so it changes only when the summary does.
      if (summary.textContent !== text) summary.textContent = text;
      swap(next, 'main');
      swap(next, 'updated');
      document.title = next.title;
      const icon = next.querySelector('link[rel=icon]');
      if (icon) document.querySelector('link[rel=icon]').href = icon.href;
      note.classList.remove('offline');
      if (!paused) note.textContent = 'Updates every ' + every / 1000 + ' s.';
    } catch (error) {
      note.classList.add('offline');
      note.textContent = 'Cannot reach the server (' + error.message + '); showing the last answer, retrying.';
    }
    if (!paused) timer = setTimeout(tick, every);
  }
  timer = setTimeout(tick, every);
})();
`;

// The SHA-256 of PAGE_STYLE and PAGE_SCRIPT, written out rather than computed: computing them when core loads
// loaded node:crypto (≈ 17 ms and 3 MB) into every app that imports the SDK. test/status-page.test.ts hashes
// the page's bytes and fails with the new value when either asset changes.
const STYLE_HASH = "'sha256-AEtUc5dAOTclWWoWQpEdz1tT5kP5dhaE95osJHqSR9s='";
const SCRIPT_HASH = "'sha256-XihJbtoDMgWkys0Fw+NL1tJBM8Aqjqd9gHZ8xCVctKs='";

/** The page's Content-Security-Policy: nothing but its own inline style and script (by hash), and fetches of itself. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  `script-src ${SCRIPT_HASH}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
