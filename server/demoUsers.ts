import type { ChatUser } from '../src/api/types';

/** The password of every demo user. */
export const DEMO_PASSWORD = 'demo';

/**
 * The seeded demo users; their ids are fixed so tests and the demo can rely on them.
 * This module has no Node imports, so browser code (the demo's login picker) can import it.
 *
 * @example
 * const aibek = DEMO_USERS.find((user) => user.username === 'aibek'); // id 1
 */
export const DEMO_USERS: readonly ChatUser[] = [
  { id: 1, username: 'aibek', full_name: 'Айбек Асанов' },
  { id: 2, username: 'aizada', full_name: 'Айзада Токтогулова' },
  { id: 3, username: 'bakyt', full_name: 'Бакыт Жумабаев' },
  { id: 4, username: 'elena', full_name: 'Елена Ким' },
];
