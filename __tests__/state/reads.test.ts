import { configureStore } from '@reduxjs/toolkit';
import fc from 'fast-check';
import {
  chatReducer,
  conversationReceived,
  messagesSeen,
  readCursorMoved,
  readMarksSynced,
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

  it("never moves another participant's cursor back when a stale list answer arrives after a read:updated frame", () => {
    const { dispatch, getState } = store();
    const [first, second] = [
      '0190c000-0000-7000-8000-0000000000d1',
      '0190c001-0000-7000-8000-0000000000d2',
    ];
    dispatch(
      conversationReceived(
        conversation({ read_cursors: [{ user_id: 2, last_read_message_id: first }] }),
        'updated',
      ),
    );
    // The frame: user 2 read `second` (stored here, so its time is known).
    dispatch(
      readCursorMoved({
        conversationId: ID,
        userId: 2,
        messageId: second,
        mine: false,
        createdMs: 2000,
      }),
    );
    // A list asked before the frame, answered after it, still has `first`.
    dispatch(
      conversationReceived(
        conversation({ read_cursors: [{ user_id: 2, last_read_message_id: first }] }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]?.others[2]).toBe(second);
    // A late frame of the older move (its time known) does not move it back either.
    dispatch(
      readCursorMoved({
        conversationId: ID,
        userId: 2,
        messageId: first,
        mine: false,
        createdMs: 1000,
      }),
    );
    expect(getState().chat.reads[ID]?.others[2]).toBe(second);
    // Nor does an answer without a cursor.
    dispatch(
      conversationReceived(
        conversation({ read_cursors: [{ user_id: 2, last_read_message_id: null }] }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]?.others[2]).toBe(second);
    // A newer one still moves it forward.
    const third = '0190c002-0000-7000-8000-0000000000d3';
    dispatch(
      conversationReceived(
        conversation({ read_cursors: [{ user_id: 2, last_read_message_id: third }] }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]?.others[2]).toBe(third);
  });

  it('takes the newest report when the ids do not tell their order (not time-ordered UUIDs)', () => {
    const { dispatch, getState } = store();
    for (const id of ['m-2', 'm-1'])
      dispatch(
        conversationReceived(
          conversation({ read_cursors: [{ user_id: 2, last_read_message_id: id }] }),
          'updated',
        ),
      );
    expect(getState().chat.reads[ID]?.others[2]).toBe('m-1');
  });

  it("keeps each participant's cursor at the newest one reported, whatever order frames and answers come in (property)", () => {
    // Ids of messages in server order: v7 UUIDs whose text sorts as they were made.
    const ids = Array.from(
      { length: 12 },
      (_, i) => `0190c0${(16 + i).toString(16)}-0000-7000-8000-0000000000e${(i % 10).toString()}`,
    );
    const report = fc.record({
      userId: fc.constantFrom(2, 3),
      index: fc.nat({ max: ids.length - 1 }),
      viaFrame: fc.boolean(),
      timeKnown: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 30 }), (reports) => {
        const { dispatch, getState } = store();
        const newest = new Map<number, number>();
        for (const { userId, index, viaFrame, timeKnown } of reports) {
          newest.set(userId, Math.max(newest.get(userId) ?? -1, index));
          const messageId = ids[index]!;
          if (viaFrame)
            dispatch(
              readCursorMoved({
                conversationId: ID,
                userId,
                messageId,
                mine: false,
                createdMs: timeKnown ? 1000 + index : null,
              }),
            );
          else
            dispatch(
              conversationReceived(
                conversation({
                  read_cursors: [{ user_id: userId, last_read_message_id: messageId }],
                }),
                'updated',
              ),
            );
        }
        for (const [userId, index] of newest)
          expect(getState().chat.reads[ID]?.others[userId]).toBe(ids[index]);
      }),
    );
  });
});

describe('readMarksSynced (another tab of ours has seen up to a message)', () => {
  it('moves our cursor forward only, and the server naming it confirms it', () => {
    const { dispatch, getState } = store();
    dispatch(messagesSeen({ conversationId: ID, messageId: SEEN, createdMs: 2000 }));
    dispatch(readMarksSynced({ marks: { [ID]: { messageId: 'older', createdMs: 1000 } } }));
    expect(getState().chat.reads[ID]?.mine).toBe(SEEN);
    const later = '0190c000-0000-7000-8000-0000000000c4';
    dispatch(readMarksSynced({ marks: { [ID]: { messageId: later, createdMs: 3000 } } }));
    expect(getState().chat.reads[ID]).toMatchObject({ mine: later, mineMs: 3000, mineAhead: true });
    // A stale answer does not move it back; one naming it confirms it.
    dispatch(
      conversationReceived(
        conversation({ last_read_message_id: SEEN, unread_count: 1 }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]?.mine).toBe(later);
    dispatch(
      conversationReceived(
        conversation({ last_read_message_id: later, unread_count: 0 }),
        'updated',
      ),
    );
    expect(getState().chat.reads[ID]?.mineAhead).toBe(false);
  });
});
