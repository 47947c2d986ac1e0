/**
 * A flat view of a chunked timeline for assertions: the shown ids in order,
 * the pending ids, and one entity table over both.
 */
import type { ChatMessage, Timeline } from 'unet-chat-redux';
import { idsIn } from '../../src/state/chunks';

export interface TimelineView {
  ids: string[];
  pendingIds: string[];
  entities: Record<string, ChatMessage>;
  /** The entity adapters agree with themselves (each chunk's and the pending table's ids and entities). */
  adaptersConsistent: boolean;
}

export function viewOf(timeline: Timeline): TimelineView {
  const entities: Record<string, ChatMessage> = {};
  let adaptersConsistent = true;
  for (const table of [...timeline.chunks, timeline.pending]) {
    const keys = Object.keys(table.entities);
    if (keys.length !== table.ids.length) adaptersConsistent = false;
    for (const id of table.ids) {
      const message = Object.prototype.hasOwnProperty.call(table.entities, id)
        ? table.entities[id]
        : undefined;
      if (message) entities[id] = message;
      else adaptersConsistent = false;
    }
  }
  return {
    ids: idsIn(timeline.chunks),
    pendingIds: [...timeline.pending.ids],
    entities,
    adaptersConsistent,
  };
}
