import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArguments, usage } from './cli';
import type { BenchArguments, ScenarioName } from './cli';
import type { AllResults } from './goals';
import type { Revision, Run } from './report';

/**
 * `npm run bench`: runs every scenario and rewrites docs/performance.md.
 *
 *   npm run bench                      everything (about 10 minutes), rewrites the report
 *   npm run bench -- --only=burst      one scenario (or a comma list); report left alone
 *   npm run bench -- --quick           tiny sizes: checks the harness, not the package
 *   npm run bench -- --profile=burst   CPU profiles of the package's part of a scenario
 *   npm run bench -- --json=out.json   the raw results too
 *
 * The figures need `global.gc` (heap deltas, a collection before each sample)
 * and the production builds of React and RTK, so this process starts a
 * second one with `--expose-gc` and `NODE_ENV=production`, and only that one
 * runs the scenarios. The senders run in a third process (bench/sender).
 */

const CHILD_FLAG = 'UNET_CHAT_BENCH_CHILD';
const root = path.resolve(__dirname, '..');
const reportPath = path.join(root, 'docs', 'performance.md');

function relaunch(): number {
  const script = process.argv[1] ?? path.join(__dirname, 'run.ts');
  const result = spawnSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', script, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, [CHILD_FLAG]: '1', NODE_ENV: process.env.NODE_ENV ?? 'production' },
    },
  );
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root }).toString().trim();
}

/** The commit measured: HEAD, the last commit that changed src/, and whether src/ differs. */
function revision(): Revision {
  try {
    const packageCommit = git(['log', '-1', '--format=%h', '--', 'src']);
    return {
      commit: git(['rev-parse', '--short', 'HEAD']),
      packageCommit,
      subject: git(['log', '-1', '--format=%s', packageCommit]).replace(/^(.{70}).+$/s, '$1…'),
      dirty: git(['status', '--porcelain', '--', 'src']) !== '',
    };
  } catch {
    return { commit: 'unknown', packageCommit: 'unknown', subject: '', dirty: false };
  }
}

async function runAll(options: BenchArguments): Promise<void> {
  // Loaded here, in the child, so that they see its NODE_ENV.
  const { SenderProcess } = await import('./sender/client');
  const { fullSizes, quickSizes } = await import('./sizes');
  const { runners } = await import('./scenarios');
  const { renderReport, whatWasTried } = await import('./report');
  const { evaluateGoals } = await import('./goals');
  const { collectGarbage } = await import('./harness');

  const started = performance.now();
  const log = (line: string) =>
    console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const loadAverage = os.loadavg().map((value) => value.toFixed(2));
  const sender = await SenderProcess.start();
  const context = {
    sender,
    sizes: options.quick ? quickSizes : fullSizes,
    quick: options.quick,
    log,
    profile: options.profile,
    profileDir: options.profileDir ?? path.join(root, '.tmp', 'bench-profiles'),
    root,
  };
  const results: Partial<Record<ScenarioName, unknown>> = {};
  const durations: Partial<Record<ScenarioName, number>> = {};
  try {
    for (const name of options.scenarios) {
      const scenarioStart = performance.now();
      log(`— ${name} —`);
      results[name] = await runners[name](context);
      durations[name] = (performance.now() - scenarioStart) / 1000;
      log(`${name} done in ${durations[name]?.toFixed(0)} s`);
    }
  } finally {
    await sender.stop();
  }

  const cpus = os.cpus();
  const machine = {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    platform: `${os.type()} ${os.release()} ${process.arch}`,
    loadAverageAtStart: loadAverage,
    loadAverageAtEnd: os.loadavg().map((value) => value.toFixed(2)),
    nodeEnv: process.env.NODE_ENV ?? '(unset)',
    gcExposed: collectGarbage !== undefined,
    date: new Date().toISOString(),
    revision: revision(),
    quick: options.quick,
    durationSeconds: (performance.now() - started) / 1000,
    scenarioSeconds: durations,
  };
  const run: Run = {
    machine,
    results: results as AllResults,
    goals: evaluateGoals(results as AllResults, context.sizes.burst),
  };

  for (const goal of run.goals) {
    log(`${goal.verdict.padEnd(9)} ${goal.scenario}: ${goal.goal} — ${goal.measured}`);
  }
  if (options.json) {
    mkdirSync(path.dirname(options.json), { recursive: true });
    writeFileSync(options.json, JSON.stringify(run, null, 2));
    log(`wrote ${options.json}`);
  }
  const target = options.report ?? (options.writesReport ? reportPath : null);
  if (target) {
    const previous = existsSync(target) ? readFileSync(target, 'utf8') : null;
    // Formatted as `npm run lint` expects, so a fresh report never fails `prettier --check`.
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(reportPath)) ?? {};
    const report = await prettier.format(renderReport(run, whatWasTried(previous)), {
      ...config,
      filepath: reportPath,
    });
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, report);
    log(`wrote ${path.relative(root, target)}`);
  }
  log(`finished in ${machine.durationSeconds.toFixed(0)} s`);
}

const parsed = parseArguments(process.argv.slice(2));
if ('error' in parsed) {
  console.error(`${parsed.error}\n\n${usage}`);
  process.exitCode = 2;
} else if (process.env[CHILD_FLAG]) {
  runAll(parsed).then(
    // Sockets of closed contestants may linger for a moment; the run is over.
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  process.exitCode = relaunch();
}
