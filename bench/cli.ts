/** The command line of `npm run bench` (see bench/run.ts). */

export const SCENARIOS = [
  'bundle',
  'memory',
  'burst',
  'live',
  'storm',
  'scrollback',
  'latency',
  'render',
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchArguments {
  scenarios: ScenarioName[];
  quick: boolean;
  /** A scenario whose package part is CPU-profiled. */
  profile: ScenarioName | null;
  json: string | null;
  /** Write the report here (default: docs/performance.md after a full run). */
  report: string | null;
  /** Where CPU profiles go (default .tmp/bench-profiles). */
  profileDir: string | null;
  /** A full run of every scenario rewrites docs/performance.md. */
  writesReport: boolean;
}

export const usage = `Usage: npm run bench -- [--only=<scenario>[,<scenario>…]] [--quick] [--profile=<scenario>] [--json=<file>] [--report=<file>] [--profile-dir=<dir>]
Scenarios: ${SCENARIOS.join(', ')}`;

const isScenario = (name: string): name is ScenarioName =>
  (SCENARIOS as readonly string[]).includes(name);

export function parseArguments(argv: readonly string[]): BenchArguments | { error: string } {
  let only: ScenarioName[] | null = null;
  let quick = false;
  let profile: ScenarioName | null = null;
  let json: string | null = null;
  let report: string | null = null;
  let profileDir: string | null = null;
  for (const argument of argv) {
    const [flag, value = ''] = argument.split(/=(.*)/s);
    switch (flag) {
      case '--only': {
        const names = value.split(',').filter(Boolean);
        const unknown = names.filter((name) => !isScenario(name));
        if (names.length === 0 || unknown.length > 0)
          return { error: `Unknown scenario in --only: ${unknown.join(', ') || '(none)'}` };
        only = names as ScenarioName[];
        break;
      }
      case '--quick':
        quick = true;
        break;
      case '--profile':
        if (!isScenario(value)) return { error: `Unknown scenario in --profile: ${value}` };
        profile = value;
        break;
      case '--json':
        if (!value) return { error: '--json needs a file' };
        json = value;
        break;
      case '--report':
        if (!value) return { error: '--report needs a file' };
        report = value;
        break;
      case '--profile-dir':
        if (!value) return { error: '--profile-dir needs a folder' };
        profileDir = value;
        break;
      default:
        return { error: `Unknown argument: ${argument}` };
    }
  }
  // A profiled run is slower than a plain one: it runs that scenario only, and never rewrites the report.
  const scenarios = only ?? (profile ? [profile] : [...SCENARIOS]);
  return {
    scenarios,
    quick,
    profile,
    json,
    report,
    profileDir,
    writesReport: only === null && profile === null && !quick,
  };
}
