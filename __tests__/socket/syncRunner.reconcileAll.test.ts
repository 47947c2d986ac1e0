import type { ChatRuntime } from '../../src/api/runtime';
import type { SocketBase, SocketChannel } from '../../src/socket/context';
import { createManualEnvironment } from '../../src/socket/environment';
import { createSyncRunner } from '../../src/socket/listeners/sync';
import type { Timeline } from '../../src/state/messagesSlice';
import { emptyTimeline } from '../../src/state/timelineModel';
import type { ConnectionStatus, SyncPhase } from '../../src/state/model';

/**
 * The sync runner's reconcileAll alone, against a fake store: it runs after
 * every chat action, and passes over a conversation whose inputs did not
 * change since it last reconciled it. The cost it saves shows as the store
 * reads: reconcile reads the state once per conversation it reconciles (and
 * reconcileAll once more after each), so they count the conversations
 * reconciled. Whether skipping is safe is the model tests' part
 * (sync.model.test.ts: they fail when the pass-over ignores timelines and
 * the runner's own state).
 */
const COUNT = 50;
const ids = Array.from({ length: COUNT }, (_, i) => `c${i}`);

function timelineIn(phase: SyncPhase): Timeline {
  const timeline = emptyTimeline();
  const live = phase === 'live';
  timeline.sync = {
    ...timeline.sync,
    phase,
    subscribers: 1,
    historyLoaded: true,
    socketOpen: live,
    epoch: 1,
    syncedEpoch: live ? 1 : -1,
  };
  return timeline;
}

function setup() {
  const conversations: Record<string, Timeline> = {};
  for (const id of ids) conversations[id] = timelineIn('live');
  let reads = 0;
  const statuses = new Map<string, ConnectionStatus>(ids.map((id) => [id, 'open']));
  const environment = createManualEnvironment();
  const context = {
    runtime: {
      environment,
      options: { socket: { enabled: true, historyDelayMs: 0 } },
    } as unknown as ChatRuntime,
    store: {
      // A request that never answers: the runner only has to start it.
      dispatch: jest.fn(() =>
        Object.assign(new Promise(() => undefined), { abort: () => undefined }),
      ),
      getState: () => {
        reads++;
        return { chat: { messages: { conversations }, session: { generation: 1 } } } as never;
      },
    },
    connections: new Map(),
    socketFor: (id: string) =>
      ({ isOpen: true, status: statuses.get(id) ?? 'idle' }) as unknown as SocketChannel,
    cleanups: new Set(),
    // A server without "changes since": live conversations then need nothing.
    flags: { serverDedupes: false, extensions: new Set<string>() },
    workspaceSubscribers: 0,
    requestSyncCheck: () => undefined,
  } satisfies SocketBase;
  const runner = createSyncRunner(context);
  /** How many conversations the next reconcileAll reconciles. */
  const reconciledBy = (run: () => void) => {
    reads = 0;
    run();
    return (reads - 1) / 2;
  };
  return { runner, conversations, statuses, context, reconciledBy };
}

describe('reconcileAll', () => {
  it('reconciles only the conversation a live message changed, of 50', () => {
    const { runner, conversations, reconciledBy } = setup();
    expect(reconciledBy(() => runner.reconcileAll())).toBe(COUNT);
    expect(reconciledBy(() => runner.reconcileAll())).toBe(0);
    // A live message: a new timeline for one conversation.
    conversations.c7 = { ...(conversations.c7 as Timeline) };
    expect(reconciledBy(() => runner.reconcileAll())).toBe(1);
    expect(reconciledBy(() => runner.reconcileAll())).toBe(0);
  });

  it('reconciles every conversation again once its own state changed (here: a check asked for)', () => {
    const { runner, reconciledBy } = setup();
    runner.reconcileAll();
    runner.requestCheck('c3');
    expect(reconciledBy(() => runner.reconcileAll())).toBe(COUNT);
  });

  it('reconciles a conversation whose socket status changed, and a disconnected one every time', () => {
    const { runner, conversations, statuses, reconciledBy } = setup();
    runner.reconcileAll();
    statuses.set('c1', 'reconnecting');
    expect(reconciledBy(() => runner.reconcileAll())).toBe(1);
    conversations.c2 = timelineIn('disconnected');
    runner.reconcileAll();
    expect(reconciledBy(() => runner.reconcileAll())).toBe(1);
    expect(reconciledBy(() => runner.reconcileAll())).toBe(1);
  });

  it('reconciles everything again when the server says which extensions it has', () => {
    const { runner, context, reconciledBy } = setup();
    runner.reconcileAll();
    context.flags.extensions = new Set(['stream']);
    expect(reconciledBy(() => runner.reconcileAll())).toBe(COUNT);
  });

  it('starts over after a reset (a new session)', () => {
    const { runner, reconciledBy } = setup();
    runner.reconcileAll();
    runner.reset();
    expect(reconciledBy(() => runner.reconcileAll())).toBe(COUNT);
  });
});
