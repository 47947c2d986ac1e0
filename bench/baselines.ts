import { createAction, createEntityAdapter, createReducer, original } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import type { Message } from '../src/index';

/**
 * Naive implementations the package is compared with. They exist for the
 * benchmarks only. Each does the same bookkeeping as the package where it
 * matters for a fair comparison: Immer reducers (as RTK apps write them),
 * timestamps parsed inside the reducer, and sort keys read from the base
 * state rather than from Immer drafts.
 */

/** A stored message of the baselines: the wire message plus its parsed time. */
export interface BaselineMessage extends Message {
  created_ms: number;
}

const toEntity = (message: Message): BaselineMessage => ({
  ...message,
  created_ms: Date.parse(message.created_at),
});

/** The one action of every baseline reducer: messages arrived (from a page or the socket). */
export const baselineReceived = createAction<Message[]>('baseline/messagesReceived');

export type BaselineState = EntityState<BaselineMessage, string>;

/** (i) RTK's sorted entity adapter: `createEntityAdapter({ sortComparer })`. */
const sortedAdapter = createEntityAdapter<BaselineMessage>({
  sortComparer: (a, b) => a.created_ms - b.created_ms,
});

export const sortedAdapterReducer = createReducer(sortedAdapter.getInitialState(), (builder) => {
  builder.addCase(baselineReceived, (state, { payload }) => {
    sortedAdapter.upsertMany(state, payload.map(toEntity));
  });
});

/** (ii) An entity table plus an id array that is appended to and then fully re-sorted. */
export const fullSortReducer = createReducer<BaselineState>(
  { ids: [], entities: {} },
  (builder) => {
    builder.addCase(baselineReceived, (state, { payload }) => {
      const entities = original(state.entities) ?? {};
      const keys = new Map<string, number>();
      const fresh: string[] = [];
      for (const message of payload) {
        const entity = toEntity(message);
        if (!(entity.id in entities) && !keys.has(entity.id)) fresh.push(entity.id);
        keys.set(entity.id, entity.created_ms);
        state.entities[entity.id] = entity;
      }
      const keyOf = (id: string) => keys.get(id) ?? entities[id]?.created_ms ?? 0;
      const ids = [...(original(state.ids) ?? []), ...fresh];
      state.ids = ids.sort((a, b) => keyOf(a) - keyOf(b));
    });
  },
);

/**
 * Reference, not a competitor: RTK's unsorted entity adapter keeps no order
 * at all. It is the floor of "add to a normalized table with Immer".
 */
const unsortedAdapter = createEntityAdapter<BaselineMessage>();

export const unsortedAdapterReducer = createReducer(
  unsortedAdapter.getInitialState(),
  (builder) => {
    builder.addCase(baselineReceived, (state, { payload }) => {
      unsortedAdapter.upsertMany(state, payload.map(toEntity));
    });
  },
);
