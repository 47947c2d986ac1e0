import fc from 'fast-check';
import { createRenderPacer } from '../../../src/react/hooks/renderPace';
import type { PaceClock } from '../../../src/react/hooks/renderPace';

const INTERVAL = 100;

/** A clock whose time moves only when the test says so; due timers run in order. */
function fakeClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: PaceClock = {
    now: () => now,
    setTimeout(run, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + ms, run });
      return nextId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  return {
    clock,
    pending: () => timers.size,
    now: () => now,
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].run();
      }
      now = until;
    },
  };
}

/** A store that only notifies: `change()` is a dispatch that changed the state. */
function fakeStore() {
  const listeners = new Set<() => void>();
  return {
    listeners,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change() {
      for (const listener of [...listeners]) listener();
    },
  };
}

type Step =
  | { kind: 'change' }
  | { kind: 'wait'; ms: number }
  | { kind: 'flush' }
  | { kind: 'subscribe' }
  | { kind: 'unsubscribe'; which: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'change' as const }) },
  {
    weight: 4,
    arbitrary: fc.integer({ min: 0, max: 250 }).map((ms) => ({ kind: 'wait' as const, ms })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'subscribe' as const }) },
  {
    weight: 1,
    arbitrary: fc.nat(3).map((which) => ({ kind: 'unsubscribe' as const, which })),
  },
);

describe('createRenderPacer', () => {
  it('tells every listener of each change within two intervals, at most once per interval unless flushed, and never of nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const time = fakeClock();
        const store = fakeStore();
        const pacer = createRenderPacer(store, INTERVAL, time.clock);
        const readers: Array<{ told: number[]; stop: () => void }> = [];
        const addReader = () => {
          const reader = { told: [] as number[], stop: () => {} };
          reader.stop = pacer.subscribe(() => reader.told.push(time.now()));
          readers.push(reader);
        };
        // The model: the oldest change nobody was told of, and when the listeners were last told.
        let untoldSince: number | null = null;
        let lastTold: number | null = null;
        addReader();

        for (const next of steps) {
          const before = readers.map((reader) => reader.told.length);
          const listening = [...readers];
          const untoldBefore = untoldSince;
          const quiet = lastTold === null || lastTold <= time.now() - 2 * INTERVAL;
          if (next.kind === 'change') {
            if (readers.length > 0) untoldSince ??= time.now();
            store.change();
          } else if (next.kind === 'wait') {
            time.advance(next.ms);
          } else if (next.kind === 'flush') {
            pacer.flush();
          } else if (next.kind === 'subscribe') {
            addReader();
          } else if (readers.length > 0) {
            const [gone] = readers.splice(next.which % readers.length, 1);
            gone?.stop();
          }

          const toldNow = listening.map((reader, i) => reader.told.length - (before[i] ?? 0));
          if (toldNow.some((count) => count > 0)) {
            // Never of nothing, and everyone who listened was told, once.
            expect(untoldSince).not.toBeNull();
            for (const [i, reader] of listening.entries())
              if (readers.includes(reader)) expect(toldNow[i]).toBe(1);
            const at = listening.find((_, i) => (toldNow[i] ?? 0) > 0)?.told.at(-1) ?? 0;
            // At most once per interval, unless the person's own action flushed it.
            if (next.kind !== 'flush' && lastTold !== null)
              expect(at - lastTold).toBeGreaterThanOrEqual(INTERVAL);
            lastTold = at;
            untoldSince = null;
          }
          // After a quiet interval, with nothing waiting, a change is told at once.
          if (next.kind === 'change' && readers.length > 0 && quiet && untoldBefore === null)
            expect(untoldSince).toBeNull();
          // A flush leaves nothing waiting.
          if (next.kind === 'flush') expect(untoldSince).toBeNull();
          // No change waits as long as two intervals.
          if (untoldSince !== null) expect(time.now() - untoldSince).toBeLessThan(2 * INTERVAL);
          // Nobody listening: the store is not subscribed, no timer is left, and the next
          // listener starts afresh.
          if (readers.length === 0) {
            expect(store.listeners.size).toBe(0);
            expect(time.pending()).toBe(0);
            untoldSince = null;
            lastTold = null;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('tells of a run of changes at once, after one interval, then every two; a quiet moment starts afresh', () => {
    const time = fakeClock();
    const store = fakeStore();
    const pacer = createRenderPacer(store, INTERVAL, time.clock);
    const told: number[] = [];
    pacer.subscribe(() => told.push(time.now()));

    // A browser's burst of 1,000 on a busy machine: a lone frame, then reads over 290 ms.
    for (const at of [0, 30, 150, 290]) {
      time.advance(at - time.now());
      store.change();
    }
    time.advance(400);
    expect(told).toEqual([0, 100, 300]);

    // Quiet since 300: the next change is told at once, the one after it one interval later.
    time.advance(500 - time.now());
    store.change();
    time.advance(10);
    store.change();
    time.advance(400);
    expect(told).toEqual([0, 100, 300, 500, 600]);
  });

  it('stops its timer when the last listener leaves, and tells nobody afterwards', () => {
    const time = fakeClock();
    const store = fakeStore();
    const pacer = createRenderPacer(store, INTERVAL, time.clock);
    const told: number[] = [];
    const stop = pacer.subscribe(() => told.push(time.now()));
    store.change();
    store.change();
    expect(time.pending()).toBe(1);

    stop();
    time.advance(INTERVAL);

    expect(time.pending()).toBe(0);
    expect(store.listeners.size).toBe(0);
    expect(told).toEqual([0]);
  });
});
