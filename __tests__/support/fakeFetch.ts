/** The scripted `fetch` of unit tests: the one hosts get from `unet-chat-redux/testing`. */
export { createFakeFetch } from 'unet-chat-redux/testing';
export type { FakeAnswer, RecordedRequest } from 'unet-chat-redux/testing';
