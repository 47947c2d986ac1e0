import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run bench`: runs every benchmark and rewrites docs/performance.md.
 *
 * The benchmarks need `global.gc` (exact heap deltas, a collection before
 * each sample) and production builds of React and RTK, so the first process
 * starts a second one with `--expose-gc` and `NODE_ENV=production` (unless
 * NODE_ENV is set) and only that one loads the benchmarks. With
 * `BENCH_JSON=<file>` the raw results are also written to that file.
 */

const CHILD_FLAG = 'UNET_CHAT_BENCH_CHILD';
const root = path.resolve(__dirname, '..');
const reportPath = path.join(root, 'docs', 'performance.md');

function relaunch(): number {
  const script = process.argv[1] ?? path.join(__dirname, 'run.ts');
  const result = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', script], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_FLAG]: '1', NODE_ENV: process.env.NODE_ENV ?? 'production' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function revision(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root })
      .toString()
      .trim();
    return dirty ? `${commit} with uncommitted changes in src/` : commit;
  } catch {
    return 'unknown';
  }
}

async function runAll(): Promise<void> {
  // Loaded here, in the child, so they see its NODE_ENV.
  const { runReceiveBenchmark } = await import('./receive');
  const { runSelectorBenchmark } = await import('./selectors');
  const { runBurstBenchmark } = await import('./burst');
  const { runMemoryBenchmark } = await import('./memory');
  const { handWrittenPart, renderReport } = await import('./report');
  const { collectGarbage } = await import('./harness');

  const started = performance.now();
  const loadAverage = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
  const log = (line: string) =>
    console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

  // Memory first, on the quietest heap; the burst last, since it installs jsdom globals.
  const memory = runMemoryBenchmark(10_000, 3, log);
  const receive = runReceiveBenchmark(undefined, log);
  const selectors = runSelectorBenchmark(undefined, log);
  const burst = await runBurstBenchmark(undefined, log);

  const cpus = os.cpus();
  const results = {
    machine: {
      node: process.version,
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
      platform: `${os.type()} ${os.release()} ${process.arch}`,
      loadAverage,
      nodeEnv: process.env.NODE_ENV ?? '(unset)',
      gcExposed: collectGarbage !== undefined,
      date: new Date().toISOString(),
      revision: revision(),
      durationSeconds: (performance.now() - started) / 1000,
    },
    receive,
    selectors,
    burst,
    memory,
  };
  const previous = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : null;
  // Formatted as `npm run lint` expects, so a fresh report never fails `prettier --check`.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(reportPath)) ?? {};
  const report = await prettier.format(renderReport(results, handWrittenPart(previous)), {
    ...options,
    filepath: reportPath,
  });
  writeFileSync(reportPath, report);
  log(`wrote ${path.relative(root, reportPath)}`);
  if (process.env.BENCH_JSON)
    writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
}

if (process.env[CHILD_FLAG]) {
  runAll().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  process.exitCode = relaunch();
}
