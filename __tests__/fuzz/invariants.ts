/**
 * What must hold of a chat store's state after every step of a fuzz run,
 * whatever arrived: each conversation's timeline is consistent (no id twice,
 * `ids` in `created_ms` order, every id with its entity, the watermark among
 * the ids), nothing reached a prototype, and the state is plain serializable
 * data.
 */
import type { Timeline } from 'unet-chat-redux';
import { viewOf } from './timelineView';

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

function timelineProblems(conversationId: string, timeline: Timeline): string[] {
  const problems: string[] = [];
  const where = `conversation ${conversationId}`;
  const view = viewOf(timeline);
  const { entities } = view;
  for (const [name, table] of Object.entries({
    ...Object.fromEntries(
      timeline.chunks.map((chunk, index) => [`chunk ${index}`, chunk.entities]),
    ),
    pending: timeline.pending.entities,
    editing: timeline.editing,
    deleting: timeline.deleting,
  })) {
    if (Object.getPrototypeOf(table) !== Object.prototype)
      problems.push(`${where}: ${name} has another prototype`);
  }

  const seen = new Set<string>();
  let previousMs = -Infinity;
  for (const id of view.ids) {
    if (seen.has(id)) problems.push(`${where}: ${id} is twice in ids`);
    seen.add(id);
    const message = hasOwn(entities, id) ? entities[id] : undefined;
    if (!message) {
      problems.push(`${where}: ${id} is in ids without an entity`);
      continue;
    }
    if (message.id !== id) problems.push(`${where}: entity ${id} has the id ${message.id}`);
    if (message.status !== 'sent') problems.push(`${where}: ${id} in ids is ${message.status}`);
    if (message.conversation_id !== conversationId)
      problems.push(`${where}: ${id} belongs to ${message.conversation_id}`);
    if (typeof message.created_ms !== 'number' || !Number.isFinite(message.created_ms))
      problems.push(`${where}: ${id} has created_ms ${String(message.created_ms)}`);
    else if (message.created_ms < previousMs) problems.push(`${where}: ids out of order at ${id}`);
    else previousMs = message.created_ms;
  }
  for (const id of view.pendingIds) {
    if (seen.has(id)) problems.push(`${where}: ${id} is twice in ids and pendingIds`);
    seen.add(id);
    const message = hasOwn(entities, id) ? entities[id] : undefined;
    if (!message) problems.push(`${where}: ${id} is in pendingIds without an entity`);
    else if (message.status === 'sent') problems.push(`${where}: pending ${id} is sent`);
  }
  // The entity table holds exactly what the timeline shows, and the adapter agrees with itself.
  if (!view.adaptersConsistent)
    problems.push(`${where}: an entity adapter's ids and entities disagree`);
  if (timeline.watermark !== null && !view.ids.includes(timeline.watermark))
    problems.push(`${where}: the watermark ${timeline.watermark} is not in ids`);
  return problems;
}

/** Where `value` is not plain data (JSON types, plus `undefined` as an object's value). */
export function serializationProblems(value: unknown, path = 'state'): string[] {
  const problems: string[] = [];
  const visiting = new Set<object>();
  const visit = (item: unknown, at: string, inArray: boolean): void => {
    if (problems.length > 5) return;
    switch (typeof item) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(item)) problems.push(`${at} is ${item}`);
        return;
      case 'undefined':
        if (inArray) problems.push(`${at} is undefined inside an array`);
        return;
      case 'object':
        break;
      default:
        problems.push(`${at} is a ${typeof item}`);
        return;
    }
    if (item === null) return;
    if (visiting.has(item)) {
      problems.push(`${at} is a cycle`);
      return;
    }
    const prototype = Object.getPrototypeOf(item);
    if (!Array.isArray(item) && prototype !== Object.prototype && prototype !== null)
      problems.push(`${at} is not a plain object`);
    visiting.add(item);
    if (Array.isArray(item)) item.forEach((child, index) => visit(child, `${at}[${index}]`, true));
    else for (const [key, child] of Object.entries(item)) visit(child, `${at}.${key}`, false);
    visiting.delete(item);
  };
  visit(value, path, false);
  return problems;
}

interface StateWithChat {
  chat: { messages: { conversations: Record<string, Timeline> } };
}

/** Every broken invariant of a store's state (none: an empty list). */
export function stateProblems(state: StateWithChat): string[] {
  const problems: string[] = [];
  const { conversations } = state.chat.messages;
  if (Object.getPrototypeOf(conversations) !== Object.prototype)
    problems.push('chat.messages.conversations has another prototype');
  for (const [conversationId, timeline] of Object.entries(conversations))
    problems.push(...timelineProblems(conversationId, timeline));
  if (Object.keys(Object.prototype).length > 0 || ({} as { polluted?: unknown }).polluted)
    problems.push('Object.prototype was polluted');
  problems.push(...serializationProblems(state));
  return problems;
}

/** Throws with every broken invariant, so fast-check reports (and shrinks) the run. */
export function assertInvariants(state: StateWithChat, when: string): void {
  const problems = stateProblems(state);
  if (problems.length > 0) throw new Error(`after ${when}:\n  ${problems.join('\n  ')}`);
}

/** RTK's development checks warn when a big state takes them long: about speed, not correctness. */
const SLOW_CHECK = /InvariantMiddleware took \d+ms/;

/**
 * Collects what the code under test logs as an error or a warning (the
 * connection logs a callback that threw; RTK logs non-serializable values):
 * a fuzz run fails on any of it.
 */
export function watchConsole(): { logged: unknown[][]; restore(): void } {
  const logged: unknown[][] = [];
  const error = jest.spyOn(console, 'error').mockImplementation((...args) => {
    logged.push(args);
  });
  const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => {
    if (!SLOW_CHECK.test(String(args[0]))) logged.push(args);
  });
  return {
    logged,
    restore() {
      error.mockRestore();
      warn.mockRestore();
    },
  };
}
