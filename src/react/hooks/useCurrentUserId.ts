import { readCurrentUserId } from 'unet-chat-redux';
import { useChatDispatch } from './store';

/**
 * The current user's id, as the chat's `getCurrentUserId` option (by default
 * the access token's `user_id` claim) says; null when nobody is logged in.
 *
 * @example
 * ```tsx
 * const me = useCurrentUserId();
 * const mine = message.sender_id === me;
 * ```
 */
export function useCurrentUserId(): number | null {
  const dispatch = useChatDispatch();
  return dispatch(readCurrentUserId());
}
