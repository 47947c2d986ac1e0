import { configureStore } from '@reduxjs/toolkit';
import {
  chatReducer,
  conversationReceived,
  messagesSeen,
  readCursorMoved,
  selectUnreadCount,
} from 'unet-chat-redux';
import type { Conversation } from 'unet-chat-redux';

/**
 * The `chat.reads` reducer: our cursor moves only forward, and a server answer
 * that does not know of our newest cursor yet does not move it back.
 */
const ID = '0190c000-0000-7000-8000-0000000000a1';
const SEEN = '0190c000-0000-7000-8000-0000000000b2';

const conversation = (fields: Record<string, unknown>) =>
  ({
    id: ID,
    type: 'group',
    title: 'Reads',
    created_by: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    service: null,
    service_id: null,
    participant_ids: [1, 2],
    ...fields,
  }) as Conversation;

function store() {
  return configureStore({ reducer: { chat: chatReducer } });
}

describe('chat.reads', () => {
  it('keeps a cursor we moved when a server answer still has the older one, until the server confirms it', () => {
    const { dispatch, getState } = store();
    dispatch(
      conversationReceived(
        conversation({ last_read_message_id: null, unread_count: 1 }),
        'updated',
      ),
    );
    dispatch(messagesSeen({ conversationId: ID, messageId: SEEN, createdMs: 1000 }));
    // A list asked before the cursor went out answers after it moved.
    dispatch(
      conversationReceived(
        conversation({ last_read_message_id: null, unread_count: 1 }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]).toMatchObject({ mine: SEEN, mineMs: 1000 });
    expect(selectUnreadCount(getState(), ID)).toBe(0);

    // The server confirms it: from then on its answers count again.
    dispatch(
      readCursorMoved({
        conversationId: ID,
        userId: 2,
        messageId: SEEN,
        mine: true,
        createdMs: null,
      }),
    );
    expect(getState().chat.reads[ID]).toMatchObject({ mine: SEEN, mineMs: 1000, mineAhead: false });
    const later = '0190c000-0000-7000-8000-0000000000c3';
    dispatch(
      conversationReceived(
        conversation({ last_read_message_id: later, unread_count: 0 }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]?.mine).toBe(later);
  });

  it('never moves our cursor back for an older message seen late', () => {
    const { dispatch, getState } = store();
    dispatch(messagesSeen({ conversationId: ID, messageId: SEEN, createdMs: 2000 }));
    dispatch(messagesSeen({ conversationId: ID, messageId: 'older', createdMs: 1000 }));
    expect(getState().chat.reads[ID]?.mine).toBe(SEEN);
  });
});
