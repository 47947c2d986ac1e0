/**
 * Issue 8, bug 13: without JWT_SECRET the secret is persisted beside a file
 * database (mode 0600), so a restart keeps everyone logged in. (The real
 * restart with a new process is in npm-start.test.ts.)
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadJwtSecret, secretFileFor } from '../../server/secret';
import { rawRequest, startTestServer } from '../support/server';
import { API } from './fixtures';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unet-chat-secret-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the JWT secret of a file database', () => {
  it('is created beside the database with mode 0600 on first start, then reused', () => {
    const db = join(dir, 'chat.sqlite');
    const first = loadJwtSecret(db);
    expect(secretFileFor(db)).toBe(`${db}.jwt-secret`);
    expect(statSync(secretFileFor(db)).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadJwtSecret(db)).toBe(first);
    expect(loadJwtSecret(join(dir, 'other.sqlite'))).not.toBe(first);
  });

  it('refuses a secret file that is too short, rather than signing with a weak key', () => {
    const db = join(dir, 'chat.sqlite');
    writeFileSync(secretFileFor(db), 'short\n');
    expect(() => loadJwtSecret(db)).toThrow(/at least 32 characters/);
  });

  it('uses one per-process secret for :memory: and writes no file', () => {
    expect(loadJwtSecret(':memory:')).toBe(loadJwtSecret(':memory:'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is what a server on that database signs with, unless jwtSecret is given', async () => {
    const db = join(dir, 'chat.sqlite');
    const server = await startTestServer({ db });
    const aibek = await server.login('aibek');
    await server.close();
    expect(existsSync(secretFileFor(db))).toBe(true);

    const sameSecret = await startTestServer({ db, jwtSecret: loadJwtSecret(db) });
    try {
      expect(
        (await rawRequest(sameSecret.url, 'GET', `${API}/users/`, { token: aibek.access })).status,
      ).toBe(200);
    } finally {
      await sameSecret.close();
    }
    const overridden = await startTestServer({ db, jwtSecret: 'x'.repeat(40) });
    try {
      const answer = await rawRequest<{ code: string }>(overridden.url, 'GET', `${API}/users/`, {
        token: aibek.access,
      });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('token_invalid');
    } finally {
      await overridden.close();
    }
  });
});
