// The fleet of one member: asks a sample of its peers every refreshSeconds, keeps the outage state of each
// shared check, and says where the fleet stands. Owns its timer; reads the local state, never changes it.
import { EventEmitter } from 'node:events';
import type { CheckSnapshot } from '../types.js';
import {
  type FleetCheckView,
  type FleetStanding,
  NO_OUTAGE,
  nextOutage,
  type OutageState,
  showsOutage,
  type Tally,
  tally,
  withSelf,
} from './decision.js';
import { type PeerSource, peerSource } from './discovery.js';
import { type FleetzBody, fleetzBody } from './fleetz.js';
import { locallyFailing } from './local.js';
import { FLEET_CONCURRENCY, type ResolvedFleet } from './options.js';
import { askPeers, fetchFleetz } from './sampler.js';

/** What the latest round found. */
export interface FleetView {
  /** Rounds completed so far. */
  readonly rounds: number;
  /** Epoch milliseconds when the latest round ended. */
  readonly at: number | undefined;
  /** Members that answered, this one included. */
  readonly answering: number;
  /** Peers asked that did not answer (or answered garbage). */
  readonly silent: number;
  readonly checks: ReadonlyMap<string, FleetCheckView>;
}

/** An outage of one shared check began or ended, as seen by this member. */
export interface OutageChange {
  readonly check: string;
  readonly outage: boolean;
  /** Members failing and answering in the round that decided it, this one included when failing. */
  readonly failing: number;
  readonly answering: number;
}

/** What a snapshot (and the status page) shows of the fleet: this member, its rule, the latest round. */
export interface FleetSummary {
  readonly member: string;
  readonly peers: string;
  readonly refreshSeconds: number;
  readonly sample: number;
  readonly outagePercent: number;
  readonly minMembers: number;
  readonly view: FleetView;
}

export interface FleetEvents {
  round: [FleetView];
  outage: [OutageChange];
}

export interface FleetDeps {
  /** In [0, 1): the sample and the first round's jitter. @default Math.random */
  readonly random?: () => number;
  /** Asks one peer. @default GET http://<peer>/fleetz */
  readonly fetch?: (peer: string, timeoutMs: number) => Promise<FleetzBody | undefined>;
  /** @default from `options.peers` */
  readonly source?: PeerSource;
}

const EMPTY_VIEW: FleetView = Object.freeze({
  rounds: 0,
  at: undefined,
  answering: 1,
  silent: 0,
  checks: new Map(),
});

/** One member's view of the fleet. `shared` gives this member's shared checks as they are now. */
export class Fleet extends EventEmitter<FleetEvents> {
  readonly options: ResolvedFleet;
  readonly #shared: () => readonly CheckSnapshot[];
  readonly #random: () => number;
  readonly #fetch: NonNullable<FleetDeps['fetch']>;
  readonly #source: PeerSource;
  #outages = new Map<string, OutageState>();
  #view: FleetView = EMPTY_VIEW;
  #timer: NodeJS.Timeout | undefined;
  #nextAt = 0;
  #running: Promise<void> | undefined;
  #epoch = 0;
  #summary: FleetSummary | undefined;

  constructor(options: ResolvedFleet, shared: () => readonly CheckSnapshot[], deps: FleetDeps = {}) {
    super();
    this.options = options;
    this.#shared = shared;
    this.#random = deps.random ?? Math.random;
    this.#fetch = deps.fetch ?? fetchFleetz;
    this.#source = deps.source ?? peerSource(options.peers, options.timeoutMs);
  }

  /** The latest round's findings. */
  get view(): FleetView {
    return this.#view;
  }

  /** Where the fleet stands for one shared check, for its answer. */
  standing(check: string): FleetStanding {
    if (this.#view.rounds === 0) return { kind: 'waiting' };
    return { kind: 'round', rule: this.options, check: this.#view.checks.get(check) };
  }

  /** This member, its rule and the latest round, for a snapshot; a new object after each round. */
  summary(): FleetSummary {
    if (this.#summary?.view !== this.#view) {
      const { member, peers, refreshSeconds, sample, outagePercent, minMembers } = this.options;
      const where =
        peers.kind === 'static' ? `${peers.addresses.length} listed` : `DNS ${peers.name}:${peers.port}`;
      this.#summary = Object.freeze({
        member,
        peers: where,
        refreshSeconds,
        sample,
        outagePercent,
        minMembers,
        view: this.#view,
      });
    }
    return this.#summary;
  }

  /** This member's `/fleetz` document. */
  fleetz(): FleetzBody {
    return fleetzBody(this.options.member, this.#shared());
  }

  /** Starts the rounds: the first after a jitter of at most a second, then every refreshSeconds. Idempotent. */
  start(): void {
    if (this.#timer !== undefined) return;
    const periodMs = this.options.refreshSeconds * 1000;
    this.#nextAt = performance.now() + this.#random() * Math.min(periodMs, 1000);
    this.#arm();
  }

  /** Stops the rounds; a round in flight is let finish but changes nothing. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#epoch++;
  }

  /** Runs one round now (rounds never overlap: a second call joins the one in flight). */
  refresh(): Promise<void> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #arm(): void {
    this.#timer = setTimeout(
      () => {
        // Fixed rate; a round still running when the next is due makes that one skip, not queue.
        const periodMs = this.options.refreshSeconds * 1000;
        const now = performance.now();
        do this.#nextAt += periodMs;
        while (this.#nextAt <= now);
        this.#arm();
        void this.refresh();
      },
      Math.max(0, this.#nextAt - performance.now()),
    ).unref();
  }

  async #round(): Promise<void> {
    const epoch = this.#epoch;
    const failingAtStart = new Set(
      this.#shared()
        .filter(locallyFailing)
        .map((check) => check.name),
    );
    const peers = await this.#source.peers().catch(() => [] as readonly string[]);
    const heard = await askPeers(peers, {
      member: this.options.member,
      sample: this.options.sample,
      concurrency: FLEET_CONCURRENCY,
      timeoutMs: this.options.timeoutMs,
      random: this.#random,
      fetch: this.#fetch,
    });
    if (epoch !== this.#epoch) return;
    const checks = new Map<string, FleetCheckView>();
    const outages = new Map<string, OutageState>();
    const changes: OutageChange[] = [];
    for (const check of this.#shared()) {
      const failing = locallyFailing(check);
      const peersTally = tally(check.name, heard.answers);
      const before = this.#outages.get(check.name) ?? NO_OUTAGE;
      const after = nextOutage(before, showsOutage(peersTally, failing, this.options));
      outages.set(check.name, after);
      checks.set(
        check.name,
        Object.freeze({
          peers: peersTally,
          outage: after.outage,
          askedWhileFailing: failingAtStart.has(check.name),
        }),
      );
      if (after.outage !== before.outage)
        changes.push({ check: check.name, outage: after.outage, ...counts(peersTally, failing) });
    }
    this.#outages = outages;
    this.#view = Object.freeze({
      rounds: this.#view.rounds + 1,
      at: Date.now(),
      answering: heard.answers.length + 1,
      silent: heard.silent,
      checks,
    });
    this.emit('round', this.#view);
    for (const change of changes) this.emit('outage', change);
  }
}

function counts(peers: Tally, selfFailing: boolean): Tally {
  return selfFailing ? withSelf(peers) : { failing: peers.failing, answering: peers.answering + 1 };
}
