import { readStoredAccessToken, readStoredUserId, userIdFromToken } from 'unet-chat-redux';

/** An unsigned JWT with the given claims (the client never verifies signatures). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

const storage = (value: string | null) => ({
  getItem: (key: string) => (key === 'auth_data' ? value : null),
});

describe('default credentials (localStorage.auth_data, as the seed stores them)', () => {
  it('reads the access token from auth_data.access', () => {
    expect(readStoredAccessToken(storage(JSON.stringify({ access: 'abc', refresh: 'r' })))).toBe(
      'abc',
    );
  });

  it('means "no token" without storage, with nothing stored, or with garbage — never a crash', () => {
    expect(readStoredAccessToken(null)).toBeNull();
    expect(readStoredAccessToken(storage(null))).toBeNull();
    expect(readStoredAccessToken(storage('{not json'))).toBeNull();
    expect(readStoredAccessToken(storage('"a string"'))).toBeNull();
    expect(
      readStoredAccessToken({
        getItem: () => {
          throw new Error('SecurityError');
        },
      }),
    ).toBeNull();
  });

  it('works in Node where localStorage does not exist', () => {
    expect(typeof globalThis.localStorage).toBe('undefined');
    expect(readStoredAccessToken()).toBeNull();
    expect(readStoredUserId()).toBeNull();
  });

  it('takes the user id from the token user_id claim, else from auth_data.user.id', () => {
    const token = fakeJwt({ user_id: 7, name: 'Айбек' });
    expect(readStoredUserId(storage(JSON.stringify({ access: token, user: { id: 9 } })))).toBe(7);
    expect(readStoredUserId(storage(JSON.stringify({ access: 'opaque', user: { id: 9 } })))).toBe(
      9,
    );
    expect(readStoredUserId(storage(JSON.stringify({ access: fakeJwt({ sub: 'x' }) })))).toBeNull();
    expect(userIdFromToken(fakeJwt({ user_id: '12' }))).toBe(12);
    expect(userIdFromToken('not-a-jwt')).toBeNull();
  });
});
