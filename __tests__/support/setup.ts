import '@testing-library/jest-dom';

// jsdom's Web Storage lives as long as the test file: the durable outbox and the
// drafts of one test must not be restored into the next one's store.
// Before each test too: a store disposed in a test's own afterEach writes its pending draft.
const clearStorage = () => {
  globalThis.localStorage?.clear();
  globalThis.sessionStorage?.clear();
};
beforeEach(clearStorage);
afterEach(clearStorage);
