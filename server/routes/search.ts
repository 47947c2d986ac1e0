import type { FastifyInstance } from 'fastify';
import type { Message } from '../../src/api/types';
import { makeSnippet, queryWords, SEARCH_QUERY_MAX, searchTerms } from '../../src/api/searchText';
import type { SearchSnippet } from '../../src/api/searchText';
import { callerOf } from '../auth';
import { invalid } from '../errors';
import { toMessage } from '../serialize';
import { isUuid } from '../validation';
import type { RouteContext } from './context';

/** How many results a search answers with: by default, and at most. */
export const SEARCH_LIMITS = { default: 20, max: 50 } as const;

/** One message found by `GET /messages/search`. */
export interface SearchHit {
  message: Message;
  snippet: SearchSnippet;
}

/** The answer of `GET /messages/search`. */
export interface SearchAnswer {
  results: SearchHit[];
  /** More messages match than `limit`. */
  has_more: boolean;
}

interface SearchQuery {
  words: string[];
  conversationId: string | null;
  limit: number;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name}: must be given once.`);
  return value;
}

function parseSearchQuery(raw: unknown): SearchQuery {
  const query = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const q = single(query, 'q')?.trim() ?? '';
  if (q === '') throw invalid('q: must not be empty.');
  if (q.length > SEARCH_QUERY_MAX) {
    throw invalid(`q: must be at most ${SEARCH_QUERY_MAX} characters.`);
  }
  const words = queryWords(q);
  if (words.length === 0) throw invalid('q: must contain a letter or a digit.');
  const conversationId = single(query, 'conversation_id');
  if (conversationId !== undefined && !isUuid(conversationId)) {
    throw invalid('conversation_id: must be a UUID.');
  }
  const rawLimit = single(query, 'limit');
  let limit: number = SEARCH_LIMITS.default;
  if (rawLimit !== undefined) {
    limit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= SEARCH_LIMITS.max)) {
      throw invalid(`limit: must be an integer between 1 and ${SEARCH_LIMITS.max}.`);
    }
  }
  return { words, conversationId: conversationId?.toLowerCase() ?? null, limit };
}

/** Each word a quoted FTS5 prefix query, so nothing the reader types is FTS syntax. */
function ftsExpression(words: readonly string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}

/**
 * [ext] `GET /messages/search?q=&conversation_id=&limit=`: the caller's live
 * messages that contain every word of `q` (as word prefixes), newest first,
 * each with a snippet around the words found.
 */
export function searchRoutes(app: FastifyInstance, { chat, store }: RouteContext): void {
  app.get('/messages/search', async (request): Promise<SearchAnswer> => {
    const userId = callerOf(request);
    const { words, conversationId, limit } = parseSearchQuery(request.query);
    // A conversation the caller cannot see answers 404, exactly as its other routes do.
    if (conversationId !== null) chat.getConversation(userId, conversationId);
    const rows = store.searchMessages(userId, ftsExpression(words), conversationId, limit + 1);
    const terms = searchTerms(words.join(' '));
    return {
      results: rows.slice(0, limit).map((row) => ({
        message: toMessage(row),
        snippet: makeSnippet(row.text, terms),
      })),
      has_more: rows.length > limit,
    };
  });
}
