import '@testing-library/jest-dom';

// jsdom's Web Storage lives as long as the test file: the durable outbox and the
// drafts of one test must not be restored into the next one's store.
afterEach(() => {
  globalThis.localStorage?.clear();
  globalThis.sessionStorage?.clear();
});
