/**
 * How big each scenario is. The full sizes are the issue's; `--quick` keeps
 * the same shape (three burst sizes, three store sizes, every scenario) at
 * sizes that run in well under a minute, to check that the harness works.
 */
export interface Sizes {
  burst: {
    frames: [number, number, number];
    priors: [number, number, number];
    /** Measured rounds per burst size (each round: every fast contestant once). */
    runs: [number, number, number];
    /** An untimed round first, per burst size. */
    warmup: [boolean, boolean, boolean];
    /** Per-frame peers stop after this long; their figure is then a lower bound. */
    peerCapMs: number;
    /** A safety net for the others. */
    capMs: number;
  };
  live: {
    /** Messages per conversation in the small stores. */
    conversationSize: number;
    /** Conversations of the shared store. */
    conversations: number;
    /** Messages of the one long conversation. */
    large: number;
    messages: number;
    warmup: number;
  };
  storm: {
    edits: number;
    small: number;
    large: number;
    runs: number;
    peerCapMs: number;
    capMs: number;
  };
  scrollBack: { pageSize: number; pages: number; runs: number; compare: number };
  latency: {
    backgroundPerSecond: number;
    /** Measured sends per contestant and round. */
    samples: number;
    perSecond: number;
    warmup: number;
    /** Rounds (each contestant once per round, in rotated order). */
    rounds: number;
  };
  memory: { messages: number; textLength: number };
  render: { conversation: number; burst: number };
}

export const fullSizes: Sizes = {
  burst: {
    frames: [1_000, 10_000, 100_000],
    priors: [0, 10_000, 50_000],
    // Seven rounds where a round takes a second or less: single runs on these shared machines
    // spread by a third (57–90 ms for 10k into 10k), and three left the verdict to chance.
    runs: [7, 7, 1],
    warmup: [true, false, false],
    peerCapMs: 2_000,
    capMs: 120_000,
  },
  live: { conversationSize: 1_000, conversations: 50, large: 50_000, messages: 40, warmup: 5 },
  storm: { edits: 1_000, small: 1_000, large: 50_000, runs: 3, peerCapMs: 5_000, capMs: 20_000 },
  scrollBack: { pageSize: 200, pages: 100, runs: 3, compare: 5 },
  latency: { backgroundPerSecond: 100, samples: 80, perSecond: 25, warmup: 5, rounds: 2 },
  memory: { messages: 100_000, textLength: 100 },
  render: { conversation: 10_000, burst: 1_000 },
};

export const quickSizes: Sizes = {
  burst: {
    frames: [20, 50, 100],
    priors: [0, 50, 200],
    runs: [1, 1, 1],
    warmup: [false, false, false],
    peerCapMs: 500,
    capMs: 20_000,
  },
  live: { conversationSize: 50, conversations: 3, large: 300, messages: 4, warmup: 1 },
  storm: { edits: 20, small: 20, large: 200, runs: 1, peerCapMs: 1_000, capMs: 10_000 },
  scrollBack: { pageSize: 20, pages: 4, runs: 1, compare: 1 },
  latency: { backgroundPerSecond: 20, samples: 6, perSecond: 20, warmup: 1, rounds: 1 },
  memory: { messages: 1_000, textLength: 100 },
  render: { conversation: 300, burst: 30 },
};
