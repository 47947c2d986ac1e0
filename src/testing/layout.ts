/*
 * jsdom has no layout: every element measures 0 px, so the virtualized
 * message list (TanStack Virtual) sees no room and renders no rows. This gives
 * the list's scroller a size and each row a height, and makes `scrollTo`
 * scroll, as a browser would.
 */

type Restore = () => void;

function override(target: object, property: string, descriptor: PropertyDescriptor): Restore {
  const original = Object.getOwnPropertyDescriptor(target, property);
  Object.defineProperty(target, property, { configurable: true, ...descriptor });
  return () => {
    if (original) Object.defineProperty(target, property, original);
    else Reflect.deleteProperty(target, property);
  };
}

const isScroller = (element: Element) => element.classList.contains('ucr-message-list__scroller');

function contentHeight(element: Element): number {
  const inner = element.firstElementChild as HTMLElement | null;
  return inner ? parseFloat(inner.style.height) || 0 : 0;
}

/**
 * Sizes of {@link mockChatLayout}.
 *
 * @example
 * ```ts
 * const restore = mockChatLayout({ viewportHeight: 300, rowHeight: 40 });
 * ```
 */
export interface ChatLayoutMockOptions {
  /** Height of the message list's viewport. Default 600. */
  viewportHeight?: number;
  /** Height of every message row. Default 60. */
  rowHeight?: number;
}

/**
 * Gives the chat's message list a size in jsdom, so it renders its rows
 * (about `viewportHeight / rowHeight` of them, plus a few). Returns a
 * function that puts jsdom back as it was.
 *
 * @example
 * ```ts
 * let restoreLayout: () => void;
 * beforeEach(() => (restoreLayout = mockChatLayout()));
 * afterEach(() => restoreLayout());
 * ```
 */
export function mockChatLayout({
  viewportHeight = 600,
  rowHeight = 60,
}: ChatLayoutMockOptions = {}): () => void {
  const proto = globalThis.HTMLElement?.prototype;
  if (!proto) throw new Error('unet-chat-redux/testing: mockChatLayout needs a DOM (jsdom)');
  const restores: Restore[] = [
    override(proto, 'clientHeight', {
      get(this: HTMLElement) {
        return isScroller(this) ? viewportHeight : 0;
      },
    }),
    override(proto, 'clientWidth', {
      get(this: HTMLElement) {
        return isScroller(this) ? 480 : 0;
      },
    }),
    override(proto, 'offsetHeight', {
      get(this: HTMLElement) {
        return this.classList.contains('ucr-row') ? rowHeight : 0;
      },
    }),
    override(proto, 'scrollHeight', {
      get(this: HTMLElement) {
        return isScroller(this) ? Math.max(contentHeight(this), viewportHeight) : 0;
      },
    }),
    override(proto, 'scrollTo', {
      writable: true,
      value(this: HTMLElement, options?: ScrollToOptions) {
        const max = Math.max(0, this.scrollHeight - this.clientHeight);
        this.scrollTop = Math.min(Math.max(0, options?.top ?? 0), max);
        // Browsers report a scroll asynchronously, never inside the call that caused it.
        queueMicrotask(() => this.dispatchEvent(new Event('scroll')));
      },
    }),
  ];
  return () => restores.reverse().forEach((restore) => restore());
}
