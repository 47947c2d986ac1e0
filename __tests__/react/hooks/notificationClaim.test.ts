/** @jest-environment jsdom */
import { claimNotification } from '../../../src/react/hooks/notificationClaim';

/** jsdom has no Web Locks: these cover the record; the two-tab browser test covers the lock. */
describe('claimNotification', () => {
  beforeEach(() => localStorage.clear());

  it('claims a message once: the first caller shows it, every later one is told no', async () => {
    expect(await claimNotification('1:m1')).toBe(true);
    expect(await claimNotification('1:m1')).toBe(false);
    expect(await claimNotification('1:m2')).toBe(true);
    // Another user of the same browser has a notification of their own.
    expect(await claimNotification('2:m1')).toBe(true);
  });

  it('a damaged record is replaced, not trusted, and nothing throws', async () => {
    localStorage.setItem('unet-chat-redux:notified', '{not json');
    expect(await claimNotification('1:m1')).toBe(true);
    localStorage.setItem('unet-chat-redux:notified', '[1,2]');
    expect(await claimNotification('1:m1')).toBe(true);
    expect(await claimNotification('1:m1')).toBe(false);
  });

  it('keeps a bounded record: the oldest claims go first', async () => {
    for (let index = 0; index < 250; index++) await claimNotification(`1:m${index}`);
    const record = JSON.parse(localStorage.getItem('unet-chat-redux:notified') ?? '{}');
    expect(Object.keys(record).length).toBeLessThanOrEqual(200);
    expect(await claimNotification('1:m249')).toBe(false);
  });

  it('storage that refuses writes still lets the message be shown', async () => {
    const setItem = jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    expect(await claimNotification('1:m1')).toBe(true);
    setItem.mockRestore();
  });
});
