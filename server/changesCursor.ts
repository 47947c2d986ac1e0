import { badRequest } from './errors';

/**
 * [ext] The "changes since" cursor: a position in the server-wide sequence of
 * message changes, tied to the database it came from. Clients treat it as an
 * opaque string; it reads `v1-<database id>-<sequence number>`.
 */
const CURSOR = /^v1-([0-9a-f]{16})-(0|[1-9]\d{0,14})$/;

/** The cursor string of position `seq` in database `databaseId`. */
export function encodeChangesCursor(databaseId: string, seq: number): string {
  return `v1-${databaseId}-${seq}`;
}

const invalidCursor = (detail: string) => badRequest(`since: ${detail}`, 'invalid_cursor');

/** A cursor taken apart: the database it came from and its position there. */
export interface ChangesPosition {
  databaseId: string;
  seq: number;
}

/** Reads a cursor; a malformed one is refused with 400 `invalid_cursor`. */
export function parseChangesCursor(cursor: string): ChangesPosition {
  const match = CURSOR.exec(cursor);
  if (!match) throw invalidCursor('not a changes cursor of this server.');
  return { databaseId: match[1] ?? '', seq: Number(match[2]) };
}

/**
 * The position to list changes after. A cursor of another database (e.g. a
 * server started afresh) or one ahead of the newest change is unknown: 400
 * `invalid_cursor`, and the client must take a new cursor and reload.
 */
export function checkChangesCursor(
  position: ChangesPosition,
  databaseId: string,
  lastSeq: number,
): number {
  if (position.databaseId !== databaseId || position.seq > lastSeq) {
    throw invalidCursor('unknown cursor (from another database?); take a new one.');
  }
  return position.seq;
}
