// The rule on names: a check's host that does not resolve, looked up as the check itself would (getaddrinfo).
import { lookup as dnsLookup } from 'node:dns/promises';
import { literalAddresses } from './addresses.js';
import type { Finding } from './findings.js';
import type { TargetCheck } from './listening.js';

/** Resolves a name or rejects; node's dns.lookup (getaddrinfo, /etc/hosts and the pod's resolv.conf) by default. */
export type Lookup = (host: string) => Promise<unknown>;

/** How long one name may take to resolve before it counts as not resolving. */
export const LOOKUP_TIMEOUT_MS = 5000;

const systemLookup: Lookup = (host) => dnsLookup(host, { all: true });

/** `unresolved-name` for each distinct host name in the checks that does not resolve; IP literals are skipped. */
export async function nameFindings(
  checks: readonly TargetCheck[],
  lookup: Lookup = systemLookup,
  timeoutMs = LOOKUP_TIMEOUT_MS,
): Promise<Finding[]> {
  const users = new Map<string, string[]>();
  for (const check of checks) {
    const host = check.endpoint?.host;
    if (host === undefined || literalAddresses(host)) continue;
    users.set(host, [...(users.get(host) ?? []), check.name]);
  }
  const failures = await Promise.all([...users.keys()].map((host) => resolveWithin(lookup, host, timeoutMs)));
  return [...users].flatMap(([host, names], index) => {
    const failure = failures[index];
    if (failure === undefined) return [];
    const who = names.map((name) => `check ${name}`).join(', ');
    return [{ id: 'unresolved-name' as const, message: `${host} (${who}) does not resolve: ${failure}` }];
  });
}

const WHY: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such name (ENOTFOUND)',
  EAI_AGAIN: 'the resolver did not answer in time (EAI_AGAIN)',
};

// The reason it failed, or undefined once it resolved. getaddrinfo cannot be cancelled: a slow one is left behind.
async function resolveWithin(lookup: Lookup, host: string, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    // Not unref()ed: the answer is awaited, and a lookup that holds no handle would otherwise end the process first.
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000}s`), timeoutMs);
  });
  const resolved = lookup(host).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => WHY[error.code ?? ''] ?? error.code ?? error.message,
  );
  try {
    return await Promise.race([resolved, late]);
  } finally {
    clearTimeout(timer);
  }
}
