/**
 * Timing helpers. Every benchmark compares implementations measured in the
 * same process, one after another, with warm-up runs first; the report uses
 * medians and ratios, never absolute thresholds (the machines are shared).
 */

/** `global.gc` when node runs with `--expose-gc` (run.ts arranges that). */
export const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Runs a full collection when possible, so one sample does not pay for the last one's garbage. */
export function settleHeap(): void {
  collectGarbage?.();
}

/** How often to run a measurement. */
export interface Repetitions {
  warmup: number;
  runs: number;
}

/** Samples of one measurement, in milliseconds per run. */
export interface Samples {
  samples: number[];
  median: number;
  min: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One thing to time: `prepare` runs outside the timed region, `run` inside it. */
export interface Task<Input> {
  prepare(): Input;
  run(input: Input): unknown;
}

/**
 * Times several tasks in the same process, interleaved: every round runs
 * each task once (starting with a different one each round), so a burst of
 * load on a shared machine hits all of them alike instead of one. Warm-up
 * rounds let the JIT settle and are discarded. A collection runs before
 * every sample, so no sample pays for another's garbage.
 */
export function compare(
  tasks: ReadonlyArray<Task<unknown>>,
  { warmup, runs }: Repetitions,
): Samples[] {
  const samples: number[][] = tasks.map(() => []);
  let sink: unknown = null;
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const index = (round + k) % tasks.length;
      const task = tasks[index] as Task<unknown>;
      const input = task.prepare();
      settleHeap();
      const start = performance.now();
      sink = task.run(input);
      const elapsed = performance.now() - start;
      if (round >= warmup) samples[index]?.push(elapsed);
    }
  }
  keep(sink);
  return samples.map((list) => ({ samples: list, median: median(list), min: Math.min(...list) }));
}

let kept: unknown = null;
/** Keeps a result reachable so the optimizer cannot drop the work that made it. */
export function keep(value: unknown): void {
  kept = value;
}
export const lastKept = (): unknown => kept;

/** Formats milliseconds with a unit that keeps 3 significant digits readable. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

/** `baseline / subject` as "3.2×" (how many times the subject is faster), or the inverse when slower. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
