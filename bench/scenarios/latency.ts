import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { contestants } from '../contestants';
import type { ContestantKey } from '../contestants';
import { closeSocket, opened, socketUrl } from '../contestants/types';
import type { Target } from '../contestants/types';
import { formatMs, percentile, rotated, sleep, until } from '../harness';
import type { Context } from './context';
import { openInstance, profiled } from './context';

/**
 * Latency, on the real reference server (in the sender process, SQLite in
 * memory): client A sends `message:send` over its socket; the server stores
 * the message and fans it out; the time runs until the message is in client
 * B's state (B is the contestant; A and B are in this process, so one clock
 * serves both). Meanwhile a third user sends 100 messages a second into the
 * same conversation from the sender process.
 */

export interface LatencySeries {
  /** A's send → in B's state (ms), warm-up excluded. */
  latencies: number[];
  /** Sent messages that never reached B's state within the wait (warm-up ones included). */
  lost: number;
}

export interface LatencyResults {
  backgroundPerSecond: number;
  /** Background messages the sender actually sent over the scenario. */
  backgroundSent: number;
  backgroundSeconds: number;
  /** Measured sends per contestant, over all rounds. */
  samples: number;
  results: Partial<Record<ContestantKey, LatencySeries>>;
}

interface Session {
  access: string;
  user: { id: number; username: string };
}

async function login(url: string, username: string): Promise<Session> {
  const response = await fetch(`${url}/api/auth/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  if (!response.ok) throw new Error(`login as ${username}: ${response.status}`);
  return (await response.json()) as Session;
}

export async function runLatency(context: Context): Promise<LatencyResults> {
  const { backgroundPerSecond, samples, perSecond, warmup, rounds } = context.sizes.latency;
  const url = await context.sender.call('startReference', {});
  const [b, a, background] = await Promise.all(
    ['aibek', 'aizada', 'bakyt'].map((name) => login(url, name)),
  );
  if (!a || !b || !background) throw new Error('latency: login failed');
  const created = await fetch(`${url}/api/unet-chat/conversations/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${b.access}` },
    body: JSON.stringify({
      type: 'group',
      title: 'latency',
      participant_ids: [a.user.id, background.user.id],
    }),
  });
  if (!created.ok) throw new Error(`latency: creating the conversation answered ${created.status}`);
  const conversationId = ((await created.json()) as { id: string }).id;
  const target: Target = { httpUrl: url, token: b.access, userId: b.user.id };

  const sender = new WebSocket(socketUrl(url, conversationId, a.access));
  sender.on('message', () => undefined);
  await opened(sender);
  const backgroundStart = performance.now();
  await context.sender.call('startTraffic', {
    token: background.access,
    conversationId,
    rate: backgroundPerSecond,
  });
  const results: Partial<Record<ContestantKey, LatencySeries>> = {};
  let backgroundSent: number;
  let backgroundSeconds: number;
  try {
    for (let round = 0; round < rounds; round++) {
      for (const contestant of rotated(contestants, round)) {
        const { instance, probe } = await openInstance(context, contestant, {
          target,
          conversations: [{ id: conversationId, history: 0 }],
          // The reference server's largest page.
          pageSize: 200,
        });
        const sentAt = new Map<string, number>();
        const warmupIds = new Set<string>();
        const series = (results[contestant.key] ??= { latencies: [], lost: 0 });
        probe.onLanded = (message) => {
          const at = message.client_id ? sentAt.get(message.client_id) : undefined;
          if (at === undefined || !message.client_id) return;
          sentAt.delete(message.client_id);
          if (!warmupIds.has(message.client_id)) series.latencies.push(performance.now() - at);
        };
        try {
          // Let the background traffic reach the new client first.
          await sleep(300);
          await profiled(context, 'latency', contestant.key, `round-${round + 1}`, async () => {
            for (let i = 0; i < warmup + samples; i++) {
              const clientId = randomUUID();
              if (i < warmup) warmupIds.add(clientId);
              sentAt.set(clientId, performance.now());
              sender.send(
                JSON.stringify({
                  type: 'message:send',
                  payload: { text: `latency ${i}`, reply_to: null, client_id: clientId },
                }),
              );
              await sleep(1000 / perSecond);
            }
            await until(() => sentAt.size === 0, 'the last messages', 3000).catch(() => undefined);
          });
          series.lost += sentAt.size;
          context.log(
            `latency round ${round + 1}/${rounds}: ${contestant.key} so far p50 ` +
              `${formatMs(percentile(series.latencies, 50))}, p99 ${formatMs(percentile(series.latencies, 99))}, ` +
              `lost ${series.lost}`,
          );
        } finally {
          probe.onLanded = null;
          await instance.close();
        }
      }
    }
  } finally {
    backgroundSent = await context.sender.call('stopTraffic', {});
    backgroundSeconds = (performance.now() - backgroundStart) / 1000;
    await closeSocket(sender);
  }
  return {
    backgroundPerSecond,
    backgroundSent,
    backgroundSeconds,
    samples: samples * rounds,
    results,
  };
}
