// Fleet options: defaults declared once, each field validated next to its meaning, then frozen.
import { isIP } from 'node:net';
import { optionsObject } from '../checks/common.js';
import { InvalidFleetError } from '../errors.js';

/** Where the peers come from: a fixed list, or the A and AAAA records of a name (a headless Service). */
export type PeerSpec =
  | {
      /** `host:port` of every member (this one may be among them: it recognises itself by its id). */
      readonly static: readonly string[];
    }
  | {
      /** A name whose A and AAAA records are the members, e.g. `probekit-peers.shop.svc.cluster.local`. */
      readonly dns: string;
      /** The port peers serve `/fleetz` on. @default the sidecar's `server.port` (the SDK has no default) */
      readonly port?: number;
      /**
       * The DNS server to ask, `host` or `host:port` (`10.96.0.10`, `[::1]:5353`), through node's
       * `dns.Resolver`. Search domains are not applied: give the fully qualified name.
       * @default the system's servers (/etc/resolv.conf)
       */
      readonly resolver?: string;
    };

/** `fleet:` as the caller writes it. */
export interface FleetOptions {
  /**
   * This member's id, as its `/fleetz` says; a peer answering with it is this member.
   * @default $POD_NAME, else $HOSTNAME, else `<host name>:<port>` (see `defaultMemberId`)
   */
  readonly member?: string;
  readonly peers: PeerSpec;
  /**
   * Seconds between two rounds of asking the peers.
   * @default 5
   */
  readonly refreshSeconds?: number;
  /**
   * At most this many peers asked per round, chosen at random: the cost per member is O(sample), not O(fleet).
   * @default 16
   */
  readonly sample?: number;
  /**
   * A shared check failing on at least this share (in %) of the answering members, self included, is an outage.
   * @default 50
   */
  readonly outagePercent?: number;
  /**
   * Fewer answering members than this (self included): plain semantics.
   * @default 2
   */
  readonly minMembers?: number;
}

/** The fleet defaults, with their units. */
export const FLEET_DEFAULTS = Object.freeze({
  refreshSeconds: 5, // seconds between rounds
  sample: 16, // peers asked per round, at most
  outagePercent: 50, // % of answering members failing that makes an outage
  minMembers: 2, // answering members (self included) below which semantics are plain
});

/** Peers asked at once within a round. */
export const FLEET_CONCURRENCY = 8;

/** The longest a peer (or the DNS server) may take to answer: 1 s, or half a round when rounds are shorter. */
export function fleetTimeoutMs(refreshSeconds: number): number {
  return Math.min(1000, (refreshSeconds * 1000) / 2);
}

export type ResolvedPeers =
  | { readonly kind: 'static'; readonly addresses: readonly string[] }
  | {
      readonly kind: 'dns';
      readonly name: string;
      readonly port: number;
      readonly resolver: string | undefined;
    };

/** A validated, complete, frozen fleet. */
export interface ResolvedFleet {
  readonly member: string;
  readonly peers: ResolvedPeers;
  readonly refreshSeconds: number;
  readonly sample: number;
  readonly outagePercent: number;
  readonly minMembers: number;
  /** Per request to a peer or the DNS server. */
  readonly timeoutMs: number;
}

/** What the host (sidecar, SDK) knows that the options may leave out. */
export interface FleetHost {
  /** The member id when `member` is not given (the host computes it with `defaultMemberId`). */
  readonly member: string;
  /** The port of DNS peers when `peers.port` is not given (the sidecar's own port). */
  readonly port?: number;
}

const KEYS = ['member', 'peers', 'refreshSeconds', 'sample', 'outagePercent', 'minMembers'];

/** Validates and resolves `fleet:`; `path` prefixes field names in errors. */
export function resolveFleet(options: FleetOptions, host: FleetHost, path = 'fleet'): ResolvedFleet {
  const o = optionsObject(path, options, KEYS, fleetError);
  const at = (field: string) => `${path}.${field}`;
  const refreshSeconds = number(o['refreshSeconds'], FLEET_DEFAULTS.refreshSeconds, at('refreshSeconds'), {
    min: 0.1,
    max: 3600,
    what: 'a number of seconds',
  });
  return Object.freeze({
    member: memberId(o['member'] ?? host.member, at('member')),
    peers: resolvePeers(o['peers'], host.port, at('peers')),
    refreshSeconds,
    sample: integer(o['sample'], FLEET_DEFAULTS.sample, at('sample'), 1, 1000),
    outagePercent: number(o['outagePercent'], FLEET_DEFAULTS.outagePercent, at('outagePercent'), {
      min: 1,
      max: 100,
      what: 'a percentage',
    }),
    minMembers: integer(o['minMembers'], FLEET_DEFAULTS.minMembers, at('minMembers'), 1, 1_000_000),
    timeoutMs: fleetTimeoutMs(refreshSeconds),
  });
}

function fleetError(path: string, expectation: string, value: unknown): Error {
  return new InvalidFleetError(path, expectation, value);
}

/** Printable, no spaces, at most 253 characters: a pod name, a host name, `host:port`. */
const MEMBER = /^[\x21-\x7e]{1,253}$/;

function memberId(value: unknown, path: string): string {
  if (typeof value !== 'string' || !MEMBER.test(value)) {
    throw new InvalidFleetError(path, 'must be 1-253 printable characters without spaces', value);
  }
  return value;
}

function resolvePeers(value: unknown, hostPort: number | undefined, path: string): ResolvedPeers {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidFleetError(path, 'must be { static: [...] } or { dns: name }', value);
  }
  if ('static' in value) {
    const o = optionsObject(path, value, ['static'], fleetError);
    const list = o['static'];
    if (!Array.isArray(list)) throw new InvalidFleetError(`${path}.static`, 'must be an array', list);
    const addresses = list.map((entry, index) => address(entry, `${path}.static[${index}]`));
    return Object.freeze({ kind: 'static', addresses: Object.freeze([...new Set(addresses)]) });
  }
  const o = optionsObject(path, value, ['dns', 'port', 'resolver'], fleetError);
  const name = o['dns'];
  if (typeof name !== 'string' || !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})$/.test(name)) {
    throw new InvalidFleetError(`${path}.dns`, 'must be a DNS name', name);
  }
  const port = o['port'] ?? hostPort;
  if (port === undefined) throw new InvalidFleetError(`${path}.port`, 'is required with dns', port);
  return Object.freeze({
    kind: 'dns',
    name: name.replace(/\.$/, ''),
    port: portNumber(port, `${path}.port`),
    resolver: o['resolver'] === undefined ? undefined : resolver(o['resolver'], `${path}.resolver`),
  });
}

/** `host:port` with a numeric port; IPv6 in brackets. Returned as written. */
function address(value: unknown, path: string): string {
  const expectation = 'must be host:port (IPv6 in brackets: [::1]:8099)';
  const match =
    typeof value === 'string' ? /^(\[[0-9a-fA-F:.]+\]|[^\s:/@?#[\]]+):(\d{1,5})$/.exec(value) : null;
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535 || !URL.canParse(`http://${match[1]}`)) {
    throw new InvalidFleetError(path, expectation, value);
  }
  return value as string;
}

/** `host` or `host:port` as dns.Resolver#setServers takes it: an IP address, not a name. */
function resolver(value: unknown, path: string): string {
  const expectation = 'must be an IP address with an optional port (10.96.0.10, 127.0.0.1:5353, [::1]:53)';
  if (typeof value !== 'string') throw new InvalidFleetError(path, expectation, value);
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(value) ?? [];
  const ip = match[1] ?? match[2] ?? (isIP(value) === 6 ? value : undefined);
  if (ip === undefined || isIP(ip) === 0) throw new InvalidFleetError(path, expectation, value);
  if (match[3] !== undefined) portNumber(Number(match[3]), path);
  return value;
}

function portNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InvalidFleetError(path, 'must be an integer 1-65535', value);
  }
  return value;
}

function integer(value: unknown, fallback: number, path: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidFleetError(path, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

function number(
  value: unknown,
  fallback: number,
  path: string,
  range: { min: number; max: number; what: string },
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw new InvalidFleetError(path, `must be ${range.what} from ${range.min} to ${range.max}`, value);
  }
  return value;
}
