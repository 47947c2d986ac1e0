import type { ChatSocket, SocketFactory, SocketHandlers } from '../transport';
import { BeaconElection, LockElection } from './election';
import type { Election, ElectionEvents, ElectionTiming } from './election';
import { SocketHub } from './hub';
import type { HubOutput, Subscriber } from './hub';
import type { SharedTimers, TabChannel, TabChannelFactory, TabLockManager } from './ports';
import { readTabMessage, socketKey, wrapTabMessage } from './protocol';
import type { TabMessage } from './protocol';

/**
 * The close a virtual socket reports when the tab holding its real socket
 * goes away (or stops leading): 1006, as for a dropped connection, so the
 * connection reconnects with backoff and catches up from its watermark.
 */
export const LEADER_GONE = { code: 1006, reason: 'the tab holding the shared socket went away' };
const NO_SOCKET = { code: 1006, reason: 'the shared socket is gone' };

/** Everything one membership is given. */
export interface MembershipSetup {
  scope: string;
  /** Channel and lock names start with it (it carries the protocol version). */
  name: string;
  self: string;
  inner: SocketFactory;
  channels: TabChannelFactory;
  locks: TabLockManager | null;
  timers: SharedTimers;
  timing: ElectionTiming;
  /** Receives what a socket handler threw; the membership's state stays consistent. */
  onCallbackError(error: unknown, callback: string): void;
}

/**
 * This tab's part in one scope, for diagnostics and tests.
 *
 * @example
 * ```ts
 * const [state] = factory.inspect();
 * if (state?.role === 'leader') console.log(`this tab holds ${state.realSockets} sockets`);
 * ```
 */
export interface SharedSocketScopeState {
  scope: string;
  /** This tab's member id in the scope. */
  member: string;
  role: 'leader' | 'follower' | 'electing';
  /** The leading member's id (this tab's own when it leads), or null during an election. */
  leader: string | null;
  /** How the scope elects: Web Locks, or the BroadcastChannel fallback. */
  election: 'locks' | 'broadcast';
  /** This tab's virtual sockets (what its connections hold). */
  virtualSockets: number;
  /** Real sockets this tab holds for every tab of the scope (0 unless it leads). */
  realSockets: number;
}

/** Only our own normal close (1000) is plain; any other says the socket seemed dead. */
function faultOf(code: number | undefined, reason: string) {
  return code === 1000 ? undefined : { code, reason };
}

type VirtualState = 'connecting' | 'open' | 'closed';

/**
 * What a connection of this tab holds: a socket whose real one lives in
 * the leader's tab (or in this tab's hub, when it leads). It behaves like a
 * browser WebSocket: `send` throws while connecting and does nothing once
 * closed, and `onClose` is reported exactly once.
 */
class VirtualSocket implements ChatSocket {
  state: VirtualState = 'connecting';
  /** The member serving it (this tab's own id when it leads); null while waiting for a leader. */
  boundTo: string | null = null;
  constructing = true;
  readonly key: string;

  constructor(
    readonly sid: string,
    readonly url: string,
    private readonly handlers: SocketHandlers,
    private readonly owner: Membership,
  ) {
    this.key = socketKey(url);
  }

  send(data: string): void {
    if (this.state === 'connecting')
      throw new Error('shared socket: send() while still connecting');
    if (this.state === 'open') this.owner.relaySend(this, data);
  }

  close(code?: number, reason?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.owner.released(this, code, reason ?? '');
    // As a WebSocket reports its close: later, and once.
    queueMicrotask(() =>
      this.call('onClose', () => this.handlers.onClose(code ?? 1005, reason ?? '')),
    );
  }

  opened(): void {
    if (this.state !== 'connecting') return;
    if (this.constructing) {
      // The owner is still inside the factory call: it must get the socket before the open.
      queueMicrotask(() => this.opened());
      return;
    }
    this.state = 'open';
    this.call('onOpen', () => this.handlers.onOpen());
  }

  frame(data: string): void {
    if (this.state === 'open') this.call('onMessage', () => this.handlers.onMessage(data));
  }

  errored(message: string): void {
    if (this.state !== 'closed') this.call('onError', () => this.handlers.onError(message));
  }

  ended(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.owner.forget(this);
    this.call('onClose', () => this.handlers.onClose(code, reason));
  }

  private call(callback: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.owner.reportCallbackError(error, callback);
    }
  }
}

/**
 * One tab's part in one scope: its channel, its election, its virtual
 * sockets and — while it leads — the hub of real sockets every tab of the
 * scope uses. Requests of other tabs' virtual sockets arrive on the channel;
 * what the real sockets report is delivered here directly and relayed there.
 */
export class Membership {
  readonly scope: string;
  readonly self: string;
  private readonly setup: MembershipSetup;
  private readonly channel: TabChannel;
  private readonly election: Election;
  private readonly sockets = new Map<string, VirtualSocket>();
  private hub: SocketHub | null = null;
  private ready = false;
  private stopped = false;
  private nextSid = 1;
  private readonly listener = (event: { data: unknown }) => this.receive(event.data);

  constructor(setup: MembershipSetup) {
    this.setup = setup;
    this.scope = setup.scope;
    this.self = setup.self;
    this.channel = setup.channels(setup.name);
    const events: ElectionEvents = {
      ready: () => this.becameReady(),
      elected: () => this.elected(),
      deposed: () => this.deposed(),
      leaderChanged: (leader) => this.leaderChanged(leader),
      memberGone: (member) => this.hub?.dropMember(member),
      post: (message) => this.post(message),
    };
    const electionSetup = { self: setup.self, lockName: setup.name, events };
    this.election = setup.locks
      ? new LockElection(electionSetup, setup.locks)
      : new BeaconElection(electionSetup, setup.timers, setup.timing);
    this.channel.addEventListener('message', this.listener);
  }

  start(): void {
    this.election.start();
  }

  /** How many virtual sockets this tab holds in the scope. */
  get socketCount(): number {
    return this.sockets.size;
  }

  open(url: string, handlers: SocketHandlers): ChatSocket {
    const socket = new VirtualSocket(`${this.self}:${this.nextSid++}`, url, handlers, this);
    this.sockets.set(socket.sid, socket);
    this.route(socket);
    socket.constructing = false;
    return socket;
  }

  inspect(): SharedSocketScopeState {
    const leader = this.election.leader;
    return {
      scope: this.scope,
      member: this.self,
      role: this.election.isLeader ? 'leader' : leader === null ? 'electing' : 'follower',
      leader,
      election: this.setup.locks ? 'locks' : 'broadcast',
      virtualSockets: this.sockets.size,
      realSockets: this.hub?.size ?? 0,
    };
  }

  /**
   * Leaves the scope: real sockets close (their subscribers are told), the
   * election resigns or says goodbye, this tab's virtual sockets report a
   * close, and the channel, locks and timers are released.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.hub) {
      const subscribers = this.hub.stop();
      this.hub = null;
      this.report(subscribers, { t: 'closed', ...LEADER_GONE }, (socket) =>
        socket.ended(LEADER_GONE.code, LEADER_GONE.reason),
      );
    }
    this.election.stop();
    for (const socket of [...this.sockets.values()])
      socket.ended(LEADER_GONE.code, LEADER_GONE.reason);
    this.channel.removeEventListener('message', this.listener);
    try {
      this.channel.close();
    } catch {
      // Closed already.
    }
  }

  relaySend(socket: VirtualSocket, data: string): void {
    const to = socket.boundTo;
    if (to === this.self) {
      if (!this.hub?.send(socket.sid, data)) socket.ended(NO_SOCKET.code, NO_SOCKET.reason);
    } else if (to !== null && !this.post({ t: 'send', from: this.self, to, sid: socket.sid, data }))
      socket.ended(NO_SOCKET.code, NO_SOCKET.reason);
  }

  /** The owner closed a virtual socket: the real socket loses a subscriber. */
  released(socket: VirtualSocket, code: number | undefined, reason: string): void {
    this.sockets.delete(socket.sid);
    const to = socket.boundTo;
    if (to === this.self) this.hub?.unsubscribe(socket.sid, faultOf(code, reason));
    else if (to !== null)
      this.post({ t: 'close', from: this.self, to, sid: socket.sid, code: code ?? 1005, reason });
  }

  /**
   * A virtual socket ended without its owner closing it (its real socket
   * closed, or the leader changed). The member that served it is told too:
   * it may not know (a leader this tab gave up on while it was alive), and
   * a subscription nobody releases would keep its real socket open for good.
   */
  forget(socket: VirtualSocket): void {
    this.sockets.delete(socket.sid);
    const to = socket.boundTo;
    if (to === this.self) this.hub?.unsubscribe(socket.sid);
    else if (to !== null && !this.stopped)
      this.post({ t: 'close', from: this.self, to, sid: socket.sid, code: 1000, reason: '' });
  }

  reportCallbackError(error: unknown, callback: string): void {
    try {
      this.setup.onCallbackError(error, callback);
    } catch {
      // Nothing is left to report to.
    }
  }

  /** Serves a virtual socket from this tab's hub, asks the leader for it, or lets it wait for one. */
  private route(socket: VirtualSocket): void {
    if (this.stopped) {
      queueMicrotask(() => socket.ended(LEADER_GONE.code, LEADER_GONE.reason));
      return;
    }
    if (this.election.isLeader && this.hub) {
      socket.boundTo = this.self;
      this.hub.subscribe({ member: this.self, sid: socket.sid }, socket.url);
      return;
    }
    const leader = this.election.leader;
    if (!this.ready || leader === null) return;
    socket.boundTo = leader;
    const asked = this.post({
      t: 'open',
      from: this.self,
      to: leader,
      sid: socket.sid,
      url: socket.url,
    });
    if (!asked) queueMicrotask(() => socket.ended(NO_SOCKET.code, NO_SOCKET.reason));
  }

  private routeWaiting(): void {
    for (const socket of [...this.sockets.values()])
      if (socket.boundTo === null && socket.state === 'connecting') this.route(socket);
  }

  /** Sockets served by a member that no longer leads report a close: they reconnect and catch up. */
  private dropServedBy(isStale: (member: string) => boolean): void {
    for (const socket of [...this.sockets.values()]) {
      if (socket.boundTo !== null && isStale(socket.boundTo))
        socket.ended(LEADER_GONE.code, LEADER_GONE.reason);
    }
  }

  private becameReady(): void {
    this.ready = true;
    this.routeWaiting();
  }

  private elected(): void {
    if (this.stopped) return;
    this.hub = new SocketHub(this.setup.inner, this.hubOutput());
    this.dropServedBy((member) => member !== this.self);
    this.routeWaiting();
  }

  private deposed(): void {
    const hub = this.hub;
    this.hub = null;
    if (!hub) return;
    this.report(hub.stop(), { t: 'closed', ...LEADER_GONE }, (socket) =>
      socket.ended(LEADER_GONE.code, LEADER_GONE.reason),
    );
  }

  private leaderChanged(leader: string | null): void {
    this.dropServedBy((member) => member !== leader);
    if (leader !== null) this.routeWaiting();
  }

  private receive(data: unknown): void {
    if (this.stopped) return;
    const message = readTabMessage(data);
    if (!message || message.from === this.self) return;
    this.election.receive(message);
    if (this.stopped) return;
    switch (message.t) {
      case 'open':
      case 'send':
      case 'close':
        if (message.to === this.self) this.request(message);
        break;
      case 'opened':
        this.forOwn(message.from, message.sids, (socket) => socket.opened());
        break;
      case 'frame':
        for (const socket of [...this.sockets.values()]) {
          if (socket.boundTo === message.from && socket.key === message.key)
            socket.frame(message.data);
        }
        break;
      case 'closed':
        this.forOwn(message.from, message.sids, (socket) =>
          socket.ended(message.code, message.reason),
        );
        break;
      case 'error':
        this.forOwn(message.from, message.sids, (socket) => socket.errored(message.message));
        break;
      default:
        break;
    }
  }

  /** A request of another tab's virtual socket; answered with a close when this tab does not lead. */
  private request(message: Extract<TabMessage, { t: 'open' | 'send' | 'close' }>): void {
    const hub = this.election.isLeader ? this.hub : null;
    const subscriber = { member: message.from, sid: message.sid };
    if (message.t === 'close') {
      // 1005 is how a close without a code travels.
      const code = message.code === 1005 ? undefined : message.code;
      hub?.unsubscribe(message.sid, faultOf(code, message.reason));
      return;
    }
    if (hub && message.t === 'open') {
      this.election.watch(message.from);
      hub.subscribe(subscriber, message.url);
      return;
    }
    if (hub && message.t === 'send' && hub.send(message.sid, message.data)) return;
    // Not the leader (any more), or no socket for it: as a closed socket does, it ends.
    if (!hub?.has(message.sid))
      this.post({ t: 'closed', from: this.self, sids: [message.sid], ...NO_SOCKET });
  }

  private forOwn(from: string, sids: string[], run: (socket: VirtualSocket) => void): void {
    for (const sid of sids) {
      const socket = this.sockets.get(sid);
      if (socket && socket.boundTo === from) run(socket);
    }
  }

  private hubOutput(): HubOutput {
    return {
      opened: (subscribers) =>
        this.report(subscribers, { t: 'opened' }, (socket) => socket.opened()),
      frame: (key, subscribers, data) => {
        let remote = false;
        for (const { member, sid } of subscribers) {
          if (member === this.self) this.sockets.get(sid)?.frame(data);
          else remote = true;
        }
        if (remote) this.post({ t: 'frame', from: this.self, key, data });
      },
      closed: (subscribers, code, reason) =>
        this.report(subscribers, { t: 'closed', code, reason }, (socket) =>
          socket.ended(code, reason),
        ),
      errored: (subscribers, message) =>
        this.report(subscribers, { t: 'error', message }, (socket) => socket.errored(message)),
    };
  }

  /** Delivers to this tab's subscribers directly and to the others in one message. */
  private report(
    subscribers: Subscriber[],
    message:
      | { t: 'opened' }
      | { t: 'closed'; code: number; reason: string }
      | { t: 'error'; message: string },
    local: (socket: VirtualSocket) => void,
  ): void {
    const remote: string[] = [];
    for (const { member, sid } of subscribers) {
      if (member !== this.self) {
        remote.push(sid);
        continue;
      }
      const socket = this.sockets.get(sid);
      if (socket && socket.boundTo === this.self) local(socket);
    }
    if (remote.length > 0) this.post({ ...message, from: this.self, sids: remote } as TabMessage);
  }

  /** Posts on the channel; false when it refused (closed, or the message could not be cloned). */
  private post(message: TabMessage): boolean {
    try {
      this.channel.postMessage(wrapTabMessage(message));
      return true;
    } catch {
      return false;
    }
  }
}
