import { useGetConversationsQuery, useSendMessageMutation } from './apiHooks';
import type { Message, SendMessageBody } from 'unet-chat-redux';
import { useCallback, useMemo } from 'react';

/**
 * The seed's `useConversations()`: the caller's conversations through RTK
 * Query (`{ data, isLoading, error, refetch, … }`).
 *
 * @example
 * ```tsx
 * const { data: conversations, isLoading } = useConversations();
 * ```
 */
export function useConversations(options?: { pollingInterval?: number; skip?: boolean }) {
  return useGetConversationsQuery(undefined, options);
}

/** What {@link useSendMessage} returns: the React Query mutation shape the seed used. */
export interface SendMessageMutation {
  mutate: (body: SendMessageBody) => void;
  mutateAsync: (body: SendMessageBody) => Promise<Message>;
  isPending: boolean;
  isError: boolean;
  isSuccess: boolean;
  error: unknown;
  data: Message | undefined;
  reset: () => void;
}

/**
 * The seed's `useSendMessage()`: a REST send with `mutateAsync`, as the
 * original React Query hook had. The message enters the store when the
 * server answers. For optimistic sending from a UI use `submitMessage`.
 *
 * @example
 * ```tsx
 * const sendMutation = useSendMessage();
 * await sendMutation.mutateAsync({ conversation_id: id, sender_id: 1, text: 'Привет!' });
 * ```
 */
export function useSendMessage(): SendMessageMutation {
  const [trigger, result] = useSendMessageMutation();
  const mutateAsync = useCallback((body: SendMessageBody) => trigger(body).unwrap(), [trigger]);
  const mutate = useCallback((body: SendMessageBody) => void trigger(body), [trigger]);
  return useMemo(
    () => ({
      mutate,
      mutateAsync,
      isPending: result.isLoading,
      isError: result.isError,
      isSuccess: result.isSuccess,
      error: result.error,
      data: result.data,
      reset: result.reset,
    }),
    [
      mutate,
      mutateAsync,
      result.isLoading,
      result.isError,
      result.isSuccess,
      result.error,
      result.data,
      result.reset,
    ],
  );
}
