/**
 * unet-chat-redux/testing — what a host app needs to test its screens with
 * the chat in them, without a network or a real clock: an in-memory unet-chat
 * server behind a fake `fetch`, in-memory sockets, a manual clock, and
 * deterministic server-shaped data. See docs/testing.md.
 */

export { createTestChat } from './testChat';
export { createFakeChatServer } from './fakeServer';
export { createFakeFetch } from './fakeFetch';
export { installFetchGlobals } from './fetchGlobals';
export { mockChatLayout } from './layout';
export {
  FIXTURE_EPOCH,
  fakeConversation,
  fakeConversationId,
  fakeMessage,
  fakeMessageId,
  fakeMessages,
  fakeUser,
  serverFrames,
} from './fixtures';

// The socket and clock doubles live in the core (its own tests use them); here for one import.
export { createManualEnvironment, createMemoryTransport } from 'unet-chat-redux';

export type { TestChat, TestChatOptions } from './testChat';
export type { ChatLayoutMockOptions } from './layout';
export type { FakeChatServer, FakeChatServerSeed } from './fakeServer';
export type { FakeAnswer, FakeFetch, FakeFetchHandler, RecordedRequest } from './fakeFetch';
export type {
  ManualEnvironment,
  ManualEnvironmentOptions,
  MemorySocket,
  MemorySocketState,
  MemoryTransport,
} from 'unet-chat-redux';
