// GET /fleetz: this member's id, version and the raw local state of its shared checks. No reasons, no
// targets: safe to expose without the details token.
import type { Answer } from '../answer.js';
import type { CheckSnapshot } from '../types.js';
import { VERSION } from '../version.js';
import { type FleetState, fleetState } from './local.js';

/** The path every member serves. */
export const FLEETZ_PATH = '/fleetz';

/** The `/fleetz` document. */
export interface FleetzBody {
  readonly member: string;
  readonly version: string;
  readonly checks: Readonly<Record<string, FleetState>>;
}

/** The body for `member` from the shared checks of a snapshot (the caller picks them). */
export function fleetzBody(member: string, shared: Iterable<CheckSnapshot>): FleetzBody {
  const checks: Record<string, FleetState> = {};
  for (const check of shared) checks[check.name] = fleetState(check);
  return { member, version: VERSION, checks };
}

const HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-type': 'application/json',
});

const METHOD_NOT_ALLOWED: Answer = Object.freeze({
  status: 405,
  headers: Object.freeze({ ...HEADERS, 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' }),
  body: 'method not allowed\n',
});

/** Whether a request URL (query string allowed) is `/fleetz`. */
export function isFleetzPath(url: string): boolean {
  return url === FLEETZ_PATH || (url.startsWith(FLEETZ_PATH) && url.charCodeAt(FLEETZ_PATH.length) === 63); // '?'
}

/** The `/fleetz` answer: 200 JSON for GET and HEAD, 405 otherwise. */
export function fleetzAnswer(body: FleetzBody, method: string | undefined): Answer {
  if (method !== undefined && method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED;
  return { status: 200, headers: HEADERS, body: JSON.stringify(body) };
}
