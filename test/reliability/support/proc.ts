// What a process holds, read from /proc from the outside: nothing in production code exposes it for these tests.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** One process as /proc/<pid>/stat and cmdline describe it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** R, S, D, Z (zombie), … */
  readonly state: string;
  /** argv joined by spaces; empty for zombies and kernel threads. */
  readonly cmdline: string;
}

/** Open file descriptors of `pid` (`self` by default). */
export function fdCount(pid: number | 'self' = 'self'): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** What each open descriptor points at (`socket:[123]`, `pipe:[4]`, a path), for failure messages. */
export function fdTargets(pid: number | 'self' = 'self'): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return '(gone)'; // the descriptor readdir used to list the directory itself
    }
  });
}

/** Resident set size of `pid` in KiB (VmRSS). */
export function rssKib(pid: number | 'self' = 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** Every process visible in /proc, skipping those that exit while being read. */
export function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may itself contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({
        pid: Number(entry),
        state: fields[0] ?? '?',
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        cmdline,
      });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Processes whose command line contains `marker`, or whose parent is `parent` and which are zombies. */
export function leftovers(marker: string, parent = process.pid): ProcessInfo[] {
  return processes().filter((p) => p.cmdline.includes(marker) || (p.ppid === parent && p.state === 'Z'));
}

/** Polls `read` until `accept` holds or `timeoutMs` passes; returns the last value read. */
export async function settle<T>(read: () => T, accept: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let value = read();
  while (!accept(value) && performance.now() < deadline) {
    await sleep(25);
    value = read();
  }
  return value;
}

/** Counts of `process.getActiveResourcesInfo()` by type (`TCPSocketWrap`, `Timeout`, `ProcessWrap`, …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
