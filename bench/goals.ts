import { PEERS, contestantByKey } from './contestants';
import type { ContestantKey } from './contestants';
import { formatBytes, formatMs, formatRatio, formatSize, median, percentile } from './harness';
import type { BundleResults } from './scenarios/bundle';
import type { BurstCell, BurstResults, BurstSample } from './scenarios/burst';
import type { LatencyResults } from './scenarios/latency';
import type { LiveResults, LiveStoreName } from './scenarios/live';
import type { MemoryResults } from './scenarios/memory';
import type { RenderResults } from './scenarios/render';
import type { ScrollBackResults } from './scenarios/scrollBack';
import type { StormResults, StormSample } from './scenarios/storm';

/**
 * The goals of issue 13, each with the figure of this run beside it. A
 * figure that rests on a lower bound (a capped peer) can show a goal met,
 * never missed: where it falls short the verdict is "not shown".
 */

export type Verdict = 'met' | 'missed' | 'not shown' | 'not run';

export interface GoalResult {
  id: string;
  scenario: string;
  goal: string;
  /** The figure, formatted. */
  measured: string;
  /** The figure as a number (what the quick test checks is there). */
  value: number;
  verdict: Verdict;
}

export interface AllResults {
  bundle?: BundleResults;
  memory?: MemoryResults;
  burst?: BurstResults;
  live?: LiveResults;
  storm?: StormResults;
  scrollback?: ScrollBackResults;
  latency?: LatencyResults;
  render?: RenderResults;
}

const verdictOf = (value: number, limit: number): Verdict =>
  !Number.isFinite(value) ? 'not run' : value <= limit ? 'met' : 'missed';

/** Median over rounds of `subject_r ÷ reference_r`: samples of one round ran back to back. */
export function pairedRatio(
  subject: readonly BurstSample[] | undefined,
  reference: readonly BurstSample[] | undefined,
): number {
  if (!subject?.length || !reference?.length) return Number.NaN;
  const rounds = Math.min(subject.length, reference.length);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++)
    ratios.push((subject[r] as BurstSample).estimateMs / (reference[r] as BurstSample).estimateMs);
  return median(ratios);
}

export const burstTime = (samples: readonly BurstSample[] | undefined): number =>
  median((samples ?? []).map((sample) => sample.estimateMs));

export const cellName = (cell: Pick<BurstCell, 'frames' | 'prior'>) =>
  `${formatSize(cell.frames)} into ${formatSize(cell.prior)}`;

function burstGoals(
  burst: BurstResults | undefined,
  frames: number[],
  priors: number[],
): GoalResult[] {
  const cell = (f: number, p: number) =>
    burst?.cells.find((c) => c.frames === frames[f] && c.prior === priors[p]);
  const versusFloor = (f: number, p: number, limit: number, id: string): GoalResult => {
    const found = cell(f, p);
    const ratio = pairedRatio(found?.samples.package, found?.samples.floor);
    const name = found
      ? cellName(found)
      : `${formatSize(frames[f] ?? 0)} into ${formatSize(priors[p] ?? 0)}`;
    return {
      id,
      scenario: 'Burst ingest',
      goal: `${name} within ${limit}× the floor`,
      measured: found
        ? `${formatRatio(ratio)} (${formatMs(burstTime(found.samples.package))} vs ${formatMs(burstTime(found.samples.floor))})`
        : 'not run',
      value: ratio,
      verdict: verdictOf(ratio, limit),
    };
  };
  // The slowest margin over the peers, over every cell.
  let worst: { ratio: number; capped: boolean; peer: ContestantKey; cell: BurstCell } | null = null;
  for (const c of burst?.cells ?? []) {
    const own = burstTime(c.samples.package);
    for (const peer of PEERS) {
      const samples = c.samples[peer];
      if (!samples?.length) continue;
      const ratio = burstTime(samples) / own;
      const capped = samples.some((sample) => sample.capped);
      if (!worst || ratio < worst.ratio) worst = { ratio, capped, peer, cell: c };
    }
  }
  const peerVerdict: Verdict = !worst
    ? 'not run'
    : worst.ratio >= 50
      ? 'met'
      : worst.capped
        ? 'not shown'
        : 'missed';
  return [
    versusFloor(1, 1, 2, 'burst-mid'),
    versusFloor(2, 1, 3, 'burst-large'),
    {
      id: 'burst-peers',
      scenario: 'Burst ingest',
      goal: 'at least 50× faster than contestants 2–4 (every cell)',
      measured: worst
        ? `smallest margin ${worst.capped ? '≥ ' : ''}${formatRatio(worst.ratio)} (${contestantByKey(worst.peer).name.split(' (')[0]}, ${cellName(worst.cell)})`
        : 'not run',
      value: worst?.ratio ?? Number.NaN,
      verdict: peerVerdict,
    },
  ];
}

function liveGoals(live: LiveResults | undefined): GoalResult[] {
  const cost = (name: LiveStoreName) =>
    median(live?.stores.find((store) => store.name === name)?.results.package?.costs ?? []);
  const store = (name: LiveStoreName) => live?.stores.find((s) => s.name === name);
  const describe = (name: LiveStoreName) => {
    const s = store(name);
    return s
      ? s.conversations > 1
        ? `${s.conversations} conversations of ${formatSize(s.perConversation)}`
        : `one conversation of ${formatSize(s.perConversation)}`
      : name;
  };
  const alone = cost('alone');
  const absolute = (name: LiveStoreName): GoalResult => ({
    id: `live-${name}`,
    scenario: 'One live message',
    goal: `into ${describe(name)}: at most 1 ms`,
    measured: formatMs(cost(name)),
    value: cost(name),
    verdict: verdictOf(cost(name), 1),
  });
  const relative = (name: LiveStoreName): GoalResult => {
    const ratio = cost(name) / alone;
    return {
      id: `live-${name}-ratio`,
      scenario: 'One live message',
      goal: `into ${describe(name)}: at most 2× its cost in ${describe('alone')}`,
      measured: `${formatRatio(ratio)} (${formatMs(cost(name))} vs ${formatMs(alone)})`,
      value: ratio,
      verdict: verdictOf(ratio, 2),
    };
  };
  return [absolute('shared'), absolute('long'), relative('shared'), relative('long')];
}

/** Per change (ms) of a storm phase over some samples, and how it was obtained. */
export function stormPerChange(
  samples: ReadonlyArray<StormSample> | undefined,
  phase: 'edits' | 'deletes',
): { value: number; capped: boolean; pilotOnly: boolean } {
  const outcomes = (samples ?? []).map((sample) => sample[phase]).filter((o) => o !== null);
  return {
    value: median(outcomes.map((o) => o.ms / o.frames)),
    capped: outcomes.some((o) => o.capped),
    pilotOnly: outcomes.some((o) => o.pilotOnly),
  };
}

function stormGoals(storm: StormResults | undefined): GoalResult[] {
  const [small, large] = [storm?.stores[0]?.size ?? 0, storm?.stores[1]?.size ?? 0];
  return (['edits', 'deletes'] as const).map((phase) => {
    const atSmall = stormPerChange(storm?.stores[0]?.samples.package, phase);
    const atLarge = stormPerChange(storm?.stores[1]?.samples.package, phase);
    const ratio = atLarge.value / atSmall.value;
    // A capped large store is a lower bound on the ratio: it can only show the goal missed.
    const verdict: Verdict =
      atSmall.capped || (atLarge.capped && ratio <= 2) ? 'not shown' : verdictOf(ratio, 2);
    const bound = atLarge.capped ? '≥ ' : '';
    const pilot = atLarge.pilotOnly || atSmall.pilotOnly ? ', from the pilot' : '';
    return {
      id: `storm-${phase}`,
      scenario: 'Edit and delete storm',
      goal: `${phase === 'edits' ? 'per edit' : 'per deletion'} at ${formatSize(large)}: at most 2× the cost at ${formatSize(small)}`,
      measured: `${bound}${formatRatio(ratio)} (${bound}${formatMs(atLarge.value)} vs ${formatMs(atSmall.value)}${pilot})`,
      value: ratio,
      verdict,
    };
  });
}

/** Median per page over the runs, then the median of the first and of the last `compare` pages. */
export function pageCosts(
  runs: readonly number[][],
  compare: number,
): { first: number; last: number; perPage: number[] } {
  const pages = runs.length ? Math.min(...runs.map((run) => run.length)) : 0;
  const perPage: number[] = [];
  for (let p = 0; p < pages; p++) perPage.push(median(runs.map((run) => run[p] as number)));
  return {
    first: median(perPage.slice(0, compare)),
    last: median(perPage.slice(-compare)),
    perPage,
  };
}

function scrollBackGoals(scrollBack: ScrollBackResults | undefined): GoalResult[] {
  const series = scrollBack?.results.package;
  const pages = scrollBack?.pages ?? 0;
  const compare = scrollBack?.compare ?? 1;
  const span =
    compare > 1 ? ` (medians of pages 1–${compare} and ${pages - compare + 1}–${pages})` : '';
  const goal = (which: 'busy' | 'apply'): GoalResult => {
    const { first, last } = pageCosts(series?.[which] ?? [], compare);
    const ratio = last / first;
    return {
      id: `scrollback-${which}`,
      scenario: 'Scroll-back',
      goal:
        which === 'busy'
          ? `page ${pages} at most 1.5× page 1`
          : `stricter reading: the store's part of page ${pages} at most 1.5× page 1's`,
      measured: `${formatRatio(ratio)} (${formatMs(last)} vs ${formatMs(first)})${span}`,
      value: ratio,
      verdict: verdictOf(ratio, 1.5),
    };
  };
  return [goal('busy'), goal('apply')];
}

function latencyGoals(latency: LatencyResults | undefined): GoalResult[] {
  const p99 = (key: ContestantKey) => percentile(latency?.results[key]?.latencies ?? [], 99);
  const own = p99('package');
  const floor = p99('floor');
  const excess = own - floor;
  return [
    {
      id: 'latency',
      scenario: 'Latency',
      goal: `p99 at most the floor's p99 + 16 ms (${latency?.backgroundPerSecond ?? 100} msg/s background)`,
      measured: `p99 ${formatMs(own)}, floor ${formatMs(floor)} (${excess < 0 ? '−' : '+'}${formatMs(Math.abs(excess))})`,
      value: excess,
      verdict: verdictOf(excess, 16),
    },
  ];
}

function memoryGoals(memory: MemoryResults | undefined): GoalResult[] {
  const perMessage = memory?.results.package?.perMessage ?? Number.NaN;
  return [
    {
      id: 'memory',
      scenario: 'Memory',
      goal: `at ${formatSize(memory?.messages ?? 0)} messages of ${memory?.textLength ?? 100} characters: at most 450 B per message`,
      measured: Number.isFinite(perMessage) ? `${perMessage.toFixed(0)} B` : 'not run',
      value: perMessage,
      verdict: verdictOf(perMessage, 450),
    },
  ];
}

function bundleGoals(bundle: BundleResults | undefined): GoalResult[] {
  const goals: Array<[string, string, number]> = [
    ['bundle-selector', 'one selector', 4],
    ['bundle-createChat', 'createChat', 14],
    ['bundle-everything', 'everything, React entry included', 36],
  ];
  return goals.map(([id, name, limitKb]) => {
    const gzip = bundle?.cases.find((c) => c.name === name)?.gzip ?? Number.NaN;
    return {
      id,
      scenario: 'Host bundle',
      goal: `${name}: at most ${limitKb} kB (min + gzip)`,
      measured: formatBytes(gzip),
      value: gzip / 1024,
      verdict: verdictOf(gzip / 1024, limitKb),
    };
  });
}

function renderGoals(render: RenderResults | undefined): GoalResult[] {
  const available = render?.available === true;
  const others = (render?.append.rows ?? []).filter((row) => row.id !== render?.append.newId);
  const newRendered = (render?.append.rows ?? []).some((row) => row.id === render?.append.newId);
  const shell = Object.entries(render?.append.components ?? {})
    .filter(([name]) => name !== 'MessageRow')
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ');
  return [
    {
      id: 'render-open',
      scenario: 'Rendering',
      goal: `a ${formatSize(render?.conversation ?? 0)}-message conversation opens with at most 100 rows in the DOM`,
      measured: available ? `${render?.rowsOnOpen} rows` : 'not run',
      value: available ? (render?.rowsOnOpen ?? Number.NaN) : Number.NaN,
      verdict: available ? verdictOf(render?.rowsOnOpen ?? Number.NaN, 100) : 'not run',
    },
    {
      id: 'render-append',
      scenario: 'Rendering',
      goal: 'appending one message re-renders only the new row and the list shell',
      measured: available
        ? `rows rendered: ${newRendered ? 'the new one' : 'not the new one'}${others.length ? ` and ${others.length} other${others.length > 1 ? 's' : ''}` : ' only'} (${shell ? 'see Rendering' : 'no shell'})`
        : 'not run',
      value: available ? others.length : Number.NaN,
      verdict: !available ? 'not run' : newRendered && others.length === 0 ? 'met' : 'missed',
    },
    {
      id: 'render-burst',
      scenario: 'Rendering',
      goal: `a burst of ${formatSize(render?.burst ?? 0)} messages causes at most 3 commits`,
      measured: available ? `${render?.burstCommits} commits` : 'not run',
      value: available ? (render?.burstCommits ?? Number.NaN) : Number.NaN,
      verdict: available ? verdictOf(render?.burstCommits ?? Number.NaN, 3) : 'not run',
    },
  ];
}

export function evaluateGoals(
  results: AllResults,
  burstSizes: { frames: number[]; priors: number[] },
): GoalResult[] {
  return [
    ...burstGoals(results.burst, burstSizes.frames, burstSizes.priors),
    ...liveGoals(results.live),
    ...stormGoals(results.storm),
    ...scrollBackGoals(results.scrollback),
    ...latencyGoals(results.latency),
    ...memoryGoals(results.memory),
    ...bundleGoals(results.bundle),
    ...renderGoals(results.render),
  ];
}
