import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArguments, SCENARIOS } from '../../bench/cli';
import { contestants } from '../../bench/contestants';
import { evaluateGoals } from '../../bench/goals';
import type { AllResults, GoalResult } from '../../bench/goals';
import type { Run } from '../../bench/report';
import { peerLowerBound } from '../../bench/scenarios/burst';
import type { BurstResults, BurstSample } from '../../bench/scenarios/burst';
import { formatMs } from '../../bench/harness';
import { quickSizes } from '../../bench/sizes';

/**
 * The benchmark harness at `--quick` sizes (the real figures come from
 * `npm run bench`): it must run every scenario and produce every figure of
 * docs/performance.md. Nothing here looks at how fast anything was.
 */
jest.setTimeout(300_000);

const root = path.resolve(__dirname, '../..');
const tsx = require.resolve('tsx/cli');
const chromiumPresent = existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium');
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, 'bench/run.ts', ...args], {
      cwd: root,
      // Jest sets NODE_ENV=test; the bench measures production builds.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const ALL_GOALS = [
  'burst-mid',
  'burst-large',
  'burst-peers',
  'live-shared',
  'live-long',
  'live-shared-ratio',
  'live-long-ratio',
  'storm-edits',
  'storm-deletes',
  'scrollback-busy',
  'scrollback-apply',
  'latency',
  'memory',
  'bundle-selector',
  'bundle-createChat',
  'bundle-everything',
  'render-open',
  'render-append',
  'render-burst',
];

describe('npm run bench -- --quick', () => {
  let dir: string;
  let run: Run;
  let report: string;
  let output: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ucr-bench-'));
    // A report with notes of the lead's, which the run must keep.
    writeFileSync(
      path.join(dir, 'performance.md'),
      '# old\n\n<!-- what-was-tried:start -->\n\nChunks of 512: tried, kept.\n\n<!-- what-was-tried:end -->\n',
    );
    const result = await bench([
      '--quick',
      `--json=${path.join(dir, 'run.json')}`,
      `--report=${path.join(dir, 'performance.md')}`,
    ]);
    output = result.output;
    if (result.code !== 0) throw new Error(`the quick bench failed (${result.code}):\n${output}`);
    run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as Run;
    report = readFileSync(path.join(dir, 'performance.md'), 'utf8');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario and prints progress', () => {
    expect(Object.keys(run.results).sort()).toEqual([...SCENARIOS].sort());
    for (const scenario of SCENARIOS) expect(output).toContain(`${scenario} done in`);
    expect(run.machine.quick).toBe(true);
    expect(run.machine.revision.commit).toMatch(/^[0-9a-f]{7,}$/);
  });

  it('evaluates every goal with a figure beside it', () => {
    expect(run.goals.map((goal) => goal.id)).toEqual(ALL_GOALS);
    for (const goal of run.goals) {
      const skippedRender = goal.id.startsWith('render') && !chromiumPresent && !inCi;
      if (skippedRender) continue;
      expect({ id: goal.id, finite: Number.isFinite(goal.value) }).toEqual({
        id: goal.id,
        finite: true,
      });
      expect(['met', 'missed', 'not shown']).toContain(goal.verdict);
      expect(goal.measured).not.toBe('not run');
    }
  });

  it('measures every contestant in every burst cell, live store, storm and latency run', () => {
    const results = run.results as Required<AllResults>;
    const { frames, priors } = quickSizes.burst;
    expect(results.burst.cells.map((cell) => [cell.frames, cell.prior])).toEqual(
      priors.flatMap((prior) => frames.map((count) => [count, prior])),
    );
    for (const cell of results.burst.cells) {
      for (const contestant of contestants) {
        const samples = cell.samples[contestant.key] ?? [];
        expect({
          cell: [cell.frames, cell.prior],
          key: contestant.key,
          n: samples.length > 0,
        }).toEqual({ cell: [cell.frames, cell.prior], key: contestant.key, n: true });
        for (const sample of samples) expect(Number.isFinite(sample.estimateMs)).toBe(true);
      }
      // The package kept every message of the burst (no frame lost on the way).
      for (const sample of cell.samples.package ?? [])
        expect(sample.stored).toBe(cell.prior + cell.frames);
    }
    for (const store of results.live.stores) {
      for (const contestant of contestants)
        expect(store.results[contestant.key]?.costs).toHaveLength(quickSizes.live.messages);
    }
    for (const store of results.storm.stores) {
      for (const contestant of contestants)
        expect(store.samples[contestant.key]?.length).toBeGreaterThan(0);
    }
    for (const contestant of contestants) {
      expect(results.latency.results[contestant.key]?.latencies).toHaveLength(
        quickSizes.latency.samples * quickSizes.latency.rounds,
      );
      expect(results.memory.results[contestant.key]?.held).toBe(quickSizes.memory.messages);
    }
    expect(Object.keys(results.scrollback.results).sort()).toEqual(['batched', 'floor', 'package']);
    expect(results.bundle.cases.map((c) => c.name)).toEqual([
      'one selector',
      'createChat',
      'core entry (everything)',
      'everything, React entry included',
    ]);
    // Where createChat's bytes go: its modules, the messages reducer among them.
    const parts = results.bundle.createChatParts ?? [];
    expect(parts.map((part) => part.part)).toContain('src/state/messagesSlice.ts');
    for (const part of parts) expect(part.minified).toBeGreaterThan(0);
  });

  it('writes every section of the report and keeps the "what was tried" notes', () => {
    for (const heading of [
      '## Goals of this run',
      '## How to run',
      '## Method',
      '## 1. Burst ingest',
      '## 2. One live message',
      '## 3. Edit and delete storm',
      '## 4. Scroll-back',
      '## 5. Latency',
      '## 6. Memory',
      '## 7. Host bundle',
      '## 8. Rendering',
      '## What was tried',
      '## Machine',
    ])
      expect(report).toContain(heading);
    expect(report).toContain("Where `createChat`'s bytes go");
    expect(report).toContain('Chunks of 512: tried, kept.');
    expect(report).not.toContain('# old');
    for (const goal of run.goals) expect(report).toContain(goal.goal);
  });
});

it('--profile writes a CPU profile of the package part of a scenario, and only runs that one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ucr-bench-profile-'));
  try {
    const result = await bench(['--quick', '--profile=live', `--profile-dir=${dir}`]);
    if (result.code !== 0) throw new Error(`the profiled run failed:\n${result.output}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'live-alone.cpuprofile',
      'live-long.cpuprofile',
      'live-shared.cpuprofile',
    ]);
    const profile = JSON.parse(readFileSync(path.join(dir, files[0] as string), 'utf8')) as {
      nodes: unknown[];
      samples: unknown[];
    };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(result.output).not.toContain('burst done in');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('figures in words', () => {
  it('writes a negative time with a minus sign, in the unit of its size', () => {
    expect(formatMs(-23.87)).toBe('−23.9 ms');
    expect(formatMs(0.5)).toBe('500 µs');
  });
});

describe('the command line', () => {
  it('rewrites the report only after a full run', () => {
    expect(parseArguments([])).toMatchObject({ scenarios: [...SCENARIOS], writesReport: true });
    expect(parseArguments(['--only=burst,live'])).toMatchObject({
      scenarios: ['burst', 'live'],
      writesReport: false,
    });
    expect(parseArguments(['--profile=storm'])).toMatchObject({
      scenarios: ['storm'],
      profile: 'storm',
      writesReport: false,
    });
    expect(parseArguments(['--quick'])).toMatchObject({ writesReport: false });
  });

  it('refuses unknown scenarios and arguments', () => {
    expect(parseArguments(['--only=bursts'])).toEqual({
      error: 'Unknown scenario in --only: bursts',
    });
    expect(parseArguments(['--profile='])).toHaveProperty('error');
    expect(parseArguments(['--fast'])).toEqual({ error: 'Unknown argument: --fast' });
  });
});

describe('the burst verdict against the peers', () => {
  const sample = (estimateMs: number, capped: boolean): BurstSample => ({
    ms: estimateMs,
    capped,
    applied: capped ? 1 : 10,
    frames: 10,
    estimateMs,
    notRun: false,
    stored: 10,
  });
  const burst = (peerMs: number, capped: boolean): BurstResults => ({
    cells: [
      {
        frames: 10,
        prior: 0,
        samples: {
          floor: [sample(1, false)],
          package: [sample(2, false)],
          rtkQueryStreaming: [sample(peerMs, capped)],
          listener: [sample(1000, false)],
          reduxWebsocket: [sample(1000, false)],
        },
      },
    ],
  });
  const peers = (results: BurstResults): GoalResult =>
    evaluateGoals({ burst: results }, { frames: [10, 10, 10], priors: [0, 0, 0] }).find(
      (goal) => goal.id === 'burst-peers',
    ) as GoalResult;

  it('is met when every margin, lower bounds included, is at least 50×', () => {
    expect(peers(burst(100, true))).toMatchObject({ verdict: 'met', value: 50 });
  });

  it('is missed when a fully measured peer is within 50×', () => {
    expect(peers(burst(60, false))).toMatchObject({ verdict: 'missed', value: 30 });
  });

  it('is not shown when only a lower bound falls short', () => {
    expect(peers(burst(60, true))).toMatchObject({ verdict: 'not shown', value: 30 });
  });
});

describe('the lower bound of a capped peer', () => {
  it('charges the first frames what the run into the same store took', () => {
    // 100 of the frames in 50 ms into an empty store, nothing else known: 0.5 ms a frame at least.
    expect(peerLowerBound([{ prior: 0, applied: 100, ms: 50 }], 0, 1000)).toBe(500);
  });

  it('charges later frames the dearest rate of any run that ended at a smaller store', () => {
    const runs = [
      { prior: 0, applied: 1000, ms: 100 }, // 0.1 ms a frame, ends at 1,000
      { prior: 2000, applied: 10, ms: 10 }, // 1 ms a frame, ends at 2,010
    ];
    // Frames 0–999: 100 ms; 1,000–2,009 at 0.1 ms: 101 ms; 2,010–2,999 at 1 ms: 990 ms.
    expect(peerLowerBound(runs, 0, 3000)).toBeCloseTo(100 + 101 + 990, 6);
    // Into 2,000: its own run covers 10 frames (10 ms), the next 90 cost at least 1 ms each.
    expect(peerLowerBound(runs, 2000, 100)).toBeCloseTo(10 + 90, 6);
  });

  it("starts from the cell's own capped run, never from a longer run scaled down", () => {
    const runs = [
      { prior: 0, applied: 2000, ms: 1000 }, // 0.5 ms a frame over 2,000 frames
      { prior: 0, applied: 750, ms: 2000 }, // this cell's run: 750 frames in 2 s
    ];
    // 2 s for its 750, then 250 frames at the dearest rate of the runs ended by 750: 2000/750.
    expect(peerLowerBound(runs, 0, 1000, runs[1])).toBeCloseTo(2000 + (250 * 2000) / 750, 6);
  });

  it('never charges a frame less than a run into a smaller store measured', () => {
    const runs = [
      { prior: 0, applied: 50, ms: 100 }, // 2 ms a frame
      { prior: 100, applied: 10, ms: 5 }, // 0.5 ms a frame: noise, lower than before
    ];
    expect(peerLowerBound(runs, 100, 20)).toBeCloseTo(5 + 10 * 2, 6);
  });
});
