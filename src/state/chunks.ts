import { createEntityAdapter, current, isDraft } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import type { ChatMessage } from './model';
import { SPAN_MS, emptyIndex, spanOfId, withKeys, withoutIds } from './idIndex';
import type { IdIndex } from './idIndex';

/**
 * A conversation's confirmed messages, stored in bounded chunks so that a
 * dispatch copies only what it touches. Each chunk is an entity-adapter
 * state whose `ids` are in display order (by `created_ms`, ties in the order
 * first learned); the chunks follow each other in that order too. A live
 * message therefore copies one small last chunk (at most {@link TAIL_SIZE}
 * entities; see `appendFew`) and the chunk list, never the whole
 * conversation. The changed chunk is built by a plain loop and assigned
 * frozen (Immer neither proxies nor walks a frozen value assigned into a
 * draft): one copy of its table per dispatch, however many of its messages
 * the dispatch changes.
 *
 * ```
 *   chunks: [ {ids: m1…m340} ] [ {ids: m341…m680} ] [ {ids: m681…m692} ]
 *                                                     ^ live messages land here
 * ```
 *
 * Stored arrays are frozen, and V8 (Node 20) runs `slice`, `filter`, `concat`,
 * `some` and `findIndex` on a frozen array on a slow path: 20–100× slower than
 * on a plain one (a `slice` of 512 frozen elements takes about 25 µs, a spread
 * 0.2 µs). So this module and `idIndex.ts` copy a stored array with a spread
 * first.
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
/**
 * Batches of fewer new messages than this, newer than everything, go to a
 * small last chunk of at most this many (see `appendFew`).
 */
export const TAIL_SIZE = 32;

/** The entity adapter of every chunk (and of the pending messages). */
export const chunkAdapter = createEntityAdapter<ChatMessage>();

export type { KeyOf } from './timeline';

/** The value of `owner[key]` as it stands, read without Immer making a draft of it. */
export function readPlain<Value>(owner: object, key: string): Value {
  const value = (
    isDraft(owner)
      ? Object.getOwnPropertyDescriptor(owner, key)?.value
      : (owner as Record<string, unknown>)[key]
  ) as Value;
  // A draft someone made by reading through the parent: its current value (the base when unchanged).
  return isDraft(value) ? (current(value as never) as Value) : value;
}

/**
 * The chunk list as it stands, a plain frozen array of plain frozen chunks:
 * every change below builds new chunks and a new list outside Immer and
 * assigns them whole, so nothing of the storage is ever a modified draft.
 */
export function chunksOf(store: StoredMessages): readonly MessageChunk[] {
  return readPlain<readonly MessageChunk[]>(store, 'chunks');
}

function setChunks(store: StoredMessages, chunks: MessageChunk[]): void {
  store.chunks = Object.freeze(chunks) as MessageChunk[];
}

/** The index as it stands now (it is only ever replaced whole, never changed through a draft). */
export function indexOf(store: StoredMessages): IdIndex {
  return readPlain<IdIndex>(store, 'index');
}

/**
 * A chunk's entity table. A plain `{}` (the adapter's own shape: invariant
 * checks and hosts expect `Object.prototype`), filled by a loop over the
 * chunk's ids: 36 µs for 340 keys, against 46 µs for a `for…in` loop over the
 * table (enumerating a table of hundreds of keys costs more than looking
 * each id up) and 81 µs for `{...table}`. A null-prototype table would be
 * cheaper still, but is another shape than the adapter's.
 */
type Table = Record<string, ChatMessage>;

function newTable(): Table {
  return {};
}

/** A plain copy of a chunk's entity table, leaving out `gone` (one loop, no Immer proxy). */
function copyTable(chunk: MessageChunk, gone?: ReadonlySet<string>): Table {
  const { ids, entities } = chunk;
  const copy = newTable();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    if (gone === undefined || !gone.has(id)) copy[id] = entities[id] as ChatMessage;
  }
  return copy;
}

/** A message as the state keeps it: a plain frozen object (never a draft). */
function frozenMessage(message: ChatMessage): ChatMessage {
  const value = isDraft(message) ? (current(message as never) as ChatMessage) : message;
  return Object.isFrozen(value) ? value : Object.freeze(value);
}

/** A chunk of the adapter's state shape from its parts, frozen: Immer's finalize skips it. */
function chunkOf(ids: string[] | readonly string[], entities: Table): MessageChunk {
  return Object.freeze({
    ids: Object.isFrozen(ids) ? ids : Object.freeze(ids),
    entities: Object.freeze(entities),
  }) as MessageChunk;
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
    if (chunk.entities[id] !== undefined) return index;
    // Every earlier chunk is older than this one's first message.
    const first = chunk.ids[0];
    if (first === undefined || keyIn(chunk, first) < from) break;
  }
  return -1;
}

/**
 * The chunk holding `id`, and its position; `undefined` when none does.
 * O(1) for an unknown id, O(log n) for a known one (its span of time from
 * the index, then a binary search over the chunks). The chunk is a plain
 * frozen value, never a draft.
 */
export function findChunk(
  store: StoredMessages,
  id: string,
): { chunk: MessageChunk; index: number } | undefined {
  const span = spanOfId(indexOf(store), id);
  if (span === undefined) return undefined;
  const list = chunksOf(store);
  const index = positionIn(list, id, span);
  return index >= 0 ? { chunk: list[index] as MessageChunk, index } : undefined;
}

/** A confirmed message by id, as the store holds it now (a plain value, read without creating drafts). */
export function messageIn(store: StoredMessages, id: string): ChatMessage | undefined {
  return findChunk(store, id)?.chunk.entities[id];
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
 * A new chunk of messages in display order: the adapter's state shape,
 * built and frozen directly (an Immer produce per chunk, what `setAll` on a
 * plain state does, cost as much as the rest of a burst).
 */
function newChunk(messages: readonly ChatMessage[]): MessageChunk {
  const ids: string[] = [];
  const entities = newTable();
  for (const message of messages) {
    if (entities[message.id] === undefined) ids.push(message.id);
    entities[message.id] = frozenMessage(message);
  }
  return chunkOf(ids, entities);
}

/** `created_ms` of a message of a (plain) chunk. */
function keyIn(chunk: MessageChunk, id: string): number {
  return chunk.entities[id]?.created_ms ?? 0;
}

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

/** Chunk `index` cut into chunks of {@link CHUNK_SIZE} when it grew past {@link MAX_CHUNK}. */
function splitOversized(chunks: MessageChunk[], index: number): void {
  const chunk = chunks[index] as MessageChunk;
  if (chunk.ids.length <= MAX_CHUNK) return;
  const parts: MessageChunk[] = [];
  const ids = [...chunk.ids];
  for (let from = 0; from < ids.length; from += CHUNK_SIZE) {
    const part = ids.slice(from, from + CHUNK_SIZE).map((id) => chunk.entities[id] as ChatMessage);
    parts.push(newChunk(part));
  }
  chunks.splice(index, 1, ...parts);
}

/** `chunk` with `messages` added (ids it does not hold; their ids in `ids`, the new order). */
function withAdded(
  chunk: MessageChunk,
  ids: string[],
  messages: readonly ChatMessage[],
): MessageChunk {
  const entities = copyTable(chunk);
  for (const message of messages) entities[message.id] = frozenMessage(message);
  return chunkOf(ids, entities);
}

/**
 * Inserts new messages in display order; ids the store holds already, and
 * repeats within the batch, are left out (the first copy counts). The common
 * cases — a newer batch (live messages, catch-up) and an older page
 * (scroll-back) — touch only the last or the first chunk; anything else is
 * placed by binary search, each touched chunk copied once.
 */
export function insertMessages(
  store: StoredMessages,
  batch: readonly ChatMessage[],
  { allNew = false }: { allNew?: boolean } = {},
): void {
  if (batch.length === 0) return;
  const index = indexOf(store);
  let fresh: readonly ChatMessage[] = batch;
  // `allNew`: the caller has checked every id against the index and each other already.
  if (!allNew) {
    const seen = new Set<string>();
    const unknown: ChatMessage[] = [];
    for (const message of batch) {
      if (seen.has(message.id) || spanOfId(index, message.id) !== undefined) continue;
      seen.add(message.id);
      unknown.push(message);
    }
    fresh = unknown;
  }
  if (fresh.length === 0) return;
  const chunks = [...chunksOf(store)];
  placeMessages(chunks, fresh);
  setChunks(store, chunks);
  store.index = withKeys(index, fresh, { allNew: true });
}

/**
 * A few messages newer than everything (live messages, one or a handful per
 * dispatch) go to a small last chunk, so that each copies at most
 * {@link TAIL_SIZE} entities instead of a whole chunk of hundreds: that copy,
 * and the garbage it made, were the largest part of a live message's cost.
 * A full small tail is merged into the chunk before it while that stays
 * within {@link CHUNK_SIZE} (one copy of it per {@link TAIL_SIZE} messages),
 * else it stays as it is and starts the next chunk.
 *
 * ```
 *   [ …340 ] [ 96 ] [ 12 ]   + 1 live message → [ …340 ] [ 96 ] [ 13 ]
 *   [ …340 ] [ 96 ] [ 32 ]   + 1 live message → [ …340 ] [ 128 ] [ 1 ]
 * ```
 */
function appendFew(chunks: MessageChunk[], batch: readonly ChatMessage[]): void {
  const tail = chunks[chunks.length - 1];
  if (tail && tail.ids.length + batch.length <= TAIL_SIZE) {
    const ids = [...tail.ids, ...batch.map((message) => message.id)];
    chunks[chunks.length - 1] = withAdded(tail, ids, batch);
    return;
  }
  const previous = chunks[chunks.length - 2];
  const small = tail !== undefined && tail.ids.length <= TAIL_SIZE;
  if (small && previous && previous.ids.length + tail.ids.length <= CHUNK_SIZE) {
    const merged = tail.ids.map((id) => tail.entities[id] as ChatMessage);
    chunks[chunks.length - 2] = withAdded(previous, [...previous.ids, ...tail.ids], merged);
    chunks[chunks.length - 1] = newChunk(batch);
    return;
  }
  chunks.push(newChunk(batch));
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
  const tail = chunks[chunks.length - 1];
  const head = chunks[0];
  const last = lastIdIn(chunks);
  const first = firstIdIn(chunks);

  if (last === undefined || !tail || firstKey >= keyIn(tail, last)) {
    if (sorted.length < TAIL_SIZE) {
      appendFew(chunks, sorted);
      return;
    }
    // Newer than everything: fill the last chunk, then cut new ones.
    let from = 0;
    if (tail && tail.ids.length < CHUNK_SIZE) {
      from = Math.min(CHUNK_SIZE - tail.ids.length, sorted.length);
      const added = sorted.slice(0, from);
      const ids = [...tail.ids, ...added.map((message) => message.id)];
      chunks[chunks.length - 1] = withAdded(tail, ids, added);
    }
    for (; from < sorted.length; from += CHUNK_SIZE)
      chunks.push(newChunk(sorted.slice(from, from + CHUNK_SIZE)));
    return;
  }
  if (first !== undefined && head && lastKey < keyIn(head, first)) {
    // Older than everything (scroll-back): fill the first chunk, then whole chunks in front.
    let to = sorted.length;
    if (head.ids.length < CHUNK_SIZE) {
      to = Math.max(0, sorted.length - (CHUNK_SIZE - head.ids.length));
      const added = sorted.slice(to);
      const ids = [...added.map((message) => message.id), ...head.ids];
      chunks[0] = withAdded(head, ids, added);
    }
    const parts: MessageChunk[] = [];
    for (; to > 0; to -= CHUNK_SIZE)
      parts.unshift(newChunk(sorted.slice(Math.max(0, to - CHUNK_SIZE), to)));
    chunks.unshift(...parts);
    return;
  }
  // Anywhere: each message to the last chunk that starts no later than it. A
  // chunk's first key only changes by an insert before it, which goes to chunk
  // 0 alone, so the targets can all be found before any chunk changes.
  const byChunk = new Map<number, ChatMessage[]>();
  for (const message of sorted) {
    const index = chunkFor(chunks, message.created_ms);
    const here = byChunk.get(index);
    if (here) here.push(message);
    else byChunk.set(index, [message]);
  }
  for (const [index, added] of byChunk) {
    const chunk = chunks[index] as MessageChunk;
    // Merge by key; a new message goes after the stored ones of its key (they were learned first).
    const ids: string[] = [];
    let i = 0;
    for (const message of added) {
      while (i < chunk.ids.length && keyIn(chunk, chunk.ids[i] as string) <= message.created_ms)
        ids.push(chunk.ids[i++] as string);
      ids.push(message.id);
    }
    while (i < chunk.ids.length) ids.push(chunk.ids[i++] as string);
    chunks[index] = withAdded(chunk, ids, added);
  }
  for (const index of [...byChunk.keys()].sort((a, b) => b - a)) splitOversized(chunks, index);
}

/**
 * Removes messages by id; empty chunks go. Returns the removed messages.
 * Each id's chunk is found through the index, and each chunk that loses
 * messages is copied once, so a deletion costs what its own chunk costs,
 * however long the conversation.
 */
export function removeMessages(store: StoredMessages, ids: ReadonlySet<string>): ChatMessage[] {
  const removed: ChatMessage[] = [];
  if (ids.size === 0) return removed;
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
  const chunks = [...chunksOf(store)];
  // From the last chunk back, so that a chunk that goes does not move the ones still to do.
  for (const index of [...byChunk.keys()].sort((a, b) => b - a)) {
    const here = byChunk.get(index) as string[];
    const chunk = chunks[index] as MessageChunk;
    gone.push(...here);
    for (const id of here) removed.push(chunk.entities[id] as ChatMessage);
    if (here.length === chunk.ids.length) chunks.splice(index, 1);
    else chunks[index] = without(chunk, new Set(here));
  }
  setChunks(store, chunks);
  store.index = withoutIds(indexOf(store), gone);
  return removed;
}

/** `chunk` without the ids of `gone` (which it holds). */
function without(chunk: MessageChunk, gone: ReadonlySet<string>): MessageChunk {
  return chunkOf(
    [...chunk.ids].filter((id) => !gone.has(id)),
    copyTable(chunk, gone),
  );
}

/**
 * Replaces stored messages with new copies (same ids, same places); ids not
 * stored are left out. Returns how many were replaced. A message's place in
 * time is fixed when it is created: a copy that claims another `created_at`
 * keeps the stored one, so the order of the chunks (and the index's keys)
 * always hold. Each chunk is copied once however many of its messages
 * change; its `ids` stay the same array.
 */
export function replaceMessages(store: StoredMessages, messages: readonly ChatMessage[]): number {
  const byChunk = new Map<number, ChatMessage[]>();
  for (const message of messages) {
    const found = findChunk(store, message.id);
    if (!found) continue;
    const here = byChunk.get(found.index);
    if (here) here.push(message);
    else byChunk.set(found.index, [message]);
  }
  if (byChunk.size === 0) return 0;
  const chunks = [...chunksOf(store)];
  let count = 0;
  for (const [index, here] of byChunk) {
    const chunk = chunks[index] as MessageChunk;
    const entities = copyTable(chunk);
    for (const message of here) {
      const stored = entities[message.id] as ChatMessage;
      entities[message.id] = frozenMessage(
        stored.created_ms !== message.created_ms
          ? { ...message, created_at: stored.created_at, created_ms: stored.created_ms }
          : message,
      );
      count++;
    }
    chunks[index] = chunkOf(chunk.ids, entities);
  }
  setChunks(store, chunks);
  return count;
}

/** Replaces one stored message (see {@link replaceMessages}); false when it is not stored. */
export function replaceMessage(store: StoredMessages, message: ChatMessage): boolean {
  return replaceMessages(store, [message]) > 0;
}

/** Drops the oldest messages until at most `max` are left; returns the dropped ids. */
export function trimOldest(store: StoredMessages, max: number): string[] {
  const chunks = [...chunksOf(store)];
  const dropped: string[] = [];
  let excess = indexOf(store).size - max;
  while (excess > 0 && chunks.length > 0) {
    const chunk = chunks[0] as MessageChunk;
    if (chunk.ids.length <= excess) {
      dropped.push(...chunk.ids);
      excess -= chunk.ids.length;
      chunks.shift();
    } else {
      const gone = [...chunk.ids].slice(0, excess);
      dropped.push(...gone);
      chunks[0] = without(chunk, new Set(gone));
      excess = 0;
    }
  }
  if (dropped.length > 0) {
    setChunks(store, chunks);
    store.index = withoutIds(indexOf(store), dropped);
  }
  return dropped;
}
