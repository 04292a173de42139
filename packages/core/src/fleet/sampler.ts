// One round of asking: at most `sample` random peers, a few at a time, each once with a short timeout.
// A peer that does not answer, or answers anything but a /fleetz document, is silent and not counted.
import { lazy } from '../lazy.js';
import { VERSION } from '../version.js';
import { FLEETZ_PATH, type FleetzBody } from './fleetz.js';
import type { FleetState } from './local.js';

// Required, not imported: an ESM import of node:http loads undici, tls and http2 on Node 22+ (see checks/http.ts).
const http = lazy<typeof import('node:http')>('node:http');

/** What one round heard. */
export interface RoundAnswers {
  /** Distinct other members that answered (a peer answering with our own id is us, and left out). */
  readonly answers: readonly FleetzBody[];
  /** Peers asked that did not answer, or answered garbage. */
  readonly silent: number;
}

export interface AskOptions {
  /** Our own id: an answer carrying it is this member. */
  readonly member: string;
  readonly sample: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** In [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Asks one peer; resolves its body, or undefined when it is silent. @default fetchFleetz */
  readonly fetch?: (peer: string, timeoutMs: number) => Promise<FleetzBody | undefined>;
}

/** Asks a random sample of `peers` (`host:port`) for their /fleetz. */
export async function askPeers(peers: readonly string[], options: AskOptions): Promise<RoundAnswers> {
  const chosen = pick(peers, options.sample, options.random ?? Math.random);
  const fetch = options.fetch ?? fetchFleetz;
  const heard = new Map<string, FleetzBody>();
  let silent = 0;
  let next = 0;
  const worker = async () => {
    while (next < chosen.length) {
      const peer = chosen[next++] as string;
      const body = await fetch(peer, options.timeoutMs).catch(() => undefined);
      if (body === undefined) silent++;
      else if (body.member !== options.member) heard.set(body.member, body);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, chosen.length) }, worker));
  return { answers: [...heard.values()], silent };
}

/** `n` distinct items at random (a partial Fisher-Yates shuffle); all of them when there are no more. */
export function pick<T>(items: readonly T[], n: number, random: () => number): T[] {
  const copy = [...items];
  const count = Math.min(n, copy.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}

/** A /fleetz answer is small; anything longer is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/** GET http://<peer>/fleetz once, no keep-alive, no proxy; the parsed body, or undefined. */
export function fetchFleetz(peer: string, timeoutMs: number): Promise<FleetzBody | undefined> {
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    let url: URL;
    try {
      url = new URL(`http://${peer}${FLEETZ_PATH}`);
    } catch {
      return resolve(undefined);
    }
    const req = http().request(
      url,
      {
        agent: false,
        signal,
        headers: { accept: 'application/json', 'user-agent': `probekit/${VERSION}`, connection: 'close' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(undefined);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy();
            return resolve(undefined);
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(parseFleetz(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

const STATES = new Set<unknown>(['pass', 'fail', 'unknown']);

/** A /fleetz document, or undefined for anything else. */
export function parseFleetz(text: string): FleetzBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { member, version, checks } = value as Record<string, unknown>;
  if (typeof member !== 'string' || member === '' || typeof version !== 'string') return undefined;
  if (typeof checks !== 'object' || checks === null || Array.isArray(checks)) return undefined;
  const states: Record<string, FleetState> = {};
  for (const [name, state] of Object.entries(checks)) {
    if (!STATES.has(state)) return undefined;
    states[name] = state as FleetState;
  }
  return { member, version, checks: states };
}
