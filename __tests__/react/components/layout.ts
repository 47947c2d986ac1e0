/**
 * jsdom has no layout, so TanStack Virtual would see a 0px viewport. These
 * mocks give the message list scroller a size, each row a height, and make
 * `scrollTo` move `scrollTop` and then fire `scroll`, as a browser would.
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

function isScroller(element: Element): boolean {
  return element.classList.contains('ucr-message-list__scroller');
}

function contentHeight(element: Element): number {
  const inner = element.firstElementChild as HTMLElement | null;
  return inner ? parseFloat(inner.style.height) || 0 : 0;
}

export interface LayoutOptions {
  viewportHeight?: number;
  rowHeight?: number;
}

/** Installs the mocks; returns a function that removes them. */
export function mockLayout({ viewportHeight = 600, rowHeight = 60 }: LayoutOptions = {}): Restore {
  const restores: Restore[] = [
    override(HTMLElement.prototype, 'clientHeight', {
      get(this: HTMLElement) {
        return isScroller(this) ? viewportHeight : 0;
      },
    }),
    override(HTMLElement.prototype, 'clientWidth', {
      get(this: HTMLElement) {
        return isScroller(this) ? 480 : 0;
      },
    }),
    override(HTMLElement.prototype, 'offsetHeight', {
      get(this: HTMLElement) {
        return this.classList.contains('ucr-row') ? rowHeight : 0;
      },
    }),
    override(HTMLElement.prototype, 'scrollHeight', {
      get(this: HTMLElement) {
        return isScroller(this) ? Math.max(contentHeight(this), viewportHeight) : 0;
      },
    }),
    override(HTMLElement.prototype, 'scrollTo', {
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

/** Scrolls the message list to `top` as a person would, firing `scroll`. */
export function scrollListTo(scroller: HTMLElement, top: number): void {
  scroller.scrollTop = top;
  scroller.dispatchEvent(new Event('scroll'));
}
