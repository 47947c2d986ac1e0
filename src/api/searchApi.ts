import { chatApi } from './chatApi';
import { isMessagePayload } from '../socket/codec';
import type { ChatQueryError } from './errors';
import { SEARCH_QUERY_MAX } from './searchText';
import type { SearchSnippet, TextRange } from './searchText';
import type { Message } from './types';

/** Arguments of `searchMessages`. */
export interface MessageSearchArgs {
  /** The words to find (each as a word prefix; all of them must occur). */
  q: string;
  /** Only in this conversation. */
  conversationId?: string;
  /** At most this many results (the reference server allows 1–50, default 20). */
  limit?: number;
}

/** One message found, with an excerpt around the words. */
export interface MessageSearchHit {
  message: Message;
  snippet: SearchSnippet;
}

/** What `searchMessages` resolves with. */
export interface MessageSearchResult {
  /**
   * `false` when the server has no message search ([ext]; a seed server): the
   * results are then empty, and a UI searches the messages it has loaded.
   */
  supported: boolean;
  /** Newest first. */
  results: MessageSearchHit[];
  /** More messages match than were returned. */
  hasMore: boolean;
}

const unsupported: MessageSearchResult = { supported: false, results: [], hasMore: false };

// What a server without the route answers: no route (404, 405, 501), or the
// seed's `GET /messages/{conversation_id}` refusing "search" as an id (404, 422).
const NO_ROUTE = new Set([404, 405, 422, 501]);

function isRange(value: unknown): value is TextRange {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isInteger(value[0]) &&
    Number.isInteger(value[1]) &&
    (value[0] as number) <= (value[1] as number)
  );
}

function toHit(value: unknown): MessageSearchHit | null {
  if (typeof value !== 'object' || value === null) return null;
  const { message, snippet } = value as Record<string, unknown>;
  if (!isMessagePayload(message)) return null;
  if (typeof snippet !== 'object' || snippet === null) return null;
  const { text, highlights } = snippet as Record<string, unknown>;
  if (typeof text !== 'string' || !Array.isArray(highlights)) return null;
  const ranges = highlights.filter(isRange).filter(([, end]) => end <= text.length);
  return { message, snippet: { text, highlights: ranges } };
}

/** The answer as a search result, or `null` when it is not one (a seed server's message list). */
function toResult(data: unknown): MessageSearchResult | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { results, has_more: hasMore } = data as Record<string, unknown>;
  if (!Array.isArray(results)) return null;
  const hits = results.map(toHit).filter((hit): hit is MessageSearchHit => hit !== null);
  return { supported: true, results: hits, hasMore: hasMore === true };
}

/**
 * [ext] Message search, injected into {@link chatApi}:
 * `GET /messages/search?q=&conversation_id=&limit=` on the reference server,
 * over the caller's conversations only. Against a server without it the query
 * succeeds with `supported: false`, so the UI can fall back to the loaded
 * messages and say so. Results do not enter the message store (they are
 * scattered, not a stretch of history).
 *
 * @example
 * ```tsx
 * // In React (unet-chat-redux/react):
 * const { data } = useSearchMessagesQuery({ q: 'консультация' }, { skip: q.length === 0 });
 * if (data && !data.supported) showLocalResults();
 * ```
 */
export const searchApi = chatApi.injectEndpoints({
  endpoints: (build) => ({
    searchMessages: build.query<MessageSearchResult, MessageSearchArgs>({
      async queryFn({ q, conversationId, limit }, _api, _extraOptions, baseQuery) {
        const words = q.trim().slice(0, SEARCH_QUERY_MAX);
        if (!/[\p{L}\p{N}]/u.test(words)) return { data: { ...unsupported, supported: true } };
        const params: Record<string, string | number> = { q: words };
        if (conversationId) params.conversation_id = conversationId;
        if (limit !== undefined) params.limit = limit;
        const answer = await baseQuery({ url: '/messages/search', method: 'GET', params });
        if (answer.error) {
          const error = answer.error as ChatQueryError;
          if (typeof error.status === 'number' && NO_ROUTE.has(error.status)) {
            return { data: unsupported };
          }
          return { error };
        }
        return { data: toResult(answer.data) ?? unsupported };
      },
      keepUnusedDataFor: 30,
    }),
  }),
});
