/**
 * The soak: real stores (in Node, with the `ws` adapter) talk to the real
 * reference server — a child process, SIGKILLed and restarted on the same
 * database — through a fault-injecting TCP proxy that cuts, black-holes and
 * refuses connections. Nobody presses Retry. At the end every store must
 * equal the server. `npm run soak` runs the long version; a short one runs
 * inside `npm test` (__tests__/soak/soak.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureStore } from '@reduxjs/toolkit';
import type { Middleware } from '@reduxjs/toolkit';
import WebSocket from 'ws';
import {
  createChat,
  createWebSocketFactory,
  messageSendAttempted,
  selectConnection,
  selectMessagesOfConversation,
  selectSyncStatus,
  selectUnsentMessages,
  submitMessage,
  subscribeToConversation,
} from '../src/index';
import type { Message, WebSocketConstructor } from '../src/index';
import { FaultProxy } from './faultProxy';
import { ServerProcess, freePort } from './serverProcess';

export interface SoakOptions {
  /** Messages to send in all. */
  messages: number;
  /** How long the load lasts. */
  durationMs: number;
  /** SIGKILL + restart of the server, at least this many times. */
  kills: number;
  /** Prints progress. */
  log?: (line: string) => void;
  /** Seed of the schedule's randomness (the same seed, the same schedule). */
  seed?: number;
}

export interface FaultRecord {
  kind: 'cut' | 'blackhole' | 'refuse' | 'kill';
  /** From the end of the fault until every subscribed socket of every store was open again. */
  recoveryMs: number | null;
}

export interface SoakReport {
  clients: number;
  conversations: number;
  sent: number;
  onServer: number;
  missing: number;
  doubled: number;
  outOfOrder: number;
  pending: number;
  failed: number;
  /** Our messages stored more than once on the server, or never. */
  notExactlyOnce: number;
  /** Sends handed to the socket and to REST (first tries and retries). */
  sendsOverSocket: number;
  sendsOverRest: number;
  /** Messages written into a conversation the writer was not subscribed to. */
  sentUnsubscribed: number;
  faults: FaultRecord[];
  medianRecoveryMs: number;
  maxRecoveryMs: number;
  durationMs: number;
}

const USERS = [
  { id: 1, username: 'aibek' },
  { id: 2, username: 'aizada' },
  { id: 3, username: 'bakyt' },
  { id: 4, username: 'elena' },
] as const;

/** Three groups with overlapping membership. */
const GROUPS = [
  { title: 'Soak A', members: [1, 2, 3] },
  { title: 'Soak B', members: [2, 3, 4] },
  { title: 'Soak C', members: [1, 3, 4] },
] as const;

const HEARTBEAT = { intervalMs: 1000, timeoutMs: 2000 };

/** A small seeded generator (mulberry32), so a schedule can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function request<Body>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Body };
}

interface Client {
  userId: number;
  auth: { access: string; refresh: string };
  chat: ReturnType<typeof createChat>;
  store: ReturnType<typeof makeStore>;
  subscriptions: Map<string, () => void>;
  conversations: string[];
}

/** How the outbox handed messages over, across all stores. */
const via = { socket: 0, rest: 0 };

const countSends: Middleware = () => (next) => (action) => {
  if (messageSendAttempted.match(action)) via[action.payload.via] += 1;
  return next(action);
};

function makeStore(chat: ReturnType<typeof createChat>) {
  return configureStore({
    reducer: chat.reducers,
    // The soak checks behaviour, not development-time invariants: skip their cost.
    middleware: (getDefault) =>
      getDefault({ serializableCheck: false, immutableCheck: false })
        .concat(chat.middleware)
        .concat(countSends),
  });
}

async function login(serverUrl: string, username: string) {
  const answer = await request<{ access: string; refresh: string }>(
    serverUrl,
    'POST',
    '/api/auth/login/',
    { body: { username, password: 'demo' } },
  );
  if (answer.status !== 200) throw new Error(`login of ${username}: ${answer.status}`);
  return { access: answer.body.access, refresh: answer.body.refresh };
}

/** Every live message of a conversation, oldest first, paged from the server. */
async function serverMessages(url: string, token: string, conversationId: string) {
  const all: Message[] = [];
  let before: string | null = null;
  for (;;) {
    const query: string = `?limit=200${before ? `&before=${before}` : ''}`;
    const page = await request<Message[]>(
      url,
      'GET',
      `/api/unet-chat/messages/${conversationId}${query}`,
      {
        token,
      },
    );
    if (page.status !== 200) throw new Error(`history of ${conversationId}: ${page.status}`);
    all.unshift(...page.body);
    if (page.body.length < 200) return all;
    before = page.body[0]!.id;
  }
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const random = seeded(options.seed ?? 1);
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'unet-chat-soak-'));
  const server = new ServerProcess(await freePort(), {
    CHAT_DB: join(dir, 'chat.sqlite'),
    JWT_SECRET: 'soak-secret-soak-secret-soak-secret',
    ACCESS_TTL_SECONDS: '3600',
  });
  await server.start();
  const proxy = new FaultProxy({ host: '127.0.0.1', port: server.port });
  const proxyUrl = `http://127.0.0.1:${await proxy.listen()}`;
  const clients: Client[] = [];
  const faults: FaultRecord[] = [];
  let stopping = false;

  try {
    // Set-up goes straight to the server: logins and groups are not under test.
    const sessions = await Promise.all(USERS.map((user) => login(server.url, user.username)));
    const groupIds: string[] = [];
    for (const group of GROUPS) {
      const creator = USERS.findIndex((user) => user.id === group.members[0]);
      const created = await request<{ id: string }>(
        server.url,
        'POST',
        '/api/unet-chat/conversations/',
        {
          token: sessions[creator]!.access,
          body: { type: 'group', title: group.title, participant_ids: [...group.members] },
        },
      );
      if (created.status !== 201) throw new Error(`creating ${group.title}: ${created.status}`);
      groupIds.push(created.body.id);
    }

    for (const [index, user] of USERS.entries()) {
      const auth = { ...sessions[index]! };
      const chat = createChat({
        baseUrl: proxyUrl,
        getAccessToken: () => auth.access,
        getCurrentUserId: () => user.id,
        refreshAccessToken: async () => {
          const answer = await request<{ access?: string; refresh?: string }>(
            server.url,
            'POST',
            '/api/auth/refresh/',
            { body: { refresh: auth.refresh } },
          );
          if (answer.status !== 200 || !answer.body.access) return false;
          auth.access = answer.body.access;
          if (answer.body.refresh) auth.refresh = answer.body.refresh;
          return true;
        },
        timeoutMs: 5000,
        persistence: false,
        socket: {
          factory: createWebSocketFactory(WebSocket as unknown as WebSocketConstructor),
          heartbeat: HEARTBEAT,
        },
      });
      const store = makeStore(chat);
      const conversations = GROUPS.flatMap((group, i) =>
        (group.members as readonly number[]).includes(user.id) ? [groupIds[i]!] : [],
      );
      const subscriptions = new Map<string, () => void>();
      for (const id of conversations)
        subscriptions.set(id, store.dispatch(subscribeToConversation(id)));
      clients.push({ userId: user.id, auth, chat, store, subscriptions, conversations });
    }

    const allOpen = () =>
      clients.every((client) =>
        [...client.subscriptions.keys()].every(
          (id) => selectConnection(client.store.getState(), id).status === 'open',
        ),
      );
    const waitUntil = async (check: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) return false;
        await sleep(25);
      }
      return true;
    };
    if (!(await waitUntil(allOpen, 20_000)))
      throw new Error('the sockets did not open at the start');

    // The load: messages at a steady rate, from everyone, into every group.
    let sent = 0;
    let sentUnsubscribed = 0;
    via.socket = 0;
    via.rest = 0;
    const sentTexts: string[] = [];
    const interval = options.durationMs / options.messages;
    const load = (async () => {
      while (sent < options.messages) {
        const client = clients[Math.floor(random() * clients.length)]!;
        const conversationId =
          client.conversations[Math.floor(random() * client.conversations.length)]!;
        const text = `m${sent} from ${client.userId}`;
        sent += 1;
        if (!client.subscriptions.has(conversationId)) sentUnsubscribed += 1;
        sentTexts.push(text);
        client.store.dispatch(submitMessage({ conversationId, text }));
        // Now and then someone leaves a conversation, writes into it unsubscribed, and comes back.
        if (random() < 0.02 && client.subscriptions.has(conversationId)) {
          client.subscriptions.get(conversationId)?.();
          client.subscriptions.delete(conversationId);
          setTimeout(
            () => {
              if (stopping && client.subscriptions.has(conversationId)) return;
              client.subscriptions.set(
                conversationId,
                client.store.dispatch(subscribeToConversation(conversationId)),
              );
            },
            1500 + random() * 2500,
          );
        }
        await sleep(interval);
      }
    })();

    // The faults, one after another, until the load is done (and at least `kills` kills).
    const kinds: FaultRecord['kind'][] = ['cut', 'blackhole', 'refuse', 'kill'];
    let kills = 0;
    let round = 0;
    const faultLoop = (async () => {
      await sleep(1500);
      while (sent < options.messages || kills < options.kills) {
        const kind =
          kills < options.kills && round % 4 === 3 ? 'kill' : kinds[round % kinds.length]!;
        round += 1;
        log(`fault: ${kind} (${sent}/${options.messages} sent)`);
        if (kind === 'cut') {
          proxy.cut();
          // The clock starts at the cut, once the stores have noticed it.
          const cutAt = Date.now();
          await waitUntil(() => !allOpen(), 2000);
          const recovered = await waitUntil(allOpen, 30_000);
          const recoveryMs = recovered ? Date.now() - cutAt : null;
          faults.push({ kind, recoveryMs });
          log(`  recovered in ${recoveryMs ?? 'more than 30000'} ms`);
          await sleep(1000 + random() * 2000);
          continue;
        } else if (kind === 'blackhole') {
          proxy.setMode('blackhole');
          await sleep(HEARTBEAT.timeoutMs + 1500 + random() * 1000);
          proxy.setMode('pass');
          proxy.cut();
        } else if (kind === 'refuse') {
          proxy.setMode('refuse');
          await sleep(2000 + random() * 2000);
          proxy.setMode('pass');
        } else {
          kills += 1;
          await server.kill();
          await sleep(500 + random() * 1000);
          await server.start();
        }
        const ended = Date.now();
        const recovered = await waitUntil(allOpen, 30_000);
        const recoveryMs = recovered ? Date.now() - ended : null;
        faults.push({ kind, recoveryMs });
        log(`  recovered in ${recoveryMs ?? 'more than 30000'} ms`);
        await sleep(1000 + random() * 2000);
      }
    })();

    await Promise.all([load, faultLoop]);
    stopping = true;
    // Everyone shows every conversation again; then wait for the dust to settle.
    for (const client of clients) {
      for (const id of client.conversations) {
        if (!client.subscriptions.has(id))
          client.subscriptions.set(id, client.store.dispatch(subscribeToConversation(id)));
      }
    }
    const settled = () =>
      allOpen() &&
      clients.every((client) =>
        client.conversations.every(
          (id) =>
            selectSyncStatus(client.store.getState(), id).phase === 'live' &&
            selectUnsentMessages(client.store.getState(), id).every((m) => m.status === 'failed'),
        ),
      );
    const quiet = await waitUntil(settled, 120_000);
    log(quiet ? 'settled' : 'did not settle in 120 s');
    await sleep(500);

    // Every store against the server.
    let missing = 0;
    let doubled = 0;
    let outOfOrder = 0;
    let pending = 0;
    let failed = 0;
    let onServer = 0;
    const serverTexts: string[] = [];
    for (const [index, conversationId] of groupIds.entries()) {
      const member = clients.find((client) => client.userId === GROUPS[index]!.members[0])!;
      const truth = await serverMessages(server.url, member.auth.access, conversationId);
      onServer += truth.length;
      serverTexts.push(...truth.map((m) => m.text ?? ''));
      const position = new Map(truth.map((m, i) => [m.id, i]));
      for (const client of clients.filter((c) => c.conversations.includes(conversationId))) {
        const shown = selectMessagesOfConversation(client.store.getState(), conversationId);
        const confirmed = shown.filter((m) => m.status === 'sent');
        pending += shown.filter((m) => m.status === 'pending').length;
        failed += shown.filter((m) => m.status === 'failed').length;
        const ids = confirmed.map((m) => m.id);
        const seen = new Set(ids);
        doubled += ids.length - seen.size;
        missing += truth.filter((m) => !seen.has(m.id)).length;
        let last = -1;
        for (const [index, id] of ids.entries()) {
          const at = position.get(id);
          if (at === undefined) continue;
          if (at < last) {
            outOfOrder += 1;
            const before = confirmed[index - 1];
            const here = confirmed[index];
            log(
              `out of order in store of ${client.userId}: ${before?.id} (${before?.created_at}) before ${here?.id} (${here?.created_at})`,
            );
          }
          last = Math.max(last, at);
        }
      }
    }
    const counts = new Map<string, number>();
    for (const text of serverTexts) counts.set(text, (counts.get(text) ?? 0) + 1);
    const notExactlyOnce = sentTexts.filter((text) => counts.get(text) !== 1).length;
    const recoveries = faults.flatMap((fault) =>
      fault.recoveryMs === null ? [] : [fault.recoveryMs],
    );
    return {
      clients: clients.length,
      conversations: groupIds.length,
      sent,
      onServer,
      missing,
      doubled,
      outOfOrder,
      pending,
      failed,
      notExactlyOnce,
      sendsOverSocket: via.socket,
      sendsOverRest: via.rest,
      sentUnsubscribed,
      faults,
      medianRecoveryMs: median(recoveries),
      maxRecoveryMs: recoveries.length ? Math.max(...recoveries) : 0,
      durationMs: Date.now() - started,
    };
  } finally {
    stopping = true;
    for (const client of clients) client.chat.dispose();
    await proxy.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report as the lines `npm run soak` prints. */
export function formatReport(report: SoakReport): string {
  const byKind = new Map<string, number[]>();
  for (const fault of report.faults) {
    const list = byKind.get(fault.kind) ?? [];
    list.push(fault.recoveryMs ?? Number.NaN);
    byKind.set(fault.kind, list);
  }
  return [
    `clients ${report.clients}, conversations ${report.conversations}, messages sent ${report.sent}, on the server ${report.onServer}`,
    `missing ${report.missing}, doubled ${report.doubled}, out of order ${report.outOfOrder}, pending ${report.pending}, failed ${report.failed}, not exactly once on the server ${report.notExactlyOnce}`,
    `sends handed to the socket ${report.sendsOverSocket}, to REST ${report.sendsOverRest}; written while unsubscribed ${report.sentUnsubscribed}`,
    `faults ${report.faults.length}: ${[...byKind].map(([kind, list]) => `${kind} ×${list.length}`).join(', ')}`,
    `recovery (fault end → every socket open): median ${report.medianRecoveryMs} ms, max ${report.maxRecoveryMs} ms`,
    ...[...byKind].map(([kind, list]) => `  ${kind}: ${list.map((ms) => `${ms} ms`).join(', ')}`),
    `duration ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
