import type { TabMessage } from './protocol';
import type { SharedTimers, TabLockManager } from './ports';

/**
 * Timing of the fallback election (BroadcastChannel only, no Web Locks).
 *
 * @example
 * ```ts
 * createSharedSocketFactory(inner, { scope, timing: { probeIntervalMs: 5000, answerTimeoutMs: 5000 } });
 * ```
 */
export interface ElectionTiming {
  /** How often a follower checks on its leader, and the leader calls the roll. Default 2000 ms. */
  probeIntervalMs: number;
  /** A probe not answered within this long means the leader is gone. Default 2500 ms. */
  answerTimeoutMs: number;
  /** How long a claim waits for a better claim or a leader before it wins. Default 300 ms. */
  claimWindowMs: number;
}

export const defaultElectionTiming: ElectionTiming = {
  probeIntervalMs: 2000,
  answerTimeoutMs: 2500,
  claimWindowMs: 300,
};

/** Roll calls a member may miss before the leader counts it gone. */
const MISSED_ROLL_CALLS = 2;

/** What an election tells its membership. */
export interface ElectionEvents {
  /** The member may post (with Web Locks: once its own life lock is held, so a leader can watch it). */
  ready(): void;
  /** This member leads now. */
  elected(epoch: number): void;
  /** This member led and no longer does (fallback only: another leader won a split). */
  deposed(): void;
  /** Another member leads now (`null`: none is known, an election is on). */
  leaderChanged(leader: string | null): void;
  /** A member the leader served is gone (closed, crashed, or left). */
  memberGone(member: string): void;
  post(message: TabMessage): void;
}

/**
 * Who leads one scope, seen from one member. With Web Locks the lock does
 * the electing; without, claims and probes on the channel do. Either way
 * the election hears every channel message first (a message from the leader
 * proves it alive).
 */
export interface Election {
  start(): void;
  receive(message: TabMessage): void;
  /** The leader serves `member`: report it when it goes away. */
  watch(member: string): void;
  readonly leader: string | null;
  readonly isLeader: boolean;
  /** Leaves: resigns when leading, releases every lock, clears every timer. */
  stop(): void;
}

interface ElectionSetup {
  self: string;
  /** Base of the lock names, unique per scope. */
  lockName: string;
  events: ElectionEvents;
}

/**
 * The shared part of both elections: who leads, announcements, hello and
 * resign. Subclasses decide how leadership is won and how absence is noticed.
 */
abstract class BaseElection implements Election {
  leader: string | null = null;
  protected epoch = 0;
  protected stopped = false;
  protected readonly self: string;
  protected readonly events: ElectionEvents;
  protected readonly lockBase: string;

  constructor(setup: ElectionSetup) {
    this.self = setup.self;
    this.events = setup.events;
    this.lockBase = setup.lockName;
  }

  get isLeader(): boolean {
    return this.leader === this.self;
  }

  abstract start(): void;
  abstract watch(member: string): void;
  protected abstract heard(message: TabMessage): void;
  protected abstract release(): void;

  receive(message: TabMessage): void {
    if (this.stopped || message.from === this.self) return;
    this.heard(message);
    switch (message.t) {
      case 'hello':
        if (this.isLeader) this.announce();
        break;
      case 'leader':
        this.leaderAnnounced(message.from, message.epoch);
        break;
      case 'resign':
        if (this.leader === message.from) this.leaderLost();
        break;
      case 'bye':
        if (this.isLeader) this.events.memberGone(message.from);
        break;
      default:
        break;
    }
  }

  stop(): void {
    if (this.stopped) return;
    const leading = this.isLeader;
    this.stopped = true;
    if (leading) this.events.post({ t: 'resign', from: this.self, epoch: this.epoch });
    else this.events.post({ t: 'bye', from: this.self });
    this.leader = null;
    this.release();
  }

  protected announce(): void {
    this.events.post({ t: 'leader', from: this.self, epoch: this.epoch });
  }

  protected becomeLeader(): void {
    if (this.stopped || this.isLeader) return;
    this.epoch += 1;
    this.leader = this.self;
    this.announce();
    this.events.elected(this.epoch);
  }

  /** Another member says it leads. Two leaders (a split of the fallback): the higher epoch, then the lower id, wins. */
  protected leaderAnnounced(from: string, epoch: number): void {
    if (this.isLeader) {
      const otherWins = epoch > this.epoch || (epoch === this.epoch && from < this.self);
      if (!otherWins) {
        this.announce();
        return;
      }
      this.leader = null;
      this.events.deposed();
    }
    this.epoch = Math.max(this.epoch, epoch);
    if (this.leader === from) return;
    this.leader = from;
    this.events.leaderChanged(from);
  }

  protected leaderLost(): void {
    if (this.leader === null || this.isLeader) return;
    this.leader = null;
    this.events.leaderChanged(null);
  }
}

/**
 * The Web Locks election: the leader is whoever holds the scope's lock, for
 * as long as its tab lives; the browser hands it to the next in line when
 * that tab closes or crashes. Each member also holds a life lock of its
 * own, which the leader queues for: being granted it means the member is
 * gone. No timers at all, so background-tab timer throttling cannot break it.
 */
export class LockElection extends BaseElection {
  private readonly abort = new AbortController();
  private releaseLocks: () => void = () => undefined;
  private readonly held: Promise<void>;
  private readonly watched = new Set<string>();

  constructor(
    setup: ElectionSetup,
    private readonly locks: TabLockManager,
  ) {
    super(setup);
    this.held = new Promise<void>((resolve) => {
      this.releaseLocks = resolve;
    });
  }

  private lockName(suffix: string): string {
    return `${this.lockBase}:${suffix}`;
  }

  start(): void {
    this.request(this.lockName(`member:${this.self}`), () => {
      if (this.stopped) return undefined;
      this.events.ready();
      this.events.post({ t: 'hello', from: this.self });
      this.request(this.lockName('leader'), () => {
        if (this.stopped) return undefined;
        this.becomeLeader();
        return this.held;
      });
      return this.held;
    });
  }

  watch(member: string): void {
    if (this.stopped || this.watched.has(member) || member === this.self) return;
    this.watched.add(member);
    this.request(this.lockName(`member:${member}`), () => {
      this.watched.delete(member);
      if (!this.stopped && this.isLeader) this.events.memberGone(member);
      return undefined;
    });
  }

  protected heard(): void {
    // Locks say who is alive; messages need not.
  }

  protected release(): void {
    this.releaseLocks();
    this.abort.abort();
  }

  private request(name: string, granted: () => Promise<void> | undefined): void {
    try {
      this.locks
        .request(name, { signal: this.abort.signal }, granted)
        // Aborted on stop (expected), or a lock manager that refuses: nothing to undo.
        .catch(() => undefined);
    } catch {
      // A lock manager that throws synchronously leaves this member a follower.
    }
  }
}

/**
 * The BroadcastChannel election, for browsers without Web Locks (plain-HTTP
 * origins other than localhost, old browsers): a member that hears no
 * leader claims leadership, the lowest id among simultaneous claims wins
 * after `claimWindowMs`, followers probe a silent leader and the leader
 * calls the roll. Liveness is always asked and answered from message
 * handlers, so throttled timers of a background tab only slow the checks
 * down; they never make a live tab look dead.
 */
export class BeaconElection extends BaseElection {
  private readonly timers: SharedTimers;
  private readonly timing: ElectionTiming;
  private claimTimer: unknown;
  private waitTimer: unknown;
  private probeTimer: unknown;
  private answerTimer: unknown;
  private claiming = false;
  private heardLeader = false;
  /** Members the leader serves, and how many roll calls in a row each missed. */
  private readonly missed = new Map<string, number>();

  constructor(setup: ElectionSetup, timers: SharedTimers, timing: ElectionTiming) {
    super(setup);
    this.timers = timers;
    this.timing = timing;
  }

  start(): void {
    this.events.ready();
    this.events.post({ t: 'hello', from: this.self });
    // A leader answers a hello at once; silence for a claim window means there is none.
    this.waitTimer = this.later(this.timing.claimWindowMs, () => this.claimUnlessLed());
    this.scheduleProbe();
  }

  watch(member: string): void {
    if (member !== this.self && !this.missed.has(member)) this.missed.set(member, 0);
  }

  override receive(message: TabMessage): void {
    super.receive(message);
    if (this.stopped || message.from === this.self) return;
    if (message.t === 'claim') this.claimHeard(message.from, message.epoch);
    else if (message.t === 'probe' && message.to === '*' && this.isLeader) {
      // Another leader's roll call: a split. Announcing makes both sides settle it.
      this.announce();
    } else if (message.t === 'probe' && (message.to === this.self || message.to === '*')) {
      // A roll call is answered only by the leader's followers; a probe by its target.
      if (message.to === this.self || this.leader === message.from)
        this.events.post({ t: 'here', from: this.self, to: message.from });
    }
  }

  protected heard(message: TabMessage): void {
    if (message.from === this.leader) {
      this.heardLeader = true;
      this.clear('answer');
    }
    if (this.isLeader && this.missed.has(message.from)) this.missed.set(message.from, 0);
  }

  protected override leaderAnnounced(from: string, epoch: number): void {
    this.claiming = false;
    this.clear('claim');
    this.clear('wait');
    super.leaderAnnounced(from, epoch);
    if (this.leader === from) this.heardLeader = true;
  }

  protected override leaderLost(): void {
    super.leaderLost();
    this.claim();
  }

  protected release(): void {
    for (const name of ['claim', 'wait', 'probe', 'answer'] as const) this.clear(name);
    this.missed.clear();
  }

  private claimUnlessLed(): void {
    if (this.leader === null) this.claim();
  }

  private claim(): void {
    if (this.stopped || this.isLeader || this.claiming) return;
    this.claiming = true;
    this.clear('wait');
    this.events.post({ t: 'claim', from: this.self, epoch: this.epoch + 1 });
    this.claimTimer = this.later(this.timing.claimWindowMs, () => {
      this.claimTimer = undefined;
      if (!this.claiming || this.leader !== null) return;
      this.claiming = false;
      this.missed.clear();
      this.becomeLeader();
    });
  }

  private claimHeard(from: string, epoch: number): void {
    if (this.isLeader) {
      // The claimer did not hear us: tell it we are here.
      this.announce();
      return;
    }
    if (this.leader !== null && this.leader !== from) return;
    this.epoch = Math.max(this.epoch, epoch - 1);
    if (from < this.self) {
      // The better claim: let it win, and claim again if it never announces itself.
      this.claiming = false;
      this.clear('claim');
      this.clear('wait');
      this.waitTimer = this.later(this.timing.claimWindowMs * 3, () => this.claimUnlessLed());
    } else {
      this.claim();
    }
  }

  private scheduleProbe(): void {
    this.probeTimer = this.later(this.timing.probeIntervalMs, () => {
      this.probeTimer = undefined;
      if (this.stopped) return;
      if (this.isLeader) this.rollCall();
      else if (this.leader !== null) this.probeLeader();
      this.scheduleProbe();
    });
  }

  private probeLeader(): void {
    const leader = this.leader;
    if (leader === null) return;
    if (this.heardLeader) {
      this.heardLeader = false;
      return;
    }
    if (this.answerTimer !== undefined) return;
    this.events.post({ t: 'probe', from: this.self, to: leader });
    this.answerTimer = this.later(this.timing.answerTimeoutMs, () => {
      this.answerTimer = undefined;
      if (this.leader === leader && !this.heardLeader) this.leaderLost();
    });
  }

  private rollCall(): void {
    for (const [member, count] of [...this.missed]) {
      if (count >= MISSED_ROLL_CALLS) {
        this.missed.delete(member);
        this.events.memberGone(member);
      } else this.missed.set(member, count + 1);
    }
    this.events.post({ t: 'probe', from: this.self, to: '*' });
  }

  private later(ms: number, run: () => void): unknown {
    return this.timers.setTimeout(() => {
      if (!this.stopped) run();
    }, ms);
  }

  private clear(name: 'claim' | 'wait' | 'probe' | 'answer'): void {
    const field = `${name}Timer` as const;
    if (this[field] !== undefined) this.timers.clearTimeout(this[field]);
    this[field] = undefined;
  }
}
