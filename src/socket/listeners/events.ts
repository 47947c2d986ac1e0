import type { TypedStartListening, UnknownAction } from '@reduxjs/toolkit';
import { eventsBatched } from '../../state/events';
import type { ChatRootState } from '../../state/selectors';
import type { ChatDispatch } from '../context';

type StartListening = TypedStartListening<ChatRootState, ChatDispatch>;

/**
 * The actions inside an `eventsBatched` action, or the action itself. A burst
 * of socket frames reaches the reducers as one batch; anything that listens
 * for single events must look inside it.
 *
 * @example
 * ```ts
 * for (const action of unbatchChatActions(incoming)) if (messagesReceived.match(action)) …
 * ```
 */
export function unbatchChatActions(action: UnknownAction): UnknownAction[] {
  return eventsBatched.match(action) ? (action.payload.actions as UnknownAction[]) : [action];
}

/**
 * Listens for one event whether it comes alone or inside a batch, calling
 * `effect` once per occurrence, in order.
 */
export function listenForEvent<Payload>(
  startListening: StartListening,
  actionCreator: { match(action: unknown): action is { type: string; payload: Payload } },
  effect: (payload: Payload) => void,
): () => void {
  return startListening({
    predicate: (action) =>
      actionCreator.match(action) ||
      (eventsBatched.match(action) &&
        unbatchChatActions(action).some((inner) => actionCreator.match(inner))),
    effect: (action) => {
      for (const inner of unbatchChatActions(action)) {
        if (actionCreator.match(inner)) effect(inner.payload);
      }
    },
  });
}
