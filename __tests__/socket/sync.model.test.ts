import fc from 'fast-check';
import { selectWatermark, submitMessage, subscribeToConversation } from 'unet-chat-redux';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import type { ModelServerOptions } from '../support/modelServer';
import type { RecordedRequest } from '../support/fakeFetch';

/**
 * Model-based tests of gap-free delivery (fast-check `fc.commands`): history
 * pages, catch-up pages, live frames, our sends over the socket and over
 * REST, lost answers, cut sockets, a server going down, refused sockets,
 * unsubscribing, edits and deletions, answers and frames released in
 * arbitrary order — and time. Whatever the interleaving:
 * - along the way, nothing is shown twice, the order is the server's, and
 *   the part up to the watermark never has a hole (no false sequence);
 * - in the end, once the faults stop, every store equals the server: no
 *   message missing, doubled or out of order, nothing pending or failed,
 *   and every message we wrote is on the server exactly once.
 */
const CONVERSATIONS = [
  '0190c000-0000-7000-8000-0000000000a1',
  '0190c000-0000-7000-8000-0000000000a2',
] as const;
const OTHER = 2;

interface Model {
  subscribed: Map<string, () => void>;
  sent: Map<string, string[]>;
  counter: number;
}

interface Real {
  harness: SyncHarness;
}

type Command = fc.AsyncCommand<Model, Real>;

const conversation = fc.constantFrom(...CONVERSATIONS);

const isHistory = (request: RecordedRequest) =>
  request.method === 'GET' && /\/messages\/[^/]+$/.test(new URL(request.url).pathname);
const isPost = (request: RecordedRequest) => request.method === 'POST';

/** What must hold after every step, faults or not. */
function checkInvariants({ harness }: Real): void {
  for (const id of CONVERSATIONS) {
    const shown = harness.messagesOf(id).filter((m) => m.status === 'sent');
    const ids = shown.map((m) => m.id);
    if (new Set(ids).size !== ids.length) throw new Error(`${id}: a message is shown twice`);
    for (let i = 1; i < shown.length; i++) {
      if (shown[i]!.created_ms < shown[i - 1]!.created_ms)
        throw new Error(`${id}: messages out of order`);
    }
    // No false sequence: between the first shown and the watermark, nothing of the server is missing.
    const watermark = selectWatermark(harness.store.getState(), id);
    if (!watermark || ids.length === 0) continue;
    const server = harness.server.messagesOf(id).map((m) => m.id);
    const from = server.indexOf(ids[0]!);
    const to = server.indexOf(watermark);
    if (from < 0 || to < 0) continue; // deleted on the server, not learned yet
    const shownSet = new Set(ids);
    const hole = server.slice(from, to + 1).find((serverId) => !shownSet.has(serverId));
    if (hole) throw new Error(`${id}: ${hole} is missing before the watermark ${watermark}`);
  }
}

function command(
  name: string,
  run: (model: Model, real: Real) => void | Promise<void>,
  check: (model: Model) => boolean = () => true,
): Command {
  return {
    check,
    async run(model, real) {
      await run(model, real);
      checkInvariants(real);
    },
    toString: () => name,
  };
}

const commands = [
  conversation.map((id) =>
    command(`others write in ${id.slice(-2)}`, (_m, { harness }) => {
      harness.server.post(id, OTHER, { text: `theirs ${Math.random().toString(36).slice(2, 8)}` });
    }),
  ),
  conversation.map((id) =>
    command(`we write in ${id.slice(-2)}`, async (model, { harness }) => {
      const text = `ours ${++model.counter}`;
      model.sent.get(id)!.push(text);
      harness.store.dispatch(submitMessage({ conversationId: id, text }));
      await harness.settle(2);
    }),
  ),
  fc.constant(command('cut the sockets', (_m, { harness }) => harness.server.cutSockets())),
  fc
    .boolean()
    .map((down) =>
      command(`server ${down ? 'down' : 'up'}`, (_m, { harness }) => harness.server.setUp(!down)),
    ),
  fc
    .boolean()
    .map((refuse) =>
      command(`sockets ${refuse ? 'refused' : 'accepted'}`, (_m, { harness }) =>
        harness.server.setSocketsAccepted(!refuse),
      ),
    ),
  fc
    .boolean()
    .map((hold) =>
      command(`answers ${hold ? 'held' : 'flowing'}`, (_m, { harness }) =>
        harness.server.setAutoAnswer(!hold),
      ),
    ),
  fc
    .boolean()
    .map((hold) =>
      command(`frames ${hold ? 'held' : 'flowing'}`, (_m, { harness }) =>
        harness.server.setAutoDeliver(!hold),
      ),
    ),
  fc.nat(5).map((index) =>
    command(`answer held request #${index}`, async (_m, { harness }) => {
      harness.server.release(index);
      await harness.settle(3);
    }),
  ),
  fc.constant(
    command('deliver held frames', async (_m, { harness }) => {
      harness.server.deliver();
      await harness.settle(3);
    }),
  ),
  fc
    .constantFrom<'history' | 'post'>('history', 'post')
    .chain((what) =>
      fc
        .constantFrom<'network-error' | 'lose' | 503>('network-error', 'lose', 503)
        .map((how) =>
          command(`the next ${what} request: ${how}`, (_m, { harness }) =>
            harness.server.fail(
              what === 'history' ? isHistory : isPost,
              how === 503 ? { status: 503, body: { detail: 'busy' } } : how,
            ),
          ),
        ),
    ),
  fc
    .integer({ min: 0, max: 20_000 })
    .map((ms) => command(`${ms} ms pass`, async (_m, { harness }) => harness.advance(ms, 1000))),
  conversation.map((id) =>
    command(
      `leave ${id.slice(-2)}`,
      async (model, { harness }) => {
        model.subscribed.get(id)?.();
        model.subscribed.delete(id);
        await harness.settle(2);
      },
      (model) => model.subscribed.size > 0,
    ),
  ),
  conversation.map((id) =>
    command(`open ${id.slice(-2)}`, async (model, { harness }) => {
      if (model.subscribed.has(id)) return;
      model.subscribed.set(id, harness.store.dispatch(subscribeToConversation(id)));
      await harness.settle(2);
    }),
  ),
  conversation.map((id) =>
    command(`someone edits or deletes in ${id.slice(-2)}`, (_m, { harness }) => {
      const theirs = harness.server.messagesOf(id).filter((m) => m.sender_id === OTHER);
      const target = theirs[theirs.length >> 1];
      if (!target) return;
      if (theirs.length % 2) harness.server.remove(target.id);
      else harness.server.edit(target.id, `${target.text} (edited)`);
    }),
  ),
];

/** The faults end; every conversation is shown; time passes until everything settled. */
async function heal(model: Model, { harness }: Real): Promise<void> {
  const { server } = harness;
  server.setUp(true);
  server.setSocketsAccepted(true);
  server.setAutoAnswer(true);
  server.setAutoDeliver(true);
  for (const id of CONVERSATIONS) {
    if (!model.subscribed.has(id))
      model.subscribed.set(id, harness.store.dispatch(subscribeToConversation(id)));
  }
  // Long enough for the slowest backoff (30 s caps) and a slow-phase retry.
  await harness.advance(150_000, 1000);
  await harness.settle();
}

function checkConverged(model: Model, { harness }: Real, compareTexts: boolean): void {
  for (const id of CONVERSATIONS) {
    const shown = harness.messagesOf(id);
    const server = harness.server.messagesOf(id);
    expect(shown.map((m) => m.id)).toEqual(server.map((m) => m.id));
    expect(shown.filter((m) => m.status !== 'sent')).toEqual([]);
    if (compareTexts) expect(shown.map((m) => m.text)).toEqual(server.map((m) => m.text));
    // Exactly once: each of our messages is on the server once, in the order we wrote them.
    const ours = server.filter((m) => m.sender_id === 1).map((m) => m.text);
    expect(ours).toEqual(model.sent.get(id));
  }
}

async function runScenario(
  serverOptions: ModelServerOptions,
  scenario: Iterable<Command>,
  compareTexts: boolean,
): Promise<void> {
  const harness = createSyncHarness(serverOptions);
  const model: Model = {
    subscribed: new Map(),
    sent: new Map(CONVERSATIONS.map((id) => [id, []])),
    counter: 0,
  };
  try {
    for (const id of CONVERSATIONS) {
      for (let n = 1; n <= 3; n++) harness.server.post(id, OTHER, { text: `seed ${n}` });
    }
    model.subscribed.set(
      CONVERSATIONS[0],
      harness.store.dispatch(subscribeToConversation(CONVERSATIONS[0])),
    );
    await harness.settle();
    const real = { harness };
    await fc.asyncModelRun(() => ({ model, real }), scenario);
    await heal(model, real);
    checkConverged(model, real, compareTexts);
  } finally {
    harness.chat.dispose();
  }
}

const RUNS = Number(process.env.SYNC_MODEL_RUNS ?? 60);

describe('gap-free delivery, model-based (fast-check)', () => {
  it('converges to the server against the reference server’s extensions, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), (scenario) =>
        runScenario({}, scenario, true),
      ),
      { numRuns: RUNS },
    );
  });

  it('converges through the user stream [ext] too, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), (scenario) =>
        runScenario({ stream: true }, scenario, true),
      ),
      { numRuns: RUNS },
    );
  });

  it('converges against a seed-only server (no client_id echo, no paging, no "changes since"), sending each message once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), (scenario) =>
        runScenario({ idempotency: false, paging: false, changes: false }, scenario, false),
      ),
      { numRuns: RUNS },
    );
  });
});
