import { createReducer } from '@reduxjs/toolkit';
import { protocolErrorReported } from './events';

/**
 * One dropped frame or answer item, as the protocol check saw it.
 *
 * @example
 * ```ts
 * const [latest] = selectRecentProtocolErrors(store.getState()).slice(-1);
 * console.warn(latest?.reason, latest?.raw);
 * ```
 */
export interface ProtocolErrorRecord {
  conversationId: string;
  /** Why it was dropped, e.g. `'frame is not JSON'`, `'payload of "message:new" …'`. */
  reason: string;
  /** The start of what arrived (at most {@link MAX_RAW_EXCERPT} characters). */
  raw: string;
}

/**
 * How often one reason was seen.
 *
 * @example
 * ```ts
 * const counts: ReasonCount[] = selectProtocolErrors(store.getState()).byReason;
 * ```
 */
export interface ReasonCount {
  reason: string;
  count: number;
}

/**
 * The `chat.diagnostics` state: malformed frames (and malformed items of
 * history answers) that were dropped, counted by reason, with the last few
 * kept whole enough to read in Redux DevTools. Every part is bounded, since a
 * misbehaving server decides what the reasons say.
 */
export interface DiagnosticsState {
  protocolErrors: {
    /** Everything dropped since the store started. */
    total: number;
    /**
     * Counts by reason, in the order first seen (at most {@link MAX_REASONS}
     * reasons; the rest count under {@link OTHER_REASONS}). A list, not a
     * record: a reason is the server's text and may be `__proto__`.
     */
    byReason: ReasonCount[];
    /** The newest {@link MAX_RECENT}, oldest first. */
    recent: ProtocolErrorRecord[];
  };
}

/** How many dropped items `recent` keeps. */
export const MAX_RECENT = 10;
/** How many distinct reasons are counted apart. */
export const MAX_REASONS = 20;
/** Where counts go once {@link MAX_REASONS} reasons are known. */
export const OTHER_REASONS = '(other reasons)';
/** How much of a reason and of the raw text is kept. */
export const MAX_REASON_LENGTH = 160;
export const MAX_RAW_EXCERPT = 200;

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

const initialState: DiagnosticsState = {
  protocolErrors: { total: 0, byReason: [], recent: [] },
};

/** The `chat.diagnostics` reducer: counts every `protocolErrorReported`. */
export const diagnosticsReducer = createReducer(initialState, (builder) => {
  builder.addCase(protocolErrorReported, ({ protocolErrors }, { payload }) => {
    const reason = clip(String(payload.reason), MAX_REASON_LENGTH);
    const { byReason } = protocolErrors;
    const full = byReason.length >= MAX_REASONS;
    const entry =
      byReason.find((counted) => counted.reason === reason) ??
      (full ? byReason.find((counted) => counted.reason === OTHER_REASONS) : undefined);
    if (entry) entry.count += 1;
    else byReason.push({ reason: full ? OTHER_REASONS : reason, count: 1 });
    protocolErrors.total += 1;
    protocolErrors.recent.push({
      conversationId: payload.conversationId,
      reason,
      raw: clip(String(payload.raw), MAX_RAW_EXCERPT),
    });
    if (protocolErrors.recent.length > MAX_RECENT) {
      protocolErrors.recent.splice(0, protocolErrors.recent.length - MAX_RECENT);
    }
  });
});

type StateWithDiagnostics = { chat: { diagnostics: DiagnosticsState } };

/**
 * How many malformed frames (and history items) were dropped, in total.
 *
 * @example
 * ```ts
 * if (selectProtocolErrorCount(store.getState()) > 0) reportToMonitoring(selectProtocolErrors(store.getState()));
 * ```
 */
export const selectProtocolErrorCount = (state: StateWithDiagnostics): number =>
  state.chat.diagnostics.protocolErrors.total;

/**
 * The protocol-error diagnostics: the total, counts by reason and the newest
 * dropped items with raw excerpts.
 *
 * @example
 * ```ts
 * const { total, byReason } = selectProtocolErrors(store.getState());
 * console.table(byReason); // [{ reason: 'frame is not JSON', count: 2 }, …]
 * ```
 */
export const selectProtocolErrors = (
  state: StateWithDiagnostics,
): DiagnosticsState['protocolErrors'] => state.chat.diagnostics.protocolErrors;

/**
 * The newest dropped items (at most {@link MAX_RECENT}), oldest first.
 *
 * @example
 * ```ts
 * for (const { reason, raw } of selectRecentProtocolErrors(store.getState())) console.warn(reason, raw);
 * ```
 */
export const selectRecentProtocolErrors = (state: StateWithDiagnostics): ProtocolErrorRecord[] =>
  state.chat.diagnostics.protocolErrors.recent;
