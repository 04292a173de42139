// GET /status: one self-contained HTML page rendered from a snapshot — each probe kind, each check with its
// state, since, last reason and a timeline of its recent results. No external assets; a strict CSP allows only
// the page's own style and script, by hash (status-page-assets.ts). Readable without JavaScript; with it, it
// re-renders itself from a fresh copy of the same page every few seconds. The HTML: status-page-html.ts.
// A cycle with answer.js, which serves this page: each uses the other only inside functions.
import { ANSWER_HEADERS, type Answer } from './answer.js';
import { STATUS_PAGE_CSP } from './status-page-assets.js';
import { renderStatusPage } from './status-page-html.js';
import type { Snapshot } from './types.js';

/** Where every host serves the page (under the same rule as details). */
export const STATUS_PATH = '/status';

/** The page as an answer, with its CSP; answer() serves it at STATUS_PATH to whoever may see details. */
export function statusPage(snapshot: Snapshot): Answer {
  return {
    status: 200,
    headers: {
      ...ANSWER_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': STATUS_PAGE_CSP,
      'referrer-policy': 'no-referrer',
    },
    body: renderStatusPage(snapshot),
  };
}
