import type { Conversation, Message } from '../../src/api/types';
import type { Session, TestFrame, TestServer, TestSocket } from '../support/server';

export const API = '/api/unet-chat';

/** The four demo users, logged in. */
export interface Cast {
  aibek: Session;
  aizada: Session;
  bakyt: Session;
  elena: Session;
}

export async function loginAll(server: TestServer): Promise<Cast> {
  const [aibek, aizada, bakyt, elena] = await Promise.all([
    server.login('aibek'),
    server.login('aizada'),
    server.login('bakyt'),
    server.login('elena'),
  ]);
  return { aibek, aizada, bakyt, elena };
}

/** Creates a conversation and fails the test unless the server answers 201. */
export async function createConversation(
  session: Session,
  body: Record<string, unknown>,
): Promise<Conversation> {
  const response = await session.request<Conversation>('POST', `${API}/conversations/`, body);
  if (response.status !== 201) {
    throw new Error(
      `create conversation answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** A group created by `creator` with `others` as participants. */
export function createGroup(
  creator: Session,
  others: Session[],
  title = 'Group',
): Promise<Conversation> {
  return createConversation(creator, {
    type: 'group',
    title,
    participant_ids: others.map((session) => session.user.id),
  });
}

/** Sends a message over REST and fails the test unless the server answers 201. */
export async function postMessage(
  session: Session,
  conversationId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<Message> {
  const response = await session.request<Message>('POST', `${API}/messages/`, {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
    ...extra,
  });
  if (response.status !== 201) {
    throw new Error(`send message answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * Proves a socket received nothing it has not consumed yet: a ping's pong must
 * be the very next frame (the server handles each socket's frames in order).
 * Frames of the `ignored` types do not count (they are consumed on the way).
 */
export async function expectNothingPending(
  socket: TestSocket,
  ignored: readonly string[] = [],
): Promise<void> {
  const pending = socket.frames.length;
  socket.send({ type: 'ping' });
  const next = await socket.nextFrame((frame) => !ignored.includes(frame.type));
  expect(next).toEqual({ type: 'pong', payload: {} });
  const after = socket.frames.slice(pending).filter((frame) => !ignored.includes(frame.type));
  expect(after).toEqual([next]);
}

/** A `nextFrame` predicate: frames of `type` only. */
export const ofType =
  (type: string) =>
  (frame: TestFrame): boolean =>
    frame.type === type;

/** [ext] Every message:new is followed by the sender's `read:updated`: tests about messages skip it. */
export const READ_FRAMES = ['read:updated'] as const;

/** Closes sockets from the client side and waits until they are closed. */
export async function closeAll(...sockets: TestSocket[]): Promise<void> {
  for (const socket of sockets) socket.close();
  await Promise.all(sockets.map((socket) => socket.closed));
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
