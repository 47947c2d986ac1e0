import { performance } from 'node:perf_hooks';
import { contestants } from '../contestants';
import type { ContestantKey } from '../contestants';
import { conversationId } from '../fixtures';
import { formatMs, median, rotated, settleHeap } from '../harness';
import type { Context } from './context';
import { openInstance, profiled } from './context';
import { waitForClients } from './sockets';

/**
 * Scroll-back: the newest page, then 100 older pages one after another (the
 * package's `loadOlderMessages`; the floor and the batched reference page
 * the same endpoint), so page p lands in a conversation of p × page size.
 * Two figures per page: its busy time (`eventLoopUtilization`: the request,
 * parsing, checking, normalizing, the reducer, the notification — not the
 * server's work), and the store's part alone (the page's dispatch).
 */

export interface ScrollBackSeries {
  /** Busy time of page 1 … pages (ms), one array per run. */
  busy: number[][];
  /** The state's part of each page (ms), one array per run. */
  apply: number[][];
  /** Messages held after each page (last run): (page + 1) × page size unless windowed. */
  held: number[];
}

export interface ScrollBackResults {
  pageSize: number;
  pages: number;
  compare: number;
  results: Partial<Record<ContestantKey, ScrollBackSeries>>;
}

const CONVERSATION = 0;

export async function runScrollBack(context: Context): Promise<ScrollBackResults> {
  const { pageSize, pages, runs, compare } = context.sizes.scrollBack;
  const id = conversationId(CONVERSATION);
  await context.sender.call('scene', {
    conversations: [{ index: CONVERSATION, history: pageSize * (pages + 2) }],
  });
  const paging = contestants.filter((contestant) => contestant.pages);
  const results: Partial<Record<ContestantKey, ScrollBackSeries>> = {};
  // Round 0 warms up (a few pages), the others are measured.
  for (let round = 0; round <= runs; round++) {
    for (const contestant of rotated(paging, round)) {
      const { instance, probe } = await openInstance(context, contestant, {
        conversations: [{ id, history: pageSize }],
        pageSize,
        newestPageOnly: true,
      });
      void probe;
      try {
        await waitForClients(context, CONVERSATION, 1);
        const loadOlder = instance.loadOlder?.bind(instance);
        const applied = instance.lastApplyMs?.bind(instance);
        if (!loadOlder || !applied) throw new Error(`${contestant.key} cannot page`);
        const count = round === 0 ? Math.min(pages, 5) : pages;
        const busy: number[] = [];
        const apply: number[] = [];
        const held: number[] = [];
        await profiled(context, 'scrollback', contestant.key, `run-${round}`, async () => {
          for (let page = 1; page <= count; page++) {
            if (page % 20 === 1) settleHeap();
            const start = performance.eventLoopUtilization();
            await loadOlder(id);
            const end = performance.eventLoopUtilization();
            busy.push(end.active - start.active);
            apply.push(applied());
            held.push(instance.count(id));
          }
        });
        if (round > 0) {
          const series = (results[contestant.key] ??= { busy: [], apply: [], held: [] });
          series.busy.push(busy);
          series.apply.push(apply);
          series.held = held;
          const first = median(busy.slice(0, compare));
          const last = median(busy.slice(-compare));
          context.log(
            `scroll-back: ${contestant.key} run ${round}/${runs}: page 1 ${formatMs(first)}, ` +
              `page ${count} ${formatMs(last)}`,
          );
        }
      } finally {
        await instance.close();
        await waitForClients(context, CONVERSATION, 0);
      }
    }
  }
  return { pageSize, pages, compare, results };
}
