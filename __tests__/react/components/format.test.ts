import {
  chatDayKey,
  formatDayLabel,
  formatListTime,
  formatMessageTime,
  parseChatDate,
} from '../../../src/react/format';

/** ICU versions differ in the spaces they use (U+00A0, U+202F); compare the words. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

const NOW = Date.UTC(2024, 5, 15, 18, 0); // 15 June 2024, 18:00 UTC
const utc = (locale: string) => ({ locale, timeZone: 'UTC', now: NOW });

describe('parseChatDate', () => {
  it('reads a timestamp without a zone as UTC', () => {
    expect(parseChatDate('2024-01-01T12:00:00')).toBe(Date.UTC(2024, 0, 1, 12));
  });

  it('keeps an explicit zone', () => {
    expect(parseChatDate('2024-01-01T12:00:00+06:00')).toBe(Date.UTC(2024, 0, 1, 6));
    expect(parseChatDate('2024-01-01T12:00:00.250Z')).toBe(Date.UTC(2024, 0, 1, 12, 0, 0, 250));
  });
});

describe('formatMessageTime', () => {
  it('shows only the time for today', () => {
    const today = Date.UTC(2024, 5, 15, 9, 5);

    expect(plain(formatMessageTime(today, utc('ru-RU')))).toBe('09:05');
    expect(plain(formatMessageTime(today, utc('en-US')))).toBe('9:05 AM');
  });

  it('shows day, month and time for an earlier day this year', () => {
    const march = Date.UTC(2024, 2, 5, 14, 7);

    expect(plain(formatMessageTime(march, utc('ru-RU')))).toBe('5 мар., 14:07');
    expect(plain(formatMessageTime(march, utc('en-US')))).toBe('Mar 5, 2:07 PM');
  });

  it('shows the full date for another year', () => {
    const old = Date.UTC(2022, 11, 31, 23, 59);

    expect(plain(formatMessageTime(old, utc('ru-RU')))).toBe('31 дек. 2022 г., 23:59');
    expect(plain(formatMessageTime(old, utc('en-US')))).toBe('Dec 31, 2022, 11:59 PM');
  });

  it('decides "today" in the reader’s time zone', () => {
    const lateEvening = Date.UTC(2024, 5, 14, 22, 30); // 15 June 04:30 in Bishkek (UTC+6)
    const now = Date.UTC(2024, 5, 15, 6, 0); // 15 June 12:00 in Bishkek
    const bishkek = { locale: 'ru-RU', timeZone: 'Asia/Bishkek', now };

    expect(plain(formatMessageTime(lateEvening, bishkek))).toBe('04:30');
    expect(plain(formatMessageTime(lateEvening, { ...bishkek, timeZone: 'UTC' }))).toBe(
      '14 июн., 22:30',
    );
    expect(chatDayKey(lateEvening, 'Asia/Bishkek')).toBe('2024-06-15');
  });
});

describe('formatListTime', () => {
  it('is compact: time today, day and month this year, a numeric date before', () => {
    expect(plain(formatListTime(Date.UTC(2024, 5, 15, 8, 0), utc('ru-RU')))).toBe('08:00');
    expect(plain(formatListTime(Date.UTC(2024, 2, 5, 8, 0), utc('ru-RU')))).toBe('5 мар.');
    expect(plain(formatListTime(Date.UTC(2023, 2, 5, 8, 0), utc('ru-RU')))).toBe('05.03.2023');
    expect(plain(formatListTime(Date.UTC(2023, 2, 5, 8, 0), utc('en-US')))).toBe('3/5/23');
  });
});

describe('formatDayLabel', () => {
  const words = { today: 'Today', yesterday: 'Yesterday' };

  it('names today and yesterday and dates other days', () => {
    expect(plain(formatDayLabel(Date.UTC(2024, 5, 15, 1), utc('en-US'), words))).toBe('Today');
    expect(plain(formatDayLabel(Date.UTC(2024, 5, 14, 23), utc('en-US'), words))).toBe('Yesterday');
    expect(plain(formatDayLabel(Date.UTC(2024, 2, 5), utc('en-US'), words))).toBe('March 5');
    expect(plain(formatDayLabel(Date.UTC(2024, 2, 5), utc('ru-RU'), words))).toBe('5 марта');
    expect(plain(formatDayLabel(Date.UTC(2023, 2, 5), utc('ru-RU'), words))).toBe(
      '5 марта 2023 г.',
    );
  });

  it('finds yesterday across a month boundary', () => {
    const now = Date.UTC(2024, 2, 1, 12);

    expect(
      formatDayLabel(Date.UTC(2024, 1, 29, 12), { locale: 'en-US', timeZone: 'UTC', now }, words),
    ).toBe('Yesterday');
  });
});
