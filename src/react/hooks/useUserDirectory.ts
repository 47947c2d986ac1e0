import { selectUsers, selectUsersById } from 'unet-chat-redux';
import { useGetUsersQuery } from './apiHooks';
import type { ChatUser } from 'unet-chat-redux';
import { useChatSelector } from './store';

/** What {@link useUserDirectory} returns. */
export interface UserDirectory {
  users: ChatUser[];
  usersById: Record<number, ChatUser>;
}

/**
 * The user directory for names and pickers: whatever the host dispatched
 * with `usersReceived`, plus the [ext] `/users/` endpoint when the server has
 * it (a server without it simply leaves the directory to the host).
 *
 * @example
 * ```tsx
 * const { usersById } = useUserDirectory();
 * usersById[message.sender_id]?.full_name;
 * ```
 */
export function useUserDirectory(options: { fetch?: boolean } = {}): UserDirectory {
  useGetUsersQuery(undefined, { skip: options.fetch === false });
  const users = useChatSelector(selectUsers);
  const usersById = useChatSelector(selectUsersById);
  return { users, usersById };
}
