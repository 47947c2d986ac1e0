import type { ScenarioName } from '../cli';
import { runBundle } from './bundle';
import { runBurst } from './burst';
import type { Context } from './context';
import { runLatency } from './latency';
import { runLive } from './live';
import { runMemory } from './memory';
import { runRender } from './render';
import { runScrollBack } from './scrollBack';
import { runStorm } from './storm';

/** Every scenario, by its name on the command line. */
export const runners: Record<ScenarioName, (context: Context) => Promise<unknown>> = {
  bundle: runBundle,
  memory: runMemory,
  burst: runBurst,
  live: runLive,
  storm: runStorm,
  scrollback: runScrollBack,
  latency: runLatency,
  render: runRender,
};
