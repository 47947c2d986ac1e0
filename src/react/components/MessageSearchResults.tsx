import { useId } from 'react';
import type { ReactNode } from 'react';
import type { MessageSearchHit } from '../../api/searchApi';
import type { SearchSnippet } from '../../api/searchText';
import { formatFullDate, formatListTime, parseChatDate } from '../format';
import { useChatLocale } from '../i18n/context';
import { chatErrorText } from '../i18n/strings';
import { RetryIcon } from './internal/icons';
import { useNow } from './internal/useNow';

/** A message search as the list shows it. */
export interface MessageSearchState {
  /** The query the results are for. */
  query: string;
  status: 'loading' | 'done' | 'error';
  /**
   * `server`: the server searched the whole history; `loaded`: only the loaded
   * messages were searched (a server without search, or its search failed) — the list says so.
   */
  scope: 'server' | 'loaded';
  /** Newest first. */
  results: MessageSearchHit[];
  /** More messages match than are listed. */
  hasMore?: boolean;
  /** Why the server's search failed (`status: 'error'` or a `loaded` fallback after a failure). */
  errorCode?: string | null;
  /** The failure in the server's or network's words, for the tooltip. */
  error?: string | null;
}

/** Props of {@link MessageSearchResults}. */
export interface MessageSearchResultsProps {
  search: MessageSearchState;
  /** The title of a result's conversation. */
  titleOf: (conversationId: string) => string;
  /** The name of a result's sender. */
  nameOf: (userId: number) => string;
  /** A result was chosen: open its conversation at that message. */
  onOpen: (hit: MessageSearchHit) => void;
  /** Offered after a failed server search. */
  onRetry?: () => void;
  className?: string;
}

/** The snippet's text with its found words in `<mark>`; everything stays text. */
function highlighted({ text, highlights }: SearchSnippet): ReactNode[] {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at || end > text.length) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/**
 * The messages a search found: each with its conversation, sender, time and the
 * words found in context; choosing one calls `onOpen`. When only the loaded
 * messages could be searched it says so, and a failed server search offers Retry.
 *
 * @example
 * ```tsx
 * <MessageSearchResults
 *   search={{ query: 'консультация', status: 'done', scope: 'server', results }}
 *   titleOf={(id) => titles[id]}
 *   nameOf={(id) => names[id]}
 *   onOpen={(hit) => openAt(hit.message.conversation_id, hit.message.id)}
 * />
 * ```
 */
export function MessageSearchResults({
  search,
  titleOf,
  nameOf,
  onOpen,
  onRetry,
  className,
}: MessageSearchResultsProps) {
  const { strings, dateLocale, timeZone } = useChatLocale();
  const now = useNow();
  const headingId = useId();
  const dateOptions = { locale: dateLocale, timeZone, now };
  const failedReason =
    search.errorCode !== undefined && search.errorCode !== null
      ? chatErrorText(strings, search.errorCode)
      : null;

  let note: ReactNode = null;
  if (search.scope === 'loaded') {
    note = (
      <p className="ucr-search-results__note" title={search.error ?? undefined}>
        {failedReason ? strings.searchFailedLoadedOnly(failedReason) : strings.searchLoadedOnly}
      </p>
    );
  }

  return (
    <section
      className={['ucr-search-results', className].filter(Boolean).join(' ')}
      aria-labelledby={headingId}
      aria-busy={search.status === 'loading' || undefined}
    >
      <h3 id={headingId} className="ucr-search-results__heading">
        {strings.searchMessagesHeading}
      </h3>
      {note}
      {search.status === 'error' && (
        <div className="ucr-search-results__error" role="alert">
          <span title={search.error ?? undefined}>
            {failedReason ?? chatErrorText(strings, null)}
          </span>
          {onRetry && (
            <button type="button" className="ucr-button ucr-button--small" onClick={onRetry}>
              <RetryIcon />
              {strings.retry}
            </button>
          )}
        </div>
      )}
      {search.status === 'loading' && search.results.length === 0 ? (
        <p className="ucr-search-results__status">
          <span className="ucr-spinner" aria-hidden="true" />
          {strings.searchingMessages}
        </p>
      ) : search.status !== 'error' && search.results.length === 0 ? (
        <p className="ucr-search-results__status">{strings.noMessageResults}</p>
      ) : (
        <ul className="ucr-search-results__list">
          {search.results.map((hit) => {
            const { message } = hit;
            const ms = parseChatDate(message.created_at);
            const title = titleOf(message.conversation_id);
            return (
              <li key={message.id}>
                <button
                  type="button"
                  className="ucr-search-hit"
                  data-message-id={message.id}
                  onClick={() => onOpen(hit)}
                >
                  <span className="ucr-search-hit__top">
                    <span className="ucr-search-hit__title">
                      <span className="ucr-visually-hidden">{strings.searchResultIn(title)} </span>
                      <span aria-hidden="true">{title}</span>
                    </span>
                    {Number.isFinite(ms) && (
                      <time
                        className="ucr-search-hit__time"
                        dateTime={new Date(ms).toISOString()}
                        title={formatFullDate(ms, dateOptions)}
                      >
                        {formatListTime(ms, dateOptions)}
                      </time>
                    )}
                  </span>
                  <span className="ucr-search-hit__text">
                    <span className="ucr-search-hit__sender">{nameOf(message.sender_id)}: </span>
                    {highlighted(hit.snippet)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {search.hasMore && search.results.length > 0 && (
        <p className="ucr-search-results__more">
          {strings.searchMoreResults(search.results.length)}
        </p>
      )}
      <p className="ucr-visually-hidden" role="status">
        {search.status === 'loading' ? '' : strings.searchResultsCount(search.results.length)}
      </p>
    </section>
  );
}
