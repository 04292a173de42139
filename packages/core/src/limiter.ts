// The global cap on concurrent runs: a counting semaphore, first come first served.

/** At most `max` holders at once; others wait their turn in order. */
export class Limiter {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#free = max;
  }

  /** Takes a slot if one is free. Synchronous, so that a run below the cap costs no extra promise. */
  tryAcquire(): boolean {
    if (this.#free === 0) return false;
    this.#free--;
    return true;
  }

  /** Resolves once a slot is taken. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a slot back, to the longest waiter if any. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
