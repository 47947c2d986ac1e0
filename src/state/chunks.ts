import { createEntityAdapter, createNextState, current, isDraft, original } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import type { ChatMessage } from './model';
import { SPAN_MS, emptyIndex, spanOfId, withKeys, withoutIds } from './idIndex';
import type { IdIndex } from './idIndex';
import { upperBound } from './timeline';
import type { KeyOf } from './timeline';

/**
 * A conversation's confirmed messages, stored in bounded chunks so that a
 * dispatch copies only what it touches. Each chunk is an entity-adapter
 * state whose `ids` are in display order (by `created_ms`, ties in the order
 * first learned); the chunks follow each other in that order too. A live
 * message therefore copies one chunk (at most {@link MAX_CHUNK} entities)
 * and the chunk list, never the whole conversation: Immer copies and walks
 * only the drafts it changed.
 *
 * ```
 *   chunks: [ {ids: m1…m340} ] [ {ids: m341…m680} ] [ {ids: m681…m700} ]
 *                                                     ^ live messages land here
 * ```
 */
export type MessageChunk = EntityState<ChatMessage, string>;

/**
 * A conversation's confirmed messages: the chunks, and the id → key index
 * (`idIndex.ts`) that finds a message's chunk by binary search. Every change
 * goes through the functions of this module, which keep the two in step.
 */
export interface StoredMessages {
  chunks: MessageChunk[];
  index: IdIndex;
}

/** No confirmed messages. */
export function emptyStore(): StoredMessages {
  return { chunks: [], index: emptyIndex() };
}

/**
 * New chunks are cut at this size. 340, not 256: V8 keeps a chunk's entity
 * table in a hash table of a power-of-two capacity filled to at most 2/3, so
 * 256 entries take 512 slots and so do 341 — measured, 57 B per message of
 * table at 256 and 45 B at 340 (the memory goal is 450 B per message in all).
 */
export const CHUNK_SIZE = 340;
/** A chunk that grows past this (by inserts in its middle) is split in two. */
export const MAX_CHUNK = 2 * CHUNK_SIZE;

/** The entity adapter of every chunk (and of the pending messages). */
export const chunkAdapter = createEntityAdapter<ChatMessage>();

export type { KeyOf } from './timeline';

/** What the untouched base state holds, so reading it creates no Immer drafts. */
function base<Value extends object>(value: Value): Value {
  if (!isDraft(value)) return value;
  const draft = value as Parameters<typeof original>[0];
  return (original(draft) ?? current(draft)) as Value;
}

/**
 * `entities[id]` of a chunk as it stands, read without Immer copying the
 * table: reading a value through a draft makes Immer copy its parent (a
 * whole chunk's entities) to hold the child draft, while a draft's property
 * descriptor hands the value over as it is.
 */
function peek(chunk: MessageChunk, id: string): ChatMessage | undefined {
  if (!isDraft(chunk)) return chunk.entities[id];
  const entities = Object.getOwnPropertyDescriptor(chunk, 'entities')?.value as
    MessageChunk['entities'] | undefined;
  if (!entities) return undefined;
  if (!isDraft(entities)) return entities[id];
  const value = Object.getOwnPropertyDescriptor(entities, id)?.value as ChatMessage | undefined;
  return value && isDraft(value) ? current(value) : value;
}

function plainIds(chunk: MessageChunk): readonly string[] {
  return isDraft(chunk.ids) ? current(chunk.ids) : chunk.ids;
}

/** The index as it stands now (it is only ever replaced whole, never changed through a draft). */
export function indexOf(store: StoredMessages): IdIndex {
  const index = store.index;
  return isDraft(index) ? base(index) : index;
}

/** The stored key (`created_ms`) of a confirmed message; `undefined` when it is not stored. */
export function storedKey(store: StoredMessages, id: string): number | undefined {
  return messageIn(store, id)?.created_ms;
}

/**
 * Where in `list` the message `id` is, given the span its key is in: the
 * chunks whose key range meets the span (messages of one span may lie in
 * several chunks), newest first; -1 when none holds it.
 */
function positionIn(list: readonly MessageChunk[], id: string, span: number): number {
  if (list.length === 0) return -1;
  const from = span * SPAN_MS;
  for (let index = chunkFor(list, from + SPAN_MS - 1); index >= 0; index--) {
    const chunk = list[index] as MessageChunk;
    if (peek(chunk, id) !== undefined) return index;
    // Every earlier chunk is older than this one's first message.
    const first = chunk.ids[0];
    if (first === undefined || keyIn(chunk, first) < from) break;
  }
  return -1;
}

/**
 * The chunk holding `id`, and its position; `undefined` when none does.
 * O(1) for an unknown id, O(log n) for a known one (its span of time from
 * the index, then a binary search over the chunks).
 */
export function findChunk(
  store: StoredMessages,
  id: string,
): { chunk: MessageChunk; index: number } | undefined {
  const span = spanOfId(indexOf(store), id);
  if (span === undefined) return undefined;
  const chunks = store.chunks;
  // The base state first: reading through drafts creates a Proxy per value read.
  const list = base(chunks as MessageChunk[]);
  const at = positionIn(list, id, span);
  if (at >= 0) {
    // The chunk list may have changed earlier in this reduction: trust the position only if it still holds.
    const stored = list[at] as MessageChunk;
    const chunk = chunks[at];
    if (chunk && (chunk === stored || (isDraft(chunk) && base(chunk) === stored)))
      return { chunk, index: at };
  }
  if (list === chunks) return undefined;
  // What this reduction added or moved (new chunks, new entities of changed ones).
  const index = positionIn(chunks, id, span);
  return index >= 0 ? { chunk: chunks[index] as MessageChunk, index } : undefined;
}

/** A confirmed message by id, as the store holds it now (read without creating drafts where it can). */
export function messageIn(store: StoredMessages, id: string): ChatMessage | undefined {
  const found = findChunk(store, id);
  return found ? peek(found.chunk, id) : undefined;
}

export function countIn(chunks: readonly MessageChunk[]): number {
  let count = 0;
  for (const chunk of chunks) count += chunk.ids.length;
  return count;
}

export function firstIdIn(chunks: readonly MessageChunk[]): string | undefined {
  return chunks[0]?.ids[0];
}

export function lastIdIn(chunks: readonly MessageChunk[]): string | undefined {
  const last = chunks[chunks.length - 1];
  return last?.ids[last.ids.length - 1];
}

/** Every id in display order (a new array; for code that needs them all). */
export function idsIn(chunks: readonly MessageChunk[]): string[] {
  const ids: string[] = [];
  for (const chunk of chunks) for (const id of chunk.ids) ids.push(id);
  return ids;
}

/**
 * Changes chunk `index` in place when it is an Immer draft (it came from the
 * state being reduced), else — a chunk made earlier in this same reduction —
 * through a produce of its own.
 */
function mutate(
  chunks: MessageChunk[],
  index: number,
  change: (chunk: MessageChunk) => void,
): void {
  const chunk = chunks[index] as MessageChunk;
  if (isDraft(chunk)) change(chunk);
  else chunks[index] = createNextState(chunk, (draft) => void change(draft as MessageChunk));
}

/**
 * A new chunk of messages in display order: the adapter's state shape,
 * built and frozen directly. A burst of 10,000 makes 40 chunks, and an Immer
 * produce per chunk (what `setAll` on a plain state does) cost as much as
 * the rest of the burst; frozen, the reduction's own produce skips them.
 */
function newChunk(messages: readonly ChatMessage[]): MessageChunk {
  const chunk = chunkAdapter.getInitialState();
  const ids: string[] = [];
  const entities: Record<string, ChatMessage> = {};
  for (const message of messages) {
    if (entities[message.id] === undefined) ids.push(message.id);
    entities[message.id] = Object.isFrozen(message) ? message : Object.freeze(message);
  }
  return Object.freeze({
    ...chunk,
    ids: Object.freeze(ids),
    entities: Object.freeze(entities),
  }) as MessageChunk;
}

/** `created_ms` of a message of `chunk`, read without creating Immer drafts. */
function keyIn(chunk: MessageChunk, id: string): number {
  return peek(chunk, id)?.created_ms ?? 0;
}

/** A key reader for the ids of one chunk. */
const keysOf =
  (chunk: MessageChunk): KeyOf =>
  (id) =>
    keyIn(chunk, id);

/** The last chunk whose first key is ≤ `key` (0 when `key` is older than everything). */
function chunkFor(chunks: readonly MessageChunk[], key: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const chunk = chunks[mid] as MessageChunk;
    const first = chunk.ids[0];
    if (first !== undefined && keyIn(chunk, first) <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function splitOversized(chunks: MessageChunk[], index: number): void {
  const chunk = chunks[index] as MessageChunk;
  if (chunk.ids.length <= MAX_CHUNK) return;
  const ids = plainIds(chunk);
  // The current values: this reduction may have replaced some (base() would give the old ones).
  const entities = isDraft(chunk.entities) ? current(chunk.entities) : chunk.entities;
  const parts: MessageChunk[] = [];
  for (let from = 0; from < ids.length; from += CHUNK_SIZE) {
    const part = ids
      .slice(from, from + CHUNK_SIZE)
      .map((id) => (entities[id] ?? chunk.entities[id]) as ChatMessage);
    parts.push(newChunk(part));
  }
  chunks.splice(index, 1, ...parts);
}

/**
 * Inserts new messages in display order; ids the store holds already, and
 * repeats within the batch, are left out (the first copy counts). The common
 * cases — a newer batch (live messages, catch-up) and an older page
 * (scroll-back) — touch only the last or the first chunk; anything else is
 * placed by binary search, message by message.
 */
export function insertMessages(store: StoredMessages, batch: readonly ChatMessage[]): void {
  if (batch.length === 0) return;
  const index = indexOf(store);
  const seen = new Set<string>();
  const fresh: ChatMessage[] = [];
  for (const message of batch) {
    if (seen.has(message.id) || spanOfId(index, message.id) !== undefined) continue;
    seen.add(message.id);
    fresh.push(message);
  }
  if (fresh.length === 0) return;
  placeMessages(store.chunks, fresh);
  store.index = withKeys(
    index,
    fresh.map((message) => ({ id: message.id, key: message.created_ms })),
  );
}

function placeMessages(chunks: MessageChunk[], batch: readonly ChatMessage[]): void {
  // Stable: messages that share a key keep the order they came in (a burst usually is in order).
  let inOrder = true;
  for (let i = 1; i < batch.length && inOrder; i++)
    inOrder = (batch[i] as ChatMessage).created_ms >= (batch[i - 1] as ChatMessage).created_ms;
  const sorted: readonly ChatMessage[] = inOrder
    ? batch
    : [...batch].sort((a, b) => a.created_ms - b.created_ms);
  const firstKey = (sorted[0] as ChatMessage).created_ms;
  const lastKey = (sorted[sorted.length - 1] as ChatMessage).created_ms;
  const tailChunk = chunks[chunks.length - 1];
  const headChunk = chunks[0];
  const last = lastIdIn(chunks);
  const first = firstIdIn(chunks);

  if (last === undefined || !tailChunk || firstKey >= keyIn(tailChunk, last)) {
    // Newer than everything: fill the last chunk, then cut new ones.
    let from = 0;
    const tail = chunks[chunks.length - 1];
    if (tail && tail.ids.length < CHUNK_SIZE) {
      from = Math.min(CHUNK_SIZE - tail.ids.length, sorted.length);
      const head = sorted.slice(0, from);
      mutate(chunks, chunks.length - 1, (chunk) => chunkAdapter.addMany(chunk, head));
    }
    for (; from < sorted.length; from += CHUNK_SIZE)
      chunks.push(newChunk(sorted.slice(from, from + CHUNK_SIZE)));
    return;
  }
  if (first !== undefined && headChunk && lastKey < keyIn(headChunk, first)) {
    // Older than everything (scroll-back): fill the first chunk, then whole chunks in front.
    let to = sorted.length;
    if (headChunk.ids.length < CHUNK_SIZE) {
      to = Math.max(0, sorted.length - (CHUNK_SIZE - headChunk.ids.length));
      const newest = sorted.slice(to);
      mutate(chunks, 0, (chunk) => {
        // A copy: addMany appends to the ids array in place, which may be a plain one by now.
        const ids = plainIds(chunk).slice();
        chunkAdapter.addMany(chunk, newest);
        chunk.ids = [...newest.map((message) => message.id), ...ids];
      });
    }
    const parts: MessageChunk[] = [];
    for (; to > 0; to -= CHUNK_SIZE)
      parts.unshift(newChunk(sorted.slice(Math.max(0, to - CHUNK_SIZE), to)));
    chunks.unshift(...parts);
    return;
  }
  const touched = new Set<number>();
  for (const message of sorted) {
    const index = chunkFor(chunks, message.created_ms);
    const target = chunks[index] as MessageChunk;
    const at = upperBound(plainIds(target), message.created_ms, keysOf(target));
    mutate(chunks, index, (chunk) => {
      chunkAdapter.addOne(chunk, message);
      // addOne appended the id; move it where it belongs.
      const ids = plainIds(chunk).slice(0, -1);
      ids.splice(at, 0, message.id);
      chunk.ids = ids;
    });
    touched.add(index);
  }
  for (const index of [...touched].sort((a, b) => b - a)) splitOversized(chunks, index);
}

/**
 * Removes messages by id; empty chunks go. Returns the removed messages.
 * Each id's chunk is found through the index, so a deletion costs what its
 * own chunk costs, however long the conversation.
 */
export function removeMessages(store: StoredMessages, ids: ReadonlySet<string>): ChatMessage[] {
  const removed: ChatMessage[] = [];
  if (ids.size === 0) return removed;
  const chunks = store.chunks;
  const byChunk = new Map<number, string[]>();
  const gone: string[] = [];
  for (const id of ids) {
    const found = findChunk(store, id);
    if (!found) continue;
    const here = byChunk.get(found.index);
    if (here) here.push(id);
    else byChunk.set(found.index, [id]);
  }
  if (byChunk.size === 0) return removed;
  // From the last chunk back, so that a chunk that goes does not move the ones still to do.
  for (const index of [...byChunk.keys()].sort((a, b) => b - a)) {
    const here = byChunk.get(index) as string[];
    const chunk = chunks[index] as MessageChunk;
    gone.push(...here);
    for (const id of here) {
      const message = peek(chunk, id);
      if (message) removed.push(message);
    }
    if (here.length === chunk.ids.length) chunks.splice(index, 1);
    else mutate(chunks, index, (draft) => chunkAdapter.removeMany(draft, here));
  }
  store.index = withoutIds(indexOf(store), gone);
  return removed;
}

/**
 * Replaces a stored message with a new copy (same id, same place). A message's
 * place in time is fixed when it is created: a copy that claims another
 * `created_at` keeps the stored one, so the order of the chunks (and the
 * index's keys) always hold.
 */
export function replaceMessage(store: StoredMessages, message: ChatMessage): boolean {
  const found = findChunk(store, message.id);
  if (!found) return false;
  mutate(store.chunks, found.index, (chunk) => {
    const stored = peek(chunk, message.id);
    chunk.entities[message.id] =
      stored && stored.created_ms !== message.created_ms
        ? { ...message, created_at: stored.created_at, created_ms: stored.created_ms }
        : message;
  });
  return true;
}

/** Drops the oldest messages until at most `max` are left; returns the dropped ids. */
export function trimOldest(store: StoredMessages, max: number): string[] {
  const chunks = store.chunks;
  const dropped: string[] = [];
  let excess = indexOf(store).size - max;
  while (excess > 0 && chunks.length > 0) {
    const chunk = chunks[0] as MessageChunk;
    if (chunk.ids.length <= excess) {
      dropped.push(...plainIds(chunk));
      excess -= chunk.ids.length;
      chunks.shift();
    } else {
      const gone = plainIds(chunk).slice(0, excess);
      dropped.push(...gone);
      mutate(chunks, 0, (draft) => chunkAdapter.removeMany(draft, gone));
      excess = 0;
    }
  }
  if (dropped.length > 0) store.index = withoutIds(indexOf(store), dropped);
  return dropped;
}
