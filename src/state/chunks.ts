import { createEntityAdapter, createNextState, current, isDraft, original } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import type { ChatMessage } from './model';
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
 *   chunks: [ {ids: m1…m256} ] [ {ids: m257…m512} ] [ {ids: m513…m600} ]
 *                                                     ^ live messages land here
 * ```
 */
export type MessageChunk = EntityState<ChatMessage, string>;

/** New chunks are cut at this size. */
export const CHUNK_SIZE = 256;
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

function plainIds(chunk: MessageChunk): readonly string[] {
  return isDraft(chunk.ids) ? current(chunk.ids) : chunk.ids;
}

/** The chunk holding `id`, and its index; `undefined` when none does. */
export function findChunk(
  chunks: readonly MessageChunk[],
  id: string,
): { chunk: MessageChunk; index: number } | undefined {
  const list = base(chunks as MessageChunk[]);
  // Newest first: lookups are mostly of recent messages (edits, echoes, deletions).
  // The base state first: reading through drafts creates a Proxy per value read.
  for (let index = list.length - 1; index >= 0; index--) {
    const stored = list[index] as MessageChunk;
    if (stored.entities[id] === undefined) continue;
    // The chunk list may have changed earlier in this reduction: trust the index only if it still holds.
    const chunk = chunks[index];
    if (chunk && (chunk === stored || (isDraft(chunk) && base(chunk) === stored)))
      return { chunk, index };
    break;
  }
  // What this reduction added or moved (new chunks, new entities of changed ones).
  if (list === chunks) return undefined;
  for (let index = chunks.length - 1; index >= 0; index--) {
    const chunk = chunks[index] as MessageChunk;
    if (chunk.entities[id] !== undefined) return { chunk, index };
  }
  return undefined;
}

/**
 * Whether a message with this key and id is stored, looking only where its
 * key would put it (no scan): the chunks whose key range contains `key`.
 * Reads the base state, so it sees what the reduction started with.
 */
export function storedWithKey(
  chunks: readonly MessageChunk[],
  id: string,
  key: number,
): ChatMessage | undefined {
  const list = isDraft(chunks) ? base(chunks as MessageChunk[]) : chunks;
  if (list.length === 0) return undefined;
  const last = list[list.length - 1] as MessageChunk;
  const newest = last.ids[last.ids.length - 1];
  if (newest === undefined || key > (last.entities[newest]?.created_ms ?? Infinity))
    return undefined;
  // Messages that share a key may span chunks: look at every chunk the key can be in.
  for (let index = chunkFor(list, key); index >= 0; index--) {
    const chunk = list[index] as MessageChunk;
    const found = chunk.entities[id];
    if (found) return found;
    const first = chunk.ids[0];
    if (first === undefined || (chunk.entities[first]?.created_ms ?? -Infinity) < key) break;
  }
  const next = list[chunkFor(list, key) + 1];
  return next?.entities[id];
}

/**
 * A confirmed message by id as the state the reduction started with holds
 * it (no drafts are created); `undefined` for one added in this reduction.
 */
export function storedMessage(
  chunks: readonly MessageChunk[],
  id: string,
): ChatMessage | undefined {
  const list = isDraft(chunks) ? base(chunks as MessageChunk[]) : chunks;
  for (let index = list.length - 1; index >= 0; index--) {
    const found = (list[index] as MessageChunk).entities[id];
    if (found) return found;
  }
  return undefined;
}

/** A message of the chunks by id. */
export function messageIn(chunks: readonly MessageChunk[], id: string): ChatMessage | undefined {
  for (let index = chunks.length - 1; index >= 0; index--) {
    const found = (chunks[index] as MessageChunk).entities[id];
    if (found) return found;
  }
  return undefined;
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
  return (base(chunk.entities)[id] ?? chunk.entities[id])?.created_ms ?? 0;
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
 * Inserts new messages (not yet in the chunks) in display order. The common
 * cases — a newer batch (live messages, catch-up) and an older page
 * (scroll-back) — touch only the last or the first chunk; anything else is
 * placed by binary search, message by message.
 */
export function insertMessages(chunks: MessageChunk[], batch: readonly ChatMessage[]): void {
  if (batch.length === 0) return;
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
    // Older than everything (scroll-back): whole chunks in front, the partial one first.
    const parts: MessageChunk[] = [];
    for (let to = sorted.length; to > 0; to -= CHUNK_SIZE)
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

function holdsAny(chunk: MessageChunk, ids: ReadonlySet<string>): boolean {
  for (const id of ids) if (Object.prototype.hasOwnProperty.call(chunk.entities, id)) return true;
  return false;
}

/** Removes messages by id; empty chunks go. Returns the removed messages. */
export function removeMessages(chunks: MessageChunk[], ids: ReadonlySet<string>): ChatMessage[] {
  const removed: ChatMessage[] = [];
  if (ids.size === 0) return removed;
  for (let index = chunks.length - 1; index >= 0; index--) {
    const chunk = chunks[index] as MessageChunk;
    // Most chunks hold none of the ids: asking the entity table (one lookup per id) skips
    // them without reading their ids, so a deletion costs what its own chunk costs.
    if (!holdsAny(chunk, ids)) continue;
    const entities = base(chunk.entities);
    const here = plainIds(chunk).filter((id) => ids.has(id));
    if (here.length === 0) continue;
    for (const id of here) {
      const message = entities[id] ?? chunk.entities[id];
      if (message) removed.push(isDraft(message) ? current(message) : message);
    }
    if (here.length === chunk.ids.length) chunks.splice(index, 1);
    else mutate(chunks, index, (draft) => chunkAdapter.removeMany(draft, here));
  }
  return removed;
}

/**
 * Replaces a stored message with a new copy (same id, same place). A message's
 * place in time is fixed when it is created: a copy that claims another
 * `created_at` keeps the stored one, so the order of the chunks always holds.
 */
export function replaceMessage(chunks: MessageChunk[], message: ChatMessage): boolean {
  const found = findChunk(chunks, message.id);
  if (!found) return false;
  mutate(chunks, found.index, (chunk) => {
    const stored = chunk.entities[message.id];
    chunk.entities[message.id] =
      stored && stored.created_ms !== message.created_ms
        ? { ...message, created_at: stored.created_at, created_ms: stored.created_ms }
        : message;
  });
  return true;
}

/** Drops the oldest messages until at most `max` are left; returns the dropped ids. */
export function trimOldest(chunks: MessageChunk[], max: number): string[] {
  const dropped: string[] = [];
  let excess = countIn(chunks) - max;
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
  return dropped;
}
