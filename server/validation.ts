import { badRequest, invalid, notFound } from './errors';

/** Size limits the server enforces, in Unicode code points. */
export const LIMITS = {
  textMax: 4000,
  titleMax: 200,
  serviceMax: 255,
  participantsMax: 500,
  pageDefault: 50,
  pageMax: 200,
  changesDefault: 200,
  changesMax: 500,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID of any version, in either case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

type Fields = Record<string, unknown>;

/** Input of `POST /conversations/` after validation. */
export interface ConversationInput {
  type: 'private' | 'group';
  title: string | null;
  participant_ids: number[];
  service: string | null;
  service_id: string | null;
}

/** What a sender supplies for a new message, over REST or a socket. */
export interface MessageDraft {
  text: string;
  reply_to: string | null;
  client_id: string | null;
}

/** Input of `POST /messages/` after validation. */
export interface SendMessageInput extends MessageDraft {
  conversation_id: string;
  sender_id: number;
}

/** `limit` plus at most one cursor, from the query of `GET /messages/{id}`. */
export interface PageQuery {
  limit: number;
  before: string | null;
  after: string | null;
}

const codePoints = (value: string): number => {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
};

/** A request body must be a JSON object; an absent body is 400, any other JSON value 422. */
export function requireObject(body: unknown, what = 'Request body'): Fields {
  if (body === undefined) throw badRequest(`${what} must be a JSON object.`, 'body_required');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`${what} must be a JSON object.`);
  }
  return body as Fields;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses (400 `invalid_characters`) what SQLite's UTF-8 cannot keep as sent: a
 * lone UTF-16 surrogate (it would come back as U+FFFD) and NUL. Everything else
 * is stored verbatim.
 */
export function requireStorable(value: string, name: string): string {
  if (value.includes('\u0000')) {
    throw badRequest(`${name}: must not contain NUL (U+0000).`, 'invalid_characters');
  }
  if (LONE_SURROGATE.test(value)) {
    throw badRequest(
      `${name}: contains a lone UTF-16 surrogate, which is not a character.`,
      'invalid_characters',
    );
  }
  return value;
}

// Kept verbatim (no trimming): what the sender wrote is what everyone reads back.
function messageText(fields: Fields): string {
  const value = fields.text;
  if (typeof value !== 'string') throw invalid('text: must be a string.');
  if (value.trim().length === 0) throw invalid('text: must not be empty.');
  if (codePoints(value) > LIMITS.textMax) {
    throw invalid(`text: must be at most ${LIMITS.textMax} characters.`);
  }
  return requireStorable(value, 'text');
}

function optionalUuid(fields: Fields, name: string): string | null {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  if (!isUuid(value)) throw invalid(`${name}: must be a UUID or null.`);
  return value;
}

function requiredUuid(fields: Fields, name: string): string {
  const value = fields[name];
  if (!isUuid(value)) throw invalid(`${name}: must be a UUID.`);
  return value.toLowerCase();
}

function userId(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`${name}: must be a positive integer.`);
  }
  return value;
}

function optionalString(fields: Fields, name: string, max: number): string | null {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`${name}: must be a string or null.`);
  if (codePoints(value) > max) throw invalid(`${name}: must be at most ${max} characters.`);
  return requireStorable(value, name);
}

function title(fields: Fields): string | null {
  const value = optionalString(fields, 'title', Number.MAX_SAFE_INTEGER);
  if (value === null) return null;
  const trimmed = value.trim();
  if (codePoints(trimmed) > LIMITS.titleMax) {
    throw invalid(`title: must be at most ${LIMITS.titleMax} characters.`);
  }
  return trimmed === '' ? null : trimmed;
}

function participantIds(fields: Fields): number[] {
  const value = fields.participant_ids;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('participant_ids: must be an array of user ids.');
  if (value.length > LIMITS.participantsMax) {
    throw invalid(`participant_ids: at most ${LIMITS.participantsMax} ids.`);
  }
  return [...new Set(value.map((id) => userId(id, 'participant_ids[]')))];
}

/** Validates the body of `POST /conversations/`. */
export function parseCreateConversation(body: unknown): ConversationInput {
  const fields = requireObject(body);
  if (fields.type !== 'private' && fields.type !== 'group') {
    throw invalid("type: must be 'private' or 'group'.");
  }
  return {
    type: fields.type,
    title: title(fields),
    participant_ids: participantIds(fields),
    service: optionalString(fields, 'service', LIMITS.serviceMax),
    service_id: optionalString(fields, 'service_id', LIMITS.serviceMax),
  };
}

/** Whether `client_id` is read ([ext]) or, as by the seed, ignored like any unknown field. */
export interface DraftOptions {
  clientId: boolean;
}

/** Validates the payload of a socket `message:send` frame (and the shared part of a REST send). */
export function parseMessageDraft(
  payload: unknown,
  what = 'Request body',
  options: DraftOptions = { clientId: true },
): MessageDraft {
  const fields = requireObject(payload, what);
  return {
    text: messageText(fields),
    reply_to: optionalUuid(fields, 'reply_to')?.toLowerCase() ?? null,
    client_id: options.clientId ? optionalUuid(fields, 'client_id') : null,
  };
}

/** Validates the body of `POST /messages/`. */
export function parseSendMessage(
  body: unknown,
  options: DraftOptions = { clientId: true },
): SendMessageInput {
  const fields = requireObject(body);
  const conversation_id = requiredUuid(fields, 'conversation_id');
  const sender_id = userId(fields.sender_id, 'sender_id');
  return { ...parseMessageDraft(fields, 'Request body', options), conversation_id, sender_id };
}

/** [ext] Validates the payload of a `message:send` frame on a user stream. */
export function parseStreamSend(payload: unknown): MessageDraft & { conversation_id: string } {
  const fields = requireObject(payload, 'payload');
  const conversation_id = requiredUuid(fields, 'conversation_id');
  return { ...parseMessageDraft(fields, 'payload'), conversation_id };
}

/** [ext] Validates the payload of a `typing` frame on a user stream. */
export function parseTypingPayload(payload: unknown): { conversation_id: string } {
  return { conversation_id: requiredUuid(requireObject(payload, 'payload'), 'conversation_id') };
}

/** [ext] Validates the body of `POST /conversations/{id}/read/`. */
export function parseMarkRead(body: unknown): { message_id: string } {
  return { message_id: requiredUuid(requireObject(body), 'message_id') };
}

/** Validates the body of `PUT /messages/{id}`. */
export function parseEditMessage(body: unknown): { text: string } {
  return { text: messageText(requireObject(body)) };
}

/** Validates the body of `POST /conversations/{id}/participants/`. */
export function parseAddParticipant(body: unknown): { user_id: number } {
  return { user_id: userId(requireObject(body).user_id, 'user_id') };
}

/** Validates the body of `POST /api/auth/login/`. */
export function parseLogin(body: unknown): { username: string; password: string } {
  const fields = requireObject(body);
  if (typeof fields.username !== 'string') throw invalid('username: must be a string.');
  if (typeof fields.password !== 'string') throw invalid('password: must be a string.');
  return { username: fields.username.trim(), password: fields.password };
}

/** Validates the body of `POST /api/auth/refresh/`. */
export function parseRefresh(body: unknown): { refresh: string } {
  const fields = requireObject(body);
  if (typeof fields.refresh !== 'string') throw invalid('refresh: must be a string.');
  return { refresh: fields.refresh };
}

function single(query: Fields, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name}: must be given once.`);
  return value;
}

/** Validates `limit`, `before` and `after` of `GET /messages/{conversation_id}`. */
export function parsePageQuery(query: unknown): PageQuery {
  const fields = (typeof query === 'object' && query !== null ? query : {}) as Fields;
  const rawLimit = single(fields, 'limit');
  let limit: number = LIMITS.pageDefault;
  if (rawLimit !== undefined) {
    if (!/^\d{1,6}$/.test(rawLimit)) throw invalid('limit: must be an integer.');
    limit = Number(rawLimit);
    if (limit < 1 || limit > LIMITS.pageMax) {
      throw invalid(`limit: must be between 1 and ${LIMITS.pageMax}.`);
    }
  }
  const before = single(fields, 'before');
  const after = single(fields, 'after');
  if (before !== undefined && after !== undefined) {
    throw invalid('before and after cannot be combined.');
  }
  for (const [name, value] of [
    ['before', before],
    ['after', after],
  ] as const) {
    if (value !== undefined && !isUuid(value)) throw invalid(`${name}: must be a message id.`);
  }
  return {
    limit,
    before: before?.toLowerCase() ?? null,
    after: after?.toLowerCase() ?? null,
  };
}

/** The query of `GET /messages/{conversation_id}/changes/`: `since` is still opaque here. */
export interface ChangesQuery {
  since: string | null;
  limit: number;
}

/** Validates `since` (presence only; its format is the cursor's business) and `limit`. */
export function parseChangesQuery(query: unknown): ChangesQuery {
  const fields = (typeof query === 'object' && query !== null ? query : {}) as Fields;
  const rawLimit = single(fields, 'limit');
  let limit: number = LIMITS.changesDefault;
  if (rawLimit !== undefined) {
    if (!/^\d{1,6}$/.test(rawLimit)) throw invalid('limit: must be an integer.');
    limit = Number(rawLimit);
    if (limit < 1 || limit > LIMITS.changesMax) {
      throw invalid(`limit: must be between 1 and ${LIMITS.changesMax}.`);
    }
  }
  const since = fields.since;
  if (since !== undefined && typeof since !== 'string') {
    throw badRequest('since: must be given once.', 'invalid_cursor');
  }
  return { since: since ?? null, limit };
}

/** An id taken from the path: anything but a UUID names nothing, so 404. */
export function pathUuid(value: string): string {
  if (!isUuid(value)) throw notFound();
  return value.toLowerCase();
}

/** A user id taken from the path: anything but a positive integer names nobody, so 404. */
export function pathUserId(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw notFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}
