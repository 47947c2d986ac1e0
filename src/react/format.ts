/**
 * Date formatting for the chat components, with `Intl` in the reader's locale.
 * Every function takes `now` and `timeZone` explicitly, so the output is
 * decided by its arguments (tests pin both) and never by a hidden clock.
 */

import { parseTimestamp } from 'unet-chat-redux';

/** Where and when a date is shown. */
export interface ChatDateOptions {
  /** BCP 47 tag, e.g. `'ru-RU'`. */
  locale: string;
  /** IANA zone; the runtime's zone when omitted. */
  timeZone?: string | undefined;
  /** The reader's present as epoch milliseconds; decides "today" and "this year". */
  now: number;
}

/**
 * Reads a server timestamp as epoch milliseconds (`NaN` when unreadable); a
 * value without a zone is UTC, as the contract says. The core's
 * `parseTimestamp`, under the name the components use.
 */
export const parseChatDate = parseTimestamp;

const formatters = new Map<string, Intl.DateTimeFormat>();

// Building an Intl.DateTimeFormat costs far more than using one; a list renders many dates.
function formatter(
  locale: string | undefined,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, cached);
  }
  return cached;
}

const dayKeyOptions: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
};

/**
 * The calendar day of `ms` in `timeZone` as `YYYY-MM-DD`, for grouping and comparing days.
 *
 * @example
 * ```ts
 * chatDayKey(Date.UTC(2024, 2, 5, 23, 30), 'UTC'); // '2024-03-05'
 * ```
 */
export function chatDayKey(ms: number, timeZone?: string): string {
  // en-CA writes dates as YYYY-MM-DD, whatever the reader's locale.
  return formatter('en-CA', timeZone, dayKeyOptions).format(ms);
}

function previousDayKey(dayKey: string): string {
  const [year, month, day] = dayKey.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

const hourStyles = new Map<string, Intl.DateTimeFormatOptions>();

// 24-hour locales write "09:05", 12-hour ones "9:05 AM": what `timeStyle: 'short'`
// does, which cannot be combined with day and month, hence this lookup.
function timeOptions(locale: string): Intl.DateTimeFormatOptions {
  let options = hourStyles.get(locale);
  if (!options) {
    const { hourCycle } = formatter(locale, undefined, { hour: 'numeric' }).resolvedOptions();
    const twelveHour = hourCycle === 'h11' || hourCycle === 'h12';
    options = { hour: twelveHour ? 'numeric' : '2-digit', minute: '2-digit' };
    hourStyles.set(locale, options);
  }
  return options;
}

/**
 * A message time: today only the time, this year day, month and time, older the full date and time.
 *
 * @example
 * ```ts
 * formatMessageTime(sentAt, { locale: 'ru-RU', now: Date.now() }); // '14:07' or '5 мар., 14:07'
 * ```
 */
export function formatMessageTime(ms: number, { locale, timeZone, now }: ChatDateOptions): string {
  const day = chatDayKey(ms, timeZone);
  const today = chatDayKey(now, timeZone);
  if (day === today) return formatter(locale, timeZone, timeOptions(locale)).format(ms);
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return formatter(locale, timeZone, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    ...timeOptions(locale),
  }).format(ms);
}

/**
 * A compact time for the conversation list: today the time, this year day and month, older a numeric date.
 *
 * @example
 * ```ts
 * formatListTime(lastMessageAt, { locale: 'en-US', now: Date.now() }); // '2:07 PM', 'Mar 5' or '3/5/23'
 * ```
 */
export function formatListTime(ms: number, { locale, timeZone, now }: ChatDateOptions): string {
  const day = chatDayKey(ms, timeZone);
  const today = chatDayKey(now, timeZone);
  if (day === today) return formatter(locale, timeZone, timeOptions(locale)).format(ms);
  if (day.slice(0, 4) === today.slice(0, 4)) {
    return formatter(locale, timeZone, { day: 'numeric', month: 'short' }).format(ms);
  }
  return formatter(locale, timeZone, { dateStyle: 'short' }).format(ms);
}

/**
 * The full date and time, for tooltips and screen readers.
 *
 * @example
 * ```ts
 * formatFullDate(sentAt, { locale: 'en-US', now: Date.now() }); // 'March 5, 2024 at 2:07 PM'
 * ```
 */
export function formatFullDate(ms: number, { locale, timeZone }: ChatDateOptions): string {
  return formatter(locale, timeZone, { dateStyle: 'long', timeStyle: 'short' }).format(ms);
}

/**
 * The label of a day separator: the given words for today and yesterday, else the date
 * (with the year only when it is not this year).
 *
 * @example
 * ```ts
 * formatDayLabel(ms, { locale: 'ru-RU', now }, { today: 'Сегодня', yesterday: 'Вчера' }); // '5 марта'
 * ```
 */
export function formatDayLabel(
  ms: number,
  { locale, timeZone, now }: ChatDateOptions,
  words: { today: string; yesterday: string },
): string {
  const day = chatDayKey(ms, timeZone);
  const today = chatDayKey(now, timeZone);
  if (day === today) return words.today;
  if (day === previousDayKey(today)) return words.yesterday;
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return formatter(locale, timeZone, {
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(ms);
}
