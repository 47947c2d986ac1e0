import { contestantByKey, contestants } from './contestants';
import type { ContestantKey } from './contestants';
import { burstTime, cellName, pageCosts, pairedRatio, stormPerChange } from './goals';
import type { AllResults, GoalResult } from './goals';
import {
  formatBytes,
  formatCount,
  formatMs,
  formatRatio,
  formatSize,
  mean,
  median,
  percentile,
} from './harness';
import type { BundlePart } from './scenarios/bundle';
import type { BurstCell } from './scenarios/burst';

/**
 * docs/performance.md, written from one run. Everything is generated except
 * the section between the "what was tried" markers, which is kept from the
 * previous file (the lead's notes on designs tried and what they gave).
 */

export interface Revision {
  /** HEAD of the working tree. */
  commit: string;
  /** The last commit that changed src/: the package that was measured. */
  packageCommit: string;
  subject: string;
  /** src/ differs from HEAD. */
  dirty: boolean;
}

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  memory: string;
  platform: string;
  loadAverageAtStart: string[];
  loadAverageAtEnd: string[];
  nodeEnv: string;
  gcExposed: boolean;
  date: string;
  revision: Revision;
  quick: boolean;
  durationSeconds: number;
  scenarioSeconds: Partial<Record<string, number>>;
}

export interface Run {
  machine: Machine;
  results: AllResults;
  goals: GoalResult[];
}

const TRIED_START = '<!-- what-was-tried:start -->';
const TRIED_END = '<!-- what-was-tried:end -->';

const TRIED_PLACEHOLDER = [
  '_For the lead: the designs tried to meet the goals, and what each gave (with the figures of',
  'the run that measured it). Kept as written when `npm run bench` rewrites this file._',
].join('\n');

/** The "What was tried" section of the previous report, or the placeholder. */
export function whatWasTried(previous: string | null): string {
  if (!previous) return TRIED_PLACEHOLDER;
  const start = previous.indexOf(TRIED_START);
  const end = previous.indexOf(TRIED_END);
  if (start < 0 || end < start) return TRIED_PLACEHOLDER;
  return previous.slice(start + TRIED_START.length, end).trim() || TRIED_PLACEHOLDER;
}

function table(header: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const rule = header.map((_, i) =>
    (align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---',
  );
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const nameOf = (key: ContestantKey) => contestantByKey(key).name;
const numberOf = (key: ContestantKey) => contestants.findIndex((c) => c.key === key) + 1;
const label = (key: ContestantKey) => `${numberOf(key)}. ${nameOf(key)}`;

const VERDICT_MARK: Record<GoalResult['verdict'], string> = {
  met: '**met**',
  missed: '**missed**',
  'not shown': 'not shown',
  'not run': 'not run',
};

function summary(run: Run): string {
  const { revision } = run.machine;
  const met = run.goals.filter((goal) => goal.verdict === 'met').length;
  return [
    '## Goals of this run',
    '',
    `The package as of commit \`${revision.packageCommit}\` (the last to change src/: ${revision.subject})` +
      `${revision.dirty ? ' **with uncommitted changes in src/**' : ''}, in a tree at \`${revision.commit}\`;` +
      ` ${run.machine.date.slice(0, 10)}, ${run.machine.durationSeconds.toFixed(0)} s` +
      `${run.machine.quick ? ', **quick sizes (not the goals’ sizes)**' : ''}. ${met} of ${run.goals.length} goals met.`,
    '',
    table(
      ['scenario', 'goal', 'measured', 'verdict'],
      run.goals.map((goal) => [
        goal.scenario,
        goal.goal,
        goal.measured,
        VERDICT_MARK[goal.verdict],
      ]),
      ['l', 'l', 'l', 'l'],
    ),
    '',
    '"not shown": the figure rests on a lower bound (a peer stopped at its time cap) that falls short',
    'of the goal, so this run can neither show the goal met nor missed.',
  ].join('\n');
}

const HOW_TO_RUN = `## How to run

\`\`\`sh
npm run bench                         # every scenario (about 10 minutes); rewrites this file
npm run bench -- --only=burst         # one scenario, or a list: --only=live,storm
npm run bench -- --quick              # tiny sizes: checks that the harness works (npm test runs it)
npm run bench -- --profile=burst      # CPU profiles of the package's part, in .tmp/bench-profiles/
                                      #   (or --profile-dir=<dir>)
npm run bench -- --json=results.json  # the raw figures as well
\`\`\`

Scenarios: \`bundle\`, \`memory\`, \`burst\`, \`live\`, \`storm\`, \`scrollback\`, \`latency\`, \`render\`.
Only a full run rewrites this file (\`--report=<file>\` writes one anywhere). \`--profile=<scenario>\`
runs that scenario alone with the V8 sampling profiler on during the package's timed parts only
(one \`.cpuprofile\` per part: open it in Chrome DevTools' Performance panel or VS Code); its
figures are slower than a plain run's and it never rewrites this file.`;

const METHOD = `## Method

- **Processes.** \`bench/run.ts\` restarts itself as \`node --expose-gc\` with \`NODE_ENV=production\`
  (the builds of RTK and React users run). The traffic comes from a third process,
  \`bench/sender/process.ts\`, over loopback: a minimal unet-chat server (the contract's history
  endpoint with [ext] paging, conversation and user reads, conversation sockets) that holds each
  conversation in memory, and for the latency scenario the real reference server
  (\`startServer({ port: 0, db: ':memory:', rateLimits: false })\`). Bursts are framed before the clock
  starts and written to the socket back to back, so the sender's work never shows in a figure.
- **The same frames for all.** Messages are deterministic (\`bench/fixtures.ts\`): the sender and
  every contestant build the same ids, texts and times from the same numbers.
- **Contestants**, in one run, each a fresh client per sample with its history loaded its own way:
  1. **the floor**: \`ws\` receives, \`JSON.parse\`, push onto an array (an id → slot map for edits and
     deletions). Nothing a client can do is cheaper.
  2. **RTK Query streaming**, as its documentation shows it: a query loads the history,
     \`onCacheEntryAdded\` opens the socket, every frame is one \`updateCachedData\` (push; for an edit
     or a deletion, \`findIndex\` then replace or splice).
  3. **the obvious listener**: RTK's listener middleware opens the socket and dispatches each frame;
     the reducer \`upsertOne\`s it into a \`createEntityAdapter({ sortComparer })\` by \`created_at\`.
  4. **\`@giantmachines/redux-websocket\`**: its middleware (one per socket) dispatches each frame;
     the same sorted entity adapter as 3.
  5. **a batched reference**: frames parsed and buffered, one dispatch per macrotask
     (\`setImmediate\`): \`upsertMany\` into one unsorted entity table plus an ordered id list per
     conversation (appended, or binary-searched).
  6. **this package** as a host sets it up: \`createChat\` with \`createWebSocketFactory(ws)\`,
     \`configureStore\`, \`subscribeToConversation\` then \`loadOlderMessages\` until the conversation holds
     what the scenario asks for (pages of 5,000 — the bench server has no page limit — so that loading
     50,000 before each sample takes seconds), read through the public selectors.
- **When is it in?** Every contestant signals "state changed" after each dispatch (an outermost
  middleware: \`store.subscribe\` would be late for actions RTK batches) or, for the floor, after each
  frame; the bench then asks an O(1) question (is the last message there, does it have the edited
  text, is it gone). A probe listener, attached first to every socket, marks the first frame's arrival.
- **Noise.** The machine is shared (2 cores): absolute times move with its load, ratios within one
  run much less. Contestants run interleaved in rounds (each round starts with another), a full
  collection runs before each sample, and a goal that compares two contestants uses the median of
  the per-round ratios. Costs of single messages are event-loop busy time
  (\`performance.eventLoopUtilization()\`), so waiting (timers, the network) is not counted. A
  batching client (5, 6) is also sensitive to how the bytes arrive: Node reads a socket 64 kB at a
  time, and a batch holds whatever was read before the batch runs, so when the box stalls the
  sender the batches get smaller and more numerous. The 100k bursts run once each (the time
  budget), so they carry the most noise: compare them across runs before concluding.
- **Caps and lower bounds.** Contestants 2–4 apply one frame per dispatch and get slower as the
  store grows; in a burst they stop after a time cap (they drop the rest of the frames), and their
  figure is a lower bound, marked "≥", built on one fact: a peer's cost per frame never falls as its
  store grows. The first frames cost what its run into the same store measured; every later frame,
  at store size x, at least the average per frame of any of its runs that ended at a size ≤ x.
  Their 100k bursts are not run: they are bounded the same way from the runs they did.`;

function burstSection(results: AllResults): string {
  const burst = results.burst;
  if (!burst) return '## 1. Burst ingest\n\nNot run.';
  const priors = [...new Set(burst.cells.map((cell) => cell.prior))];
  const frames = [...new Set(burst.cells.map((cell) => cell.frames))];
  const cellIsLargest = (cell: BurstCell) => cell.frames === Math.max(...frames);
  const cellFor = (f: number, p: number) =>
    burst.cells.find((c) => c.frames === f && c.prior === p);
  const figure = (cell: BurstCell | undefined, key: ContestantKey) => {
    const samples = cell?.samples[key];
    if (!cell || !samples?.length) return '—';
    const time = burstTime(samples);
    const capped = samples.some((sample) => sample.capped);
    const versusFloor =
      key === 'floor'
        ? ''
        : ` (${capped ? '≥ ' : ''}${formatRatio(key === 'package' || !capped ? pairedRatio(samples, cell.samples.floor) : time / burstTime(cell.samples.floor))})`;
    return `${capped ? '≥ ' : ''}${formatMs(time)}${versusFloor}`;
  };
  const tables = priors.map((prior) =>
    [
      `**Into ${formatCount(prior)} stored messages** — time from the first frame until the last is in the state (× the floor's):`,
      '',
      table(
        ['contestant', ...frames.map((f) => `${formatSize(f)} frames`)],
        contestants.map((c) => [
          label(c.key),
          ...frames.map((f) => figure(cellFor(f, prior), c.key)),
        ]),
      ),
    ].join('\n'),
  );
  const runs = burst.cells.map((cell) => cell.samples.package?.length ?? 0);
  const stored = burst.cells
    .map((cell) => {
      const sample = cell.samples.package?.[0];
      return sample && sample.stored !== cell.prior + cell.frames
        ? `${cellName(cell)}: the package held ${formatCount(sample.stored)} afterwards`
        : null;
    })
    .filter(Boolean);
  const peerRuns = table(
    ['peer', ...burst.cells.filter((cell) => !cellIsLargest(cell)).map(cellName)],
    (['rtkQueryStreaming', 'listener', 'reduxWebsocket'] as const).map((key) => [
      `${numberOf(key)}.`,
      ...burst.cells
        .filter((cell) => !cellIsLargest(cell))
        .map((cell) => {
          const sample = cell.samples[key]?.[0];
          if (!sample) return '—';
          return sample.capped
            ? `${formatCount(sample.applied)} in ${formatMs(sample.ms)}`
            : `all in ${formatMs(sample.ms)}`;
        }),
    ]),
  );
  return [
    '## 1. Burst ingest',
    '',
    'k `message:new` frames written back to back into a conversation that already holds n messages,',
    'timed from the first frame until the state holds the last one. Contestants 1, 5 and 6 ran',
    `${Math.min(...runs)}–${Math.max(...runs)} measured rounds per cell (medians; the × column is the median of`,
    "per-round ratios to the floor); contestants 2–4 one, capped (see Method). What the package's figure",
    'includes: its socket adapter, frame checks, batching, normalizing, the reducer and the store',
    'notification — everything between the socket and the state.',
    '',
    ...tables.flatMap((t) => [t, '']),
    'What the peers did before their cap (frames applied, of the burst, and the time); their largest',
    'bursts were not run. A "≥" figure is the lower bound that follows from these runs: the first',
    'frames cost what the run into the same store took, and each later frame, at store size x, at least',
    'the average per frame of any run that ended at a size ≤ x (a peer never gets cheaper per frame',
    'as its store grows).',
    '',
    peerRuns,
    stored.length ? `\nWindowing: ${stored.join('; ')}.` : '',
  ].join('\n');
}

function liveSection(results: AllResults): string {
  const live = results.live;
  if (!live) return '## 2. One live message\n\nNot run.';
  const header = live.stores.map((store) =>
    store.conversations > 1
      ? `${store.conversations} × ${formatSize(store.perConversation)}`
      : `1 × ${formatSize(store.perConversation)}`,
  );
  const rows = contestants.map((c) => [
    label(c.key),
    ...live.stores.map((store) => {
      const costs = store.results[c.key]?.costs ?? [];
      return costs.length ? formatMs(median(costs)) : '—';
    }),
    ...live.stores.map((store) => {
      const walls = store.results[c.key]?.walls ?? [];
      return walls.length ? formatMs(median(walls)) : '—';
    }),
  ]);
  const messages = live.stores[0]?.results.package?.costs.length ?? 0;
  const own = live.stores.map((store) => store.results.package?.costs ?? []);
  return [
    '## 2. One live message',
    '',
    'One `message:new` frame at a time (the next only after the last landed) into a store of one',
    'conversation, of many conversations (the frame goes to the middle one; every contestant holds a',
    'socket per conversation, and the package is subscribed to each, so none is evicted), and of one',
    "long conversation. Busy: the event loop's busy time from the frame's arrival until the state",
    "holds it and that macrotask has finished — the CPU cost, not counting the package's wait for its",
    'batching timer. To the state: wall-clock time from arrival to the state, waits included. Medians',
    `of ${messages} messages per cell, after warm-up messages.`,
    '',
    table(
      [
        'contestant',
        ...header.map((h) => `busy, ${h}`),
        ...header.map((h) => `to the state, ${h}`),
      ],
      rows,
    ),
    '',
    `The package's mean busy time (garbage collection included): ${own.map((costs, i) => `${header[i]} ${formatMs(mean(costs))}`).join(', ')}.`,
  ].join('\n');
}

function stormSection(results: AllResults): string {
  const storm = results.storm;
  if (!storm) return '## 3. Edit and delete storm\n\nNot run.';
  const perChange = (key: ContestantKey, index: number, phase: 'edits' | 'deletes') => {
    const samples = storm.stores[index]?.samples[key] ?? [];
    const { value, capped, pilotOnly } = stormPerChange(samples, phase);
    if (!Number.isFinite(value)) return samples.length ? 'not run (edits capped)' : '—';
    return `${capped ? '≥ ' : ''}${formatMs(value)}${pilotOnly && !capped ? ' †' : ''}`;
  };
  const sizes = storm.stores.map((store) => formatSize(store.size));
  return [
    '## 3. Edit and delete storm',
    '',
    `${formatCount(storm.edits)} \`message:updated\` frames back to back, then ${formatCount(storm.edits)} \`message:deleted\`,`,
    'into one conversation of each size (the messages spread evenly over it). Each phase is timed like',
    `a burst; the figure is per frame. A phase goes out as a pilot of its first ${formatCount(storm.pilot)} frames, then the`,
    'rest; where the pilot shows the whole phase would take longer than the cap, the rest is not sent',
    'and the figure is the pilot\'s (†). Contestants 2–4 ran once with a short cap ("≥": a lower bound;',
    'a capped edit phase skips the deletions), the others in rounds.',
    '',
    table(
      [
        'contestant',
        ...sizes.map((size) => `per edit, ${size}`),
        ...sizes.map((size) => `per deletion, ${size}`),
      ],
      contestants.map((c) => [
        label(c.key),
        ...storm.stores.map((_, i) => perChange(c.key, i, 'edits')),
        ...storm.stores.map((_, i) => perChange(c.key, i, 'deletes')),
      ]),
    ),
  ].join('\n');
}

function scrollBackSection(results: AllResults): string {
  const scrollBack = results.scrollback;
  if (!scrollBack) return '## 4. Scroll-back\n\nNot run.';
  const { pages, compare, pageSize } = scrollBack;
  const marks = [
    1,
    Math.max(1, Math.round(pages / 10)),
    Math.max(1, Math.round(pages / 2)),
    pages,
  ].filter((page, i, all) => all.indexOf(page) === i);
  const rows = contestants
    .filter((c) => scrollBack.results[c.key])
    .map((c) => {
      const series = scrollBack.results[c.key];
      const busy = pageCosts(series?.busy ?? [], 1).perPage;
      const apply = pageCosts(series?.apply ?? [], compare);
      const whole = pageCosts(series?.busy ?? [], compare);
      return [
        label(c.key),
        ...marks.map((page) => formatMs(busy[page - 1] ?? Number.NaN)),
        formatRatio(whole.last / whole.first),
        `${formatMs(apply.first)} → ${formatMs(apply.last)} (${formatRatio(apply.last / apply.first)})`,
      ];
    });
  const windowed = contestants
    .map((c) => ({ key: c.key, held: scrollBack.results[c.key]?.held ?? [] }))
    .filter(({ held }) => held.length > 0 && (held.at(-1) ?? 0) < (held.length + 1) * pageSize)
    .map(
      ({ key, held }) =>
        `${numberOf(key)} held ${formatCount(held.at(-1) ?? 0)} after page ${held.length}`,
    );
  return [
    '## 4. Scroll-back',
    '',
    `The newest page, then ${pages} older pages of ${pageSize} one after another (the package's`,
    '`loadOlderMessages`; the floor and the batched reference page the same endpoint), so page p lands',
    `in a conversation of (p + 1) × ${pageSize}. Busy time per page: the request, parsing, checking,`,
    "normalizing, the reducer and the notification (not the server's work); the store's part is the",
    `page's dispatch alone. Medians per page over the runs; the ratios compare the medians of the first`,
    `and the last ${compare} pages.`,
    '',
    table(
      [
        'contestant',
        ...marks.map((page) => `page ${page}`),
        `page ${pages} ÷ page 1`,
        "store's part, page 1 → last",
      ],
      rows,
    ),
    windowed.length ? `\nWindowing: ${windowed.join('; ')}.` : '',
  ].join('\n');
}

function latencySection(results: AllResults): string {
  const latency = results.latency;
  if (!latency) return '## 5. Latency\n\nNot run.';
  const rows = contestants.map((c) => {
    const series = latency.results[c.key];
    const values = series?.latencies ?? [];
    return [
      label(c.key),
      formatMs(percentile(values, 50)),
      formatMs(percentile(values, 90)),
      formatMs(percentile(values, 99)),
      formatMs(Math.max(...values)),
      formatCount(series?.lost ?? 0),
    ];
  });
  return [
    '## 5. Latency',
    '',
    'Client A sends `message:send` over its socket to the real reference server, which stores the',
    "message and fans it out; the time runs until the message is in client B's state (B is the",
    'contestant; A and B share one clock). Meanwhile a third user sends',
    `${latency.backgroundPerSecond} messages a second into the same conversation (${formatCount(latency.backgroundSent)} in ${latency.backgroundSeconds.toFixed(0)} s).`,
    `${latency.samples} measured sends per contestant, in rounds (each contestant once per round, in`,
    'rotated order), after warm-up sends.',
    '',
    table(['contestant (client B)', 'p50', 'p90', 'p99', 'max', 'lost'], rows),
  ].join('\n');
}

function memorySection(results: AllResults): string {
  const memory = results.memory;
  if (!memory) return '## 6. Memory\n\nNot run.';
  const rows = contestants.map((c) => {
    const row = memory.results[c.key];
    return [
      label(c.key),
      row ? formatBytes(row.retainedBytes) : '—',
      row ? `${row.perMessage.toFixed(0)} B` : '—',
      row ? formatCount(row.held) : '—',
    ];
  });
  const notes = contestants
    .map(
      (c) =>
        memory.results[c.key]?.unsettled &&
        `${numberOf(c.key)}: ${memory.results[c.key]?.unsettled}`,
    )
    .filter(Boolean);
  return [
    '## 6. Memory',
    '',
    `One conversation of ${formatCount(memory.messages)} messages of ${memory.textLength} characters`,
    `(${memory.jsonPerMessage.toFixed(0)} B each as JSON), loaded by each contestant its own way. Retained: the heap after`,
    'two full collections with the client alive (and history answers gone from request caches), minus the same before it',
    `was created${memory.exact ? '' : ' — **without `--expose-gc`, so not exact**'}, each contestant in a process of its own after a`,
    'small warm-up load (so one-time set-up and what another left behind are not counted). The floor',
    "keeps an id → slot map beside its array (for edits and deletions), which RTK Query's array does not.",
    '',
    table(['contestant', 'retained', 'per message', 'messages held'], rows),
    notes.length ? `\n${notes.join('; ')}` : '',
  ].join('\n');
}

/** Where `createChat`'s bytes go: the parts of at least 1.5% of it, the rest summed. */
function createChatPartsTable(parts: BundlePart[] | undefined): string[] {
  if (!parts?.length) return [];
  const total = parts.reduce((sum, part) => sum + part.minified, 0);
  const shown = parts.filter((part) => part.minified >= total * 0.015);
  const rest = parts.slice(shown.length);
  const share = (bytes: number) => `${((100 * bytes) / total).toFixed(1)} %`;
  const rows = shown.map((part) => [
    `\`${part.part}\``,
    formatBytes(part.minified),
    share(part.minified),
  ]);
  if (rest.length > 0) {
    const bytes = rest.reduce((sum, part) => sum + part.minified, 0);
    rows.push([`${rest.length} other modules`, formatBytes(bytes), share(bytes)]);
  }
  return [
    '',
    "Where `createChat`'s bytes go: src/ bundled the same way with esbuild's metafile (a folder of",
    "one feature counted as one part; the total is close to the published build's, not equal).",
    '',
    table(['module', 'minified', 'share'], rows, ['l', 'r', 'r']),
  ];
}

function bundleSection(results: AllResults): string {
  const bundle = results.bundle;
  if (!bundle) return '## 7. Host bundle\n\nNot run.';
  return [
    '## 7. Host bundle',
    '',
    "What a host's production build pays for importing parts of the package: the package built from",
    "src/ with the project's tsup configuration, each case bundled by `measure()` of",
    '`scripts/bundle-size.mjs` (esbuild, ESM, minified, tree-shaken, peers external), then gzipped',
    '(level 9). 1 kB = 1,024 bytes.',
    '',
    table(
      ['import', 'minified', 'min + gzip'],
      bundle.cases.map((c) => [`\`${c.source}\``, formatBytes(c.minified), formatBytes(c.gzip)]),
      ['l', 'r', 'r'],
    ),
    ...createChatPartsTable(bundle.createChatParts),
  ].join('\n');
}

function renderSection(results: AllResults): string {
  const render = results.render;
  if (!render) return '## 8. Rendering\n\nNot run.';
  if (!render.available) return `## 8. Rendering\n\nNot run: ${render.reason ?? 'unavailable'}.`;
  const components = (record: Record<string, number>) =>
    Object.entries(record)
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ×${count}`)
      .join(', ') || 'none';
  return [
    '## 8. Rendering',
    '',
    "Headless Chromium (Debian's, through playwright-core) on a production build: `bench/render/page.tsx`",
    'bundled with esbuild against the package built from src/, React in its profiling build (production',
    'with the Profiler on). The page loads a conversation into the store, then renders `<ChatMessages>`',
    'in a 1280 × 800 frame inside a React `<Profiler>`; a minimal React DevTools hook lists, commit by',
    'commit, the components that rendered (mounted, or performed work).',
    '',
    table(
      ['figure', 'value'],
      [
        [
          `store of ${formatCount(render.conversation)}: first commit after \`render\``,
          formatMs(render.mountMs),
        ],
        ['message rows in the DOM after opening', formatCount(render.rowsOnOpen)],
        ['one appended message: commits', formatCount(render.append.commits)],
        [
          'one appended message: rows rendered',
          render.append.rows
            .map(
              (row) =>
                `${row.id === render.append.newId ? 'the new row' : row.id}${row.mounted ? ' (mounted)' : ''}`,
            )
            .join(', ') || 'none',
        ],
        ['one appended message: every component rendered', components(render.append.components)],
        [`burst of ${formatCount(render.burst)}: commits`, formatCount(render.burstCommits)],
        [
          `burst of ${formatCount(render.burst)}: components rendered`,
          components(render.burstComponents),
        ],
        ['message rows in the DOM after the burst', formatCount(render.rowsAfterBurst)],
      ],
      ['l', 'l'],
    ),
  ].join('\n');
}

function machineSection(run: Run): string {
  const m = run.machine;
  const seconds = Object.entries(m.scenarioSeconds)
    .map(([name, value]) => `${name} ${value?.toFixed(0)} s`)
    .join(', ');
  return [
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['node', m.node],
        ['CPU', `${m.cpu} × ${m.cores}`],
        ['memory', m.memory],
        ['platform', m.platform],
        ['NODE_ENV', m.nodeEnv],
        ['`--expose-gc`', m.gcExposed ? 'yes' : 'no'],
        [
          'load average (1/5/15 min) at start / end',
          `${m.loadAverageAtStart.join(' ')} / ${m.loadAverageAtEnd.join(' ')}`,
        ],
        ['date', m.date],
        [
          'package commit',
          `${m.revision.commit}${m.revision.dirty ? ' + uncommitted changes in src/' : ''}`,
        ],
        ['duration', `${m.durationSeconds.toFixed(0)} s (${seconds})`],
      ],
      ['l', 'l'],
    ),
  ].join('\n');
}

export function renderReport(run: Run, tried: string): string {
  return [
    '# Performance',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts) from one run. Edit only between the',
    '     "what-was-tried" markers: everything else is regenerated. -->',
    '',
    'How fast messages get from a socket into the store, what a message costs as the store grows, how',
    'much memory and bundle the package takes, and how the React list renders — measured against the',
    'obvious alternatives in the same run, on the same frames. Absolute times depend on the machine and',
    'its load; the ratios within one run are what carries over.',
    '',
    summary(run),
    '',
    HOW_TO_RUN,
    '',
    METHOD,
    '',
    burstSection(run.results),
    '',
    liveSection(run.results),
    '',
    stormSection(run.results),
    '',
    scrollBackSection(run.results),
    '',
    latencySection(run.results),
    '',
    memorySection(run.results),
    '',
    bundleSection(run.results),
    '',
    renderSection(run.results),
    '',
    '## What was tried',
    '',
    TRIED_START,
    '',
    tried,
    '',
    TRIED_END,
    '',
    machineSection(run),
    '',
  ].join('\n');
}
