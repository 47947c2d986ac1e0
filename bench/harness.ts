/**
 * Small helpers of the benchmarks: statistics, heap settling, formatting.
 * Figures are compared within one run (ratios), never with fixed thresholds
 * of another machine.
 */

/** `global.gc` when node runs with `--expose-gc` (run.ts arranges that). */
export const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** A full collection when possible, so one sample does not pay for the last one's garbage. */
export function settleHeap(): void {
  collectGarbage?.();
}

/** Heap in use after two full collections (the first may leave what only a second frees). */
export function heapUsed(): number {
  collectGarbage?.();
  collectGarbage?.();
  return process.memoryUsage().heapUsed;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `check` to hold, polling; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(2);
  }
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (nearest rank); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  if (p === 50 && sorted.length % 2 === 0) {
    const middle = sorted.length / 2;
    return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function mean(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.length ? finite.reduce((sum, value) => sum + value, 0) / finite.length : Number.NaN;
}

/** Rotates `items` by `round`, so each round starts with another contestant. */
export function rotated<Item>(items: readonly Item[], round: number): Item[] {
  const shift = items.length ? round % items.length : 0;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Formats milliseconds with a unit that keeps 3 significant digits readable. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 0) return `−${formatMs(-ms)}`;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

/** A ratio as "3.2×" (two decimals below 10). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(2)} kB`;
  return `${bytes.toFixed(0)} B`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** 1000 → "1k", 100000 → "100k" (sizes in headings). */
export function formatSize(value: number): string {
  return value >= 1000 && value % 1000 === 0 ? `${value / 1000}k` : String(value);
}
