import type { Db } from './db';
import { DEMO_PASSWORD, DEMO_USERS } from './demoUsers';
import { hashPassword } from './passwords';

// scrypt is deliberately slow; one hash per process is enough for a shared demo password.
let demoHash: Promise<string> | undefined;

/** Inserts the demo users that are missing; existing rows (and their passwords) are kept. */
export async function seedDemoUsers(db: Db): Promise<void> {
  const exists = db.prepare<[number]>('SELECT 1 FROM users WHERE id = ?');
  const missing = DEMO_USERS.filter((user) => exists.get(user.id) === undefined);
  if (missing.length === 0) return;
  demoHash ??= hashPassword(DEMO_PASSWORD);
  const hash = await demoHash;
  const insert = db.prepare<[number, string, string, string]>(
    'INSERT OR IGNORE INTO users (id, username, full_name, password_hash) VALUES (?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const user of missing) insert.run(user.id, user.username, user.full_name, hash);
  })();
}
