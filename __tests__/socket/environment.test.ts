import { stat } from 'node:fs';
import { createDefaultEnvironment, createManualEnvironment } from '../../src/socket/environment';

describe('createManualEnvironment', () => {
  it('runs a timer only when the clock reaches it', () => {
    const environment = createManualEnvironment({ now: 1000 });
    const fired: number[] = [];
    environment.setTimeout(() => fired.push(environment.now()), 500);

    environment.advance(499);
    expect(fired).toEqual([]);
    environment.advance(1);
    expect(fired).toEqual([1500]);
    expect(environment.now()).toBe(1500);
  });

  it('runs due timers in due order, ties in the order they were set', () => {
    const environment = createManualEnvironment();
    const order: string[] = [];
    environment.setTimeout(() => order.push('c'), 30);
    environment.setTimeout(() => order.push('a'), 10);
    environment.setTimeout(() => order.push('b1'), 20);
    environment.setTimeout(() => order.push('b2'), 20);

    environment.advance(100);
    expect(order).toEqual(['a', 'b1', 'b2', 'c']);
    expect(environment.now()).toBe(100);
  });

  it('runs timers set by timers when they fall due within the same advance', () => {
    const environment = createManualEnvironment();
    const seen: number[] = [];
    const tick = () => {
      seen.push(environment.now());
      environment.setTimeout(tick, 10);
    };
    environment.setTimeout(tick, 10);

    environment.advance(35);
    expect(seen).toEqual([10, 20, 30]);
    expect(environment.pendingTimers()).toBe(1);
  });

  it('forgets a cleared timer', () => {
    const environment = createManualEnvironment();
    const fn = jest.fn();
    const handle = environment.setTimeout(fn, 10);
    environment.clearTimeout(handle);
    environment.clearTimeout('not a handle');

    environment.advance(100);
    expect(fn).not.toHaveBeenCalled();
    expect(environment.pendingTimers()).toBe(0);
  });

  it('runs everything with runAll, and stops an endless chain', () => {
    const environment = createManualEnvironment();
    const fn = jest.fn();
    environment.setTimeout(fn, 5000);
    environment.runAll();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(environment.now()).toBe(5000);

    const forever = () => environment.setTimeout(forever, 1);
    forever();
    expect(() => environment.runAll()).toThrow(/runAll/);
  });

  it('notifies online subscribers of changes only, until they unsubscribe', () => {
    const environment = createManualEnvironment();
    const listener = jest.fn();
    const unsubscribe = environment.subscribeOnline(listener);

    environment.setOnline(true);
    environment.setOnline(false);
    expect(environment.isOnline()).toBe(false);
    unsubscribe();
    environment.setOnline(true);

    expect(listener.mock.calls).toEqual([[false]]);
  });

  it('notifies visibility subscribers of changes only, until they unsubscribe', () => {
    const environment = createManualEnvironment();
    const listener = jest.fn();
    const unsubscribe = environment.subscribeVisibility(listener);

    environment.setVisible(false);
    environment.setVisible(false);
    environment.setVisible(true);
    unsubscribe();
    environment.setVisible(false);

    expect(listener.mock.calls).toEqual([[false], [true]]);
    expect(environment.isVisible()).toBe(false);
  });

  it('uses the random source it is given, replaceable later', () => {
    const environment = createManualEnvironment({ random: () => 0.1 });
    expect(environment.random()).toBe(0.1);
    environment.setRandom(() => 0.9);
    expect(environment.random()).toBe(0.9);
    expect(createManualEnvironment().random()).toBe(0.5);
  });
});

describe('createDefaultEnvironment', () => {
  const globals = globalThis as Record<string, unknown>;

  afterEach(() => {
    delete globals.window;
    delete globals.document;
    delete globals.navigator;
  });

  it("makes a zero-delay timer Node's setImmediate (no 1 ms wait per batch), cleared like any timer", async () => {
    const environment = createDefaultEnvironment();
    const order: string[] = [];
    // From an I/O callback, an immediate always runs before the next timer.
    await new Promise<void>((resolve) => {
      stat(__filename, () => {
        globalThis.setTimeout(() => {
          order.push('global setTimeout 0');
          resolve();
        }, 0);
        environment.setTimeout(() => order.push('environment 0 ms'), 0);
        const cleared = environment.setTimeout(() => order.push('cleared'), 0);
        environment.clearTimeout(cleared);
      });
    });
    expect(order).toEqual(['environment 0 ms', 'global setTimeout 0']);
    // A timer with a delay is still a timer.
    const later = jest.fn();
    environment.clearTimeout(environment.setTimeout(later, 5));
    await new Promise((resolve) => globalThis.setTimeout(resolve, 20));
    expect(later).not.toHaveBeenCalled();
  });

  it('is online and visible, with subscriptions that do nothing, outside a browser', () => {
    const environment = createDefaultEnvironment();
    expect(environment.isOnline()).toBe(true);
    expect(environment.isVisible()).toBe(true);
    expect(() => environment.subscribeOnline(jest.fn())()).not.toThrow();
    expect(() => environment.subscribeVisibility(jest.fn())()).not.toThrow();
  });

  it('follows navigator.onLine and the online/offline events of window', () => {
    const window = new EventTarget();
    globals.window = window;
    globals.navigator = { onLine: false };
    const environment = createDefaultEnvironment();
    const listener = jest.fn();

    expect(environment.isOnline()).toBe(false);
    const unsubscribe = environment.subscribeOnline(listener);
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('offline'));
    unsubscribe();
    window.dispatchEvent(new Event('online'));

    expect(listener.mock.calls).toEqual([[true], [false]]);
  });

  it('follows document.visibilityState and visibilitychange', () => {
    const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    globals.document = document;
    const environment = createDefaultEnvironment();
    const listener = jest.fn();

    expect(environment.isVisible()).toBe(false);
    const unsubscribe = environment.subscribeVisibility(listener);
    document.visibilityState = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    unsubscribe();
    document.dispatchEvent(new Event('visibilitychange'));

    expect(listener.mock.calls).toEqual([[true]]);
  });

  it('schedules on the global timers, looked up at call time', () => {
    jest.useFakeTimers();
    try {
      const environment = createDefaultEnvironment();
      const cleared = jest.fn();
      const fired = jest.fn();
      environment.clearTimeout(environment.setTimeout(cleared, 10));
      environment.setTimeout(fired, 10);
      jest.advanceTimersByTime(10);
      expect(cleared).not.toHaveBeenCalled();
      expect(fired).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets single signals be replaced', () => {
    const environment = createDefaultEnvironment({ isOnline: () => false, now: () => 42 });
    expect(environment.isOnline()).toBe(false);
    expect(environment.now()).toBe(42);
    expect(environment.isVisible()).toBe(true);
  });
});
