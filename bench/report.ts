import type { BurstResults, BurstRow } from './burst';
import { formatBytes, formatCount, formatMs, formatRatio } from './harness';
import type { MemoryResults } from './memory';
import type { ReceiveResults, ScenarioName } from './receive';
import type { SelectorResults } from './selectors';

/**
 * Renders docs/performance.md from one run's results. Everything between the
 * hand-written markers is kept from the previous file; everything else is
 * regenerated, so every number in the file comes from the run that wrote it.
 */

export interface MachineInfo {
  node: string;
  cpu: string;
  cores: number;
  memory: string;
  platform: string;
  loadAverage: string;
  nodeEnv: string;
  gcExposed: boolean;
  date: string;
  revision: string;
  durationSeconds: number;
}

export interface Results {
  machine: MachineInfo;
  receive: ReceiveResults;
  selectors: SelectorResults;
  burst: BurstResults;
  memory: MemoryResults;
}

export const HAND_WRITTEN_START = '<!-- hand-written:start -->';
export const HAND_WRITTEN_END = '<!-- hand-written:end -->';

const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** `baseline ÷ package`: above 1 the baseline took longer. */
const relative = (value: number, packageValue: number) => formatRatio(value / packageValue);

const scenarioTitle: Record<ScenarioName, string> = {
  live: 'live messages, one per dispatch (socket arrivals)',
  older: 'older messages as one page (scroll-back, prepended)',
  gap: 'messages as one page interleaved with the newest 100 (catch-up across a gap)',
};

function receiveSection({ receive }: Results): string {
  const n = formatCount(receive.scenarios[0]?.n ?? 0);
  const scenarioTables = receive.scenarios.map((scenario) => {
    const packageResult = scenario.results[0];
    const what = `${formatCount(scenario.messages)} ${scenarioTitle[scenario.scenario]}`;
    return [
      `**${what}** into ${n} messages — ${formatCount(scenario.dispatches)} dispatch${
        scenario.dispatches === 1 ? '' : 'es'
      }, median of ${scenario.runs} samples:`,
      '',
      table(
        ['implementation', 'time', 'per message', 'time ÷ package time'],
        scenario.results.map((result) => [
          result.reference ? `_${result.name}_` : result.name,
          formatMs(result.median),
          formatMs(result.perMessage),
          result === packageResult ? '1×' : relative(result.median, packageResult?.median ?? NaN),
        ]),
      ),
    ].join('\n');
  });

  const { sizes, scaling, sharedStore, ordering, orderingPages } = receive;
  const first = 0;
  const last = sizes.length - 1;
  const scalingTable = table(
    [
      'implementation',
      ...sizes.map((size) => `n = ${formatCount(size)}`),
      `n = ${formatCount(sizes[last] ?? 0)} ÷ n = ${formatCount(sizes[first] ?? 0)}`,
    ],
    scaling.map((row) => [
      row.reference ? `_${row.name}_` : row.name,
      ...row.perMessage.map(formatMs),
      formatRatio((row.perMessage[last] ?? NaN) / (row.perMessage[first] ?? NaN)),
    ]),
  );
  const orderingTable = table(
    [
      'ordering step',
      ...sizes.map((size) => `key reads, n = ${formatCount(size)}`),
      ...sizes.map((size) => `time, n = ${formatCount(size)}`),
    ],
    ordering.map((row) => [
      row.name,
      ...row.keyReads.map(formatCount),
      ...row.perMessage.map(formatMs),
    ]),
  );
  const pagesTable = table(
    ['ordering step', 'key reads: older page of 50', 'key reads: interleaved page of 50'],
    orderingPages.map((row) => [row.name, formatCount(row.older), formatCount(row.gap)]),
  );

  return [
    '## 1. Receiving messages into a long conversation',
    '',
    `One conversation holds ${n} messages (loaded as one history answer). Each workload starts`,
    'from that same state. The package is `chatReducer` fed `messagesReceived` actions, the path',
    'every message takes (history, send answers, socket, catch-up). The baselines are RTK reducers',
    'written for this benchmark only (`bench/baselines.ts`), each parsing timestamps inside the',
    'reducer like the package does. Actions are built before the clock starts, so only reducers',
    'are timed. The italic row keeps no order at all: it is the floor of any Immer reducer that',
    'adds to a normalized entity table, shown for scale.',
    '',
    ...scenarioTables.flatMap((text) => [text, '']),
    '### Time per live message as the store grows',
    '',
    `One live message per dispatch into a conversation of n messages (${sizes
      .map(
        (size) =>
          `${formatCount(receive.scalingLive[size] ?? 0)} messages at n = ${formatCount(size)}`,
      )
      .join(', ')}).`,
    '',
    scalingTable,
    '',
    `The same live messages into a conversation of ${formatCount(
      sharedStore.conversationSize,
    )} inside a store of ${formatCount(sharedStore.storeSize)} messages (${formatCount(
      sharedStore.storeSize / sharedStore.conversationSize,
    )} conversations of ${formatCount(sharedStore.conversationSize)}): **${formatMs(
      sharedStore.perMessage,
    )}** per message, against ${formatMs(sharedStore.aloneAtConversationSize)} when the store holds only that conversation.`,
    '',
    '### The ordering step alone',
    '',
    'Inserting one live message into a sorted id array of n, without a reducer around it: the',
    "package's `mergeSorted` against appending and re-sorting (`Array.prototype.sort`). Key reads",
    'are counted exactly (each is a lookup of a message time); times are medians.',
    '',
    orderingTable,
    '',
    `A page of 50 at n = ${n}:`,
    '',
    pagesTable,
  ].join('\n');
}

function selectorSection({ selectors }: Results): string {
  const packageRow = selectors.rows[0];
  return [
    '## 2. Selector stability under load',
    '',
    `${formatCount(selectors.conversations)} conversations of ${formatCount(
      selectors.messagesPerConversation,
    )} messages. ${formatCount(selectors.dispatches)} live messages are dispatched one by one,`,
    'round-robin into every conversation but A. After each dispatch every row reads A (which',
    `never changes) and B (which receives ${formatCount(
      selectors.touchedDispatches,
    )} of the messages). A new array for A is a re-render of a screen that has nothing new to show.`,
    'No two rows share a memo: `selectMessagesOfConversation` keeps one memo per conversation; the',
    'second row shares one `makeSelectMessages()` instance between two screens to show why.',
    '',
    table(
      [
        'selector, read as',
        `new arrays for A (of ${formatCount(selectors.dispatches)})`,
        `new arrays for B (of ${formatCount(selectors.dispatches)})`,
        'call after a dispatch',
        'repeated call, same state',
      ],
      selectors.rows.map((row) => [
        row.name,
        formatCount(row.newReferences),
        row.touchedNewReferences === null ? '—' : formatCount(row.touchedNewReferences),
        `${formatMs(row.perCallAfterDispatch)}${
          row === packageRow
            ? ''
            : ` (${relative(row.perCallAfterDispatch, packageRow?.perCallAfterDispatch ?? NaN)})`
        }`,
        formatMs(row.perRepeatedCall),
      ]),
    ),
    '',
    'Times are medians of the calls for A; in brackets the time relative to the first row.',
  ].join('\n');
}

const deliveryName = (row: BurstRow) =>
  row.delivery === 'package'
    ? 'unet-chat-redux (`createChat`, memory socket)'
    : 'same store, one `messagesReceived` per frame';

function burstSection({ burst }: Results): string {
  const frames = formatCount(burst.frames);
  const tableFor = (arrival: BurstRow['arrival']) => {
    const rows = burst.rows.filter((row) => row.arrival === arrival);
    const packageRow = rows.find((row) => row.delivery === 'package');
    return table(
      [
        'delivery',
        'dispatches',
        'store notifications',
        'selector calls',
        'new arrays',
        'React renders',
        'until on screen',
      ],
      rows.map((row) => [
        deliveryName(row),
        formatCount(row.counts.dispatches),
        formatCount(row.counts.notifications),
        formatCount(row.counts.selectorCalls),
        formatCount(row.counts.newArrays),
        row.counts.renders === null ? 'n/a' : formatCount(row.counts.renders),
        `${formatMs(row.counts.elapsedMs)}${
          row === packageRow
            ? ''
            : ` (${relative(row.counts.elapsedMs, packageRow?.counts.elapsedMs ?? NaN)})`
        }`,
      ]),
    );
  };
  const runs = burst.rows[0]?.runs ?? 0;
  return [
    '## 3. A burst of socket frames',
    '',
    `${frames} \`message:new\` frames for one subscribed conversation. The package: the real`,
    '`createChat` store (listener middleware, RTK Query, default middleware) with',
    '`createMemoryTransport()` as the socket and a stub `fetch` answering the history request',
    'with an empty page; frames go in through `MemorySocket.receive`, so they pass the',
    "connection's decoder and batching. The baseline: an identical store, but each frame is",
    'decoded and dispatched at once, as a `socket.onmessage = (e) => dispatch(...)` handler does.',
    burst.rendered
      ? 'A React 19 root (react-dom in jsdom, production build) renders the conversation through `useSelector(selectMessagesOfConversation)`; renders are counted in the component.'
      : 'jsdom was not found, so no React root was mounted: the React renders column is n/a.',
    `Counts and times are medians of ${runs} runs after a warm-up run.`,
    '',
    `**All ${frames} frames in one tick** (one synchronous loop):`,
    '',
    tableFor('oneTick'),
    '',
    `**One frame per macrotask** (how a browser delivers WebSocket messages; \`setImmediate\` between frames):`,
    '',
    tableFor('perMacrotask'),
    '',
    'Dispatches counts every action that reached the reducers during the burst, and',
    '"until on screen" runs from the first frame to the commit that shows the last message.',
  ].join('\n');
}

function memorySection({ memory }: Results): string {
  const ratio = (bytes: number) => formatRatio(bytes / memory.jsonBytes);
  return [
    '## 4. Memory',
    '',
    `${formatCount(memory.messages)} messages of one conversation, loaded into \`chatReducer\` the way the UI loads them`,
    '(the newest page, then older pages of 50). Heap is `process.memoryUsage().heapUsed` after',
    `forced collections (${
      memory.exact ? '`--expose-gc`' : '**no `global.gc`: numbers are rough**'
    }), before and after building the value, median of ${memory.runs} runs.`,
    '',
    table(
      ['what', 'bytes', '÷ JSON size'],
      [
        ['the messages as JSON (UTF-8, as on the wire)', formatBytes(memory.jsonBytes), '1×'],
        [
          '`JSON.parse` of that JSON',
          formatBytes(memory.parsedHeapBytes),
          ratio(memory.parsedHeapBytes),
        ],
        [
          'the `chat` state holding them',
          formatBytes(memory.storeHeapBytes),
          ratio(memory.storeHeapBytes),
        ],
      ],
    ),
    '',
    `That is ${formatBytes(memory.storeHeapBytes / memory.messages)} per message in the store.`,
    'The RTK Query cache of the history answers is not included (it keeps only recent pages,',
    'for `keepUnusedDataFor` seconds).',
  ].join('\n');
}

function summarySection(results: Results): string {
  const { receive, selectors, burst, memory } = results;
  const live = receive.scenarios.find((scenario) => scenario.scenario === 'live');
  const [pkg, sorted, fullSort, floor] = live?.results ?? [];
  const [pkgScaling] = receive.scaling;
  const sizes = receive.sizes;
  const growth = (pkgScaling?.perMessage.at(-1) ?? NaN) / (pkgScaling?.perMessage[0] ?? NaN);
  const sizeGrowth = (sizes.at(-1) ?? NaN) / (sizes[0] ?? NaN);
  const [mergeRow, sortRow] = receive.ordering;
  const oneTick = burst.rows.filter((row) => row.arrival === 'oneTick');
  const perTask = burst.rows.filter((row) => row.arrival === 'perMacrotask');
  const count = (
    rows: BurstRow[],
    delivery: BurstRow['delivery'],
    pick: (row: BurstRow) => number | null,
  ) => {
    const row = rows.find((candidate) => candidate.delivery === delivery);
    const value = row ? pick(row) : null;
    return value === null ? 'n/a' : formatCount(value);
  };
  const name = (row: { name: string }) => row.name.replace(/ \(.*\)$/, '');
  const growthOf = (row: { perMessage: number[] }) =>
    formatRatio((row.perMessage.at(-1) ?? NaN) / (row.perMessage[0] ?? NaN));
  const plural = (text: string, one: string, many: string) =>
    `${text} ${text === '1' ? one : many}`;
  const burstLine = (rows: BurstRow[], delivery: BurstRow['delivery']) =>
    `${plural(
      count(rows, delivery, (row) => row.counts.dispatches),
      'dispatch',
      'dispatches',
    )}, ${plural(
      count(rows, delivery, (row) => row.counts.renders),
      'render',
      'renders',
    )}`;
  const lines = [
    `- **Live messages into ${formatCount(live?.n ?? 0)}:** ${formatMs(
      pkg?.perMessage ?? NaN,
    )} per message for the package. Relative to that, the sorted entity adapter takes ${relative(
      sorted?.median ?? NaN,
      pkg?.median ?? NaN,
    )}, append-and-sort ${relative(fullSort?.median ?? NaN, pkg?.median ?? NaN)}, and an entity adapter that keeps no order ${relative(
      floor?.median ?? NaN,
      pkg?.median ?? NaN,
    )}.`,
    `- **Growth:** from n = ${formatCount(sizes[0] ?? 0)} to n = ${formatCount(
      sizes.at(-1) ?? 0,
    )} (${formatRatio(sizeGrowth)} the messages) the time per live message grows ${formatRatio(
      growth,
    )} for the package; ${receive.scaling
      .slice(1)
      .map((row) => `${growthOf(row)} for ${name(row)}`)
      .join(', ')}. A conversation of ${formatCount(
      receive.sharedStore.conversationSize,
    )} in a store of ${formatCount(receive.sharedStore.storeSize)} costs ${formatMs(
      receive.sharedStore.perMessage,
    )} per live message, against ${formatMs(receive.sharedStore.aloneAtConversationSize)} alone.`,
    `- **Ordering step alone:** \`mergeSorted\` reads ${mergeRow?.keyReads
      .map(formatCount)
      .join(' / ')} sort keys per live message at n = ${sizes
      .map(formatCount)
      .join(' / ')}; re-sorting reads ${sortRow?.keyReads
      .map(formatCount)
      .join(' / ')} and takes ${sortRow?.perMessage
      .map((value, i) => formatRatio(value / (mergeRow?.perMessage[i] ?? NaN)))
      .join(' / ')} as long.`,
    `- **Selectors, new arrays for the untouched conversation in ${formatCount(
      selectors.dispatches,
    )} dispatches:** ${selectors.rows
      .map((row) => `${row.name}: ${formatCount(row.newReferences)}`)
      .join('; ')}.`,
    `- **Burst of ${formatCount(burst.frames)} frames:** all in one tick, the package ${burstLine(
      oneTick,
      'package',
    )}; one action per frame ${burstLine(oneTick, 'perFrame')}. One frame per macrotask, the package ${burstLine(
      perTask,
      'package',
    )}; one action per frame ${burstLine(perTask, 'perFrame')}.`,
    `- **Memory:** ${formatCount(memory.messages)} messages take ${formatBytes(
      memory.storeHeapBytes,
    )} of heap in the store, ${formatRatio(memory.storeHeapBytes / memory.jsonBytes)} their JSON size.`,
  ];
  return ['## Summary of this run', '', ...lines].join('\n');
}

function machineSection({ machine }: Results): string {
  return [
    '## The machine of this run',
    '',
    table(
      ['', ''],
      [
        ['date', machine.date],
        ['Node.js', machine.node],
        ['CPU', `${machine.cpu} (${machine.cores} logical cores)`],
        ['memory', machine.memory],
        ['platform', machine.platform],
        ['load average at start (1/5/15 min)', machine.loadAverage],
        ['`NODE_ENV`', `\`${machine.nodeEnv}\``],
        ['`global.gc` exposed', machine.gcExposed ? 'yes' : 'no'],
        ['revision', machine.revision],
        ['whole run', `${machine.durationSeconds.toFixed(0)} s`],
      ],
    ),
  ].join('\n');
}

const DEFAULT_HAND_WRITTEN = `## Reading the results

- **Where the time of a dispatch goes.** The messages of every conversation live in one
  normalized entity table (\`createEntityAdapter\`), as RTK recommends, and Immer copies that
  table on every dispatch that adds a message. So one dispatch costs time in proportion to all
  the messages in the store, for every implementation here, ordered or not: compare each row
  with the italic one, which keeps no order at all. That is why the time per live message grows
  with the store, and why a small conversation in a large store costs about as much per live
  message as a large conversation does.
- **What the ordering buys.** The package never re-sorts: a live message costs two sort-key
  reads whatever the size of the conversation, a page of k about k log n, where re-sorting
  reads every key. Inside a whole reducer this saving is smaller than the table copy, so look
  at the ordering tables, not the reducer tables, for the O(k log n) claim.
- **Batching is what makes a burst cheap.** Since every dispatch pays for the table, the
  number of dispatches matters most. The socket layer turns the frames of one macrotask into
  one \`messagesReceived\`, so a burst costs one table copy, one store notification, one
  selector run and one render. React alone batches the renders of updates made in one tick,
  but not the reducer work, the notifications or the selector runs; and frames that arrive one
  per macrotask, as from a real socket, render one by one without the package's batching.
- **Selectors.** \`selectMessagesOfConversation\` returns the same array while nothing in the
  conversation changed only as long as one instance serves one conversation: it remembers a
  single last result. A component that shows a conversation should make its own selector with
  \`makeSelectMessages()\` (the package's hooks do); reading two conversations through the
  exported instance gives both a new array, and a re-render, on every message anywhere.
- **Memory.** The store keeps each message once, as the server sent it plus four bookkeeping
  fields (\`client_id\`, \`status\`, \`error\`, \`created_ms\`), and its id in two arrays (the
  entity adapter's and the conversation's timeline).`;

/** The hand-written section of an existing file, or a placeholder. */
export function handWrittenPart(previous: string | null): string {
  const start = previous?.indexOf(HAND_WRITTEN_START) ?? -1;
  const end = previous?.indexOf(HAND_WRITTEN_END) ?? -1;
  if (previous === null || start < 0 || end < start) return DEFAULT_HAND_WRITTEN;
  return previous.slice(start + HAND_WRITTEN_START.length, end).trim();
}

export function renderReport(results: Results, handWritten: string): string {
  return [
    '# Performance',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts). Edit only between the hand-written markers; the rest is regenerated from each run. -->',
    '',
    'How the package behaves when conversations get long, messages arrive in bursts and many',
    'screens read the same store. Each benchmark compares the package with a naive way of doing',
    'the same job, measured in the same run on the same machine, because only those ratios carry',
    'over to your machine: absolute times depend on the hardware and on what else it is doing.',
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench',
    '```',
    '',
    '`bench/run.ts` restarts itself as `node --expose-gc --import tsx` with `NODE_ENV=production`',
    '(the builds of React and RTK your users run; set `NODE_ENV` yourself to measure another), runs',
    'every benchmark, prints progress, and rewrites this file; the machine table at the end says',
    'how long the run took. Each timing is the median of several samples taken after warm-up',
    'runs (the sizes that take seconds per sample are warmed by the smaller ones before them);',
    'implementations are measured interleaved, so load on a shared machine hits them alike, and',
    'a full garbage collection runs before each sample.',
    '',
    summarySection(results),
    '',
    HAND_WRITTEN_START,
    '',
    handWritten,
    '',
    HAND_WRITTEN_END,
    '',
    receiveSection(results),
    '',
    selectorSection(results),
    '',
    burstSection(results),
    '',
    memorySection(results),
    '',
    '## Caveats',
    '',
    '- These machines are shared and noisy: absolute times move noticeably between runs.',
    '  Compare the ratios within one run, not times across runs or machines.',
    '- Key reads, new-array counts, dispatches, notifications and renders are exact counts and',
    '  do not depend on the machine; the burst counts for one frame per macrotask depend on timing.',
    '- The reducer benchmarks time reducers alone (no store, no middleware, no React); the burst',
    '  benchmark times the whole store with React in jsdom, which is slower than a browser.',
    '- The baselines are written for this comparison (`bench/baselines.ts`); they are not anyone',
    "  else's library code apart from RTK's entity adapters.",
    '',
    machineSection(results),
    '',
  ].join('\n');
}
