import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

// One secret per process for `:memory:` databases, so servers restarted within a test run
// still accept earlier tokens.
const processSecret = randomBytes(32).toString('base64url');

const MIN_SECRET_LENGTH = 32;

/** Where the secret of a file database lives: beside it, `<db>.jwt-secret`. */
export function secretFileFor(dbPath: string): string {
  return `${dbPath}.jwt-secret`;
}

function readSecret(path: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${path} must hold a secret of at least ${MIN_SECRET_LENGTH} characters; ` +
        'delete it to have a new one made (everyone is then logged out), or set JWT_SECRET.',
    );
  }
  return secret;
}

/**
 * The HS256 secret of a database when none is configured: read from
 * `<db>.jwt-secret`, or created there (mode 0600, readable by the owner only)
 * on first start, so a restart keeps everyone logged in. A `:memory:` database
 * has nothing to persist beside and uses one random secret per process.
 *
 * @example
 * const secret = loadJwtSecret('./data/unet-chat.sqlite'); // ./data/unet-chat.sqlite.jwt-secret
 */
export function loadJwtSecret(dbPath: string): string {
  if (dbPath === ':memory:') return processSecret;
  const path = secretFileFor(dbPath);
  const fresh = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if the file exists, so two servers starting at once agree on one secret.
    writeFileSync(path, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    // The mode given to open is filtered by the umask; make sure it is exactly 0600.
    chmodSync(path, 0o600);
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readSecret(path);
  }
}
