// Who listens on which address and port, read from /proc/net/tcp and /proc/net/tcp6 (Linux), as `ss -ltn` would show.
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';

/** A listening TCP socket. `address` is canonical: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, `::ffff:127.0.0.1`. */
export interface Listener {
  readonly address: string;
  readonly port: number;
}

/** The files read, in order; the second is absent on a kernel without IPv6. */
export const PROC_NET_FILES = ['/proc/net/tcp', '/proc/net/tcp6'] as const;

/** The `st` column of a socket in LISTEN state (include/net/tcp_states.h: TCP_LISTEN = 10). */
const LISTEN = '0A';

/**
 * The listening sockets in the text of /proc/net/tcp or tcp6, each address:port once.
 * The kernel prints each 32-bit word of an address as the CPU stores it (`%08X` of a network-order
 * word), so on a little-endian CPU 127.0.0.1 reads `0100007F`; the port is printed as a plain number.
 */
export function parseProcNetTcp(text: string, order: 'LE' | 'BE' = endianness()): Listener[] {
  const seen = new Map<string, Listener>();
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] !== LISTEN || local === undefined) continue;
    const [hex, portHex] = local.split(':');
    const address = hex === undefined ? undefined : decodeAddress(hex, order);
    const port = Number.parseInt(portHex ?? '', 16);
    if (address === undefined || !Number.isInteger(port)) continue;
    seen.set(`${address} ${port}`, { address, port });
  }
  return [...seen.values()];
}

/** Decodes one hex address of either file; `undefined` for anything but 8 or 32 hex digits. */
export function decodeAddress(hex: string, order: 'LE' | 'BE' = endianness()): string | undefined {
  if (!/^(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes = [0, 2, 4, 6].map((at) => Number.parseInt(hex.slice(word + at, word + at + 2), 16));
    bytes.push(...(order === 'LE' ? wordBytes.reverse() : wordBytes));
  }
  if (bytes.length === 4) return bytes.join('.');
  // ::ffff:a.b.c.d is how an IPv6 socket shows an IPv4 peer or binding: keep the dotted form people know.
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: string[] = [];
  for (let at = 0; at < 16; at += 2)
    groups.push((((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)).toString(16));
  // The WHATWG URL parser writes an IPv6 host in RFC 5952 form (zeros compressed, lower case).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Every listener of both files; `unreadable` names a file that could not be read and why (not Linux, no IPv6). */
export async function readListeners(
  files: readonly string[] = PROC_NET_FILES,
): Promise<{ listeners: Listener[]; unreadable: string[] }> {
  const listeners: Listener[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    try {
      listeners.push(...parseProcNetTcp(await readFile(file, 'utf8')));
    } catch (error) {
      unreadable.push(`${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return { listeners, unreadable };
}
