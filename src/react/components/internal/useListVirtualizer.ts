/* eslint-disable react-hooks/refs -- an adapter over a mutable object outside React (as
   `@tanstack/react-virtual`'s own): the virtualizer is configured, and what a render puts in
   the DOM recorded, while rendering. */
import { useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import {
  Virtualizer,
  defaultRangeExtractor,
  elementScroll,
  observeElementOffset,
  observeElementRect,
} from '@tanstack/react-virtual';
import type { Range, VirtualItem, VirtualizerOptions } from '@tanstack/react-virtual';

/** The options of {@link useListVirtualizer}: TanStack's, less the ones it fixes. */
export type ListVirtualizerOptions = Omit<
  VirtualizerOptions<HTMLDivElement, HTMLDivElement>,
  'observeElementRect' | 'observeElementOffset' | 'scrollToFn'
> & {
  /**
   * The reader follows the end of the list: rows appended at the end are
   * rendered in the append's own commit, as many as fill the viewport (its
   * measured rows, and `minItemSize` for each row not measured yet) and the
   * overscan, so the scroll to the new end needs no render of its own.
   */
  followEnd: boolean;
  /** No row is smaller than this, in pixels. */
  minItemSize: number;
};

/** A row's key (TanStack's `Key`, which it does not export). */
type ItemKey = ReturnType<
  NonNullable<VirtualizerOptions<HTMLDivElement, HTMLDivElement>['getItemKey']>
>;

/** {@link useListVirtualizer}'s instance: TanStack's, with the size container's ref. */
export type ListVirtualizer = Virtualizer<HTMLDivElement, HTMLDivElement> & {
  /** Ref of the inner size container: its height is written by the virtualizer. */
  containerRef: (node: HTMLElement | null) => void;
};

/**
 * TanStack Virtual (`@tanstack/virtual-core`) for the message list, with the
 * React adapter of `@tanstack/react-virtual` (`useVirtualizer` with
 * `directDomUpdates`, transform mode) narrowed to render only when it must.
 * The core, its scroll anchoring (prepends, follow-to-end, measured rows) and
 * the order of `_willUpdate` and the container's size are the same; what
 * differs is when the adapter asks React for a render:
 *
 * - only when a visible row, or one within half the overscan of them, is not
 *   among the rows the last render put there. The stock adapter renders for
 *   every change of the range or of `isScrolling`, and also right after a
 *   render that already moved the range (it compares with the range of its
 *   last notification, not of the render): three to four commits for every
 *   batch of appended messages;
 * - when an append at the end is followed (`followEnd`), the rows at the new
 *   end are rendered in the append's own commit, so the follow's scroll finds
 *   them there.
 *
 * Rows, positions and the container's size are written to the DOM by the
 * virtualizer (rows must be `position: absolute`, `top: 0`, with no transform
 * of their own); rows that stay rendered past the range keep their last
 * position until the next render removes them.
 */
export function useListVirtualizer(options: ListVirtualizerOptions): ListVirtualizer {
  const { followEnd, minItemSize, rangeExtractor = defaultRangeExtractor, ...rest } = options;
  const rerender = useReducer((x: number) => x + 1, 0)[1];

  const direct = useRef({
    container: null as HTMLElement | null,
    lastSize: null as number | null,
    // Keyed by the element: a remounted row (same key, new node) is positioned afresh.
    lastPositions: new WeakMap<HTMLElement, number>(),
    // The indexes whose rows the last render put in the DOM.
    rendered: new Set<number>(),
    // The count and the last key of the last committed render.
    committedEnd: null as { count: number; key: ItemKey | null } | null,
  });
  // Set while `measureElement` runs as a ref callback, inside React's commit (no flushSync there).
  const measuringFromRef = useRef(false);

  const applyContainerSize = (instance: Virtualizer<HTMLDivElement, HTMLDivElement>) => {
    const state = direct.current;
    if (!state.container) return;
    const totalSize = instance.getTotalSize();
    if (totalSize !== state.lastSize) {
      state.lastSize = totalSize;
      state.container.style.height = `${totalSize}px`;
    }
  };

  const applyItemPosition = (
    instance: Virtualizer<HTMLDivElement, HTMLDivElement>,
    item: VirtualItem,
    element: HTMLElement,
  ) => {
    const state = direct.current;
    const next = item.start - instance.options.scrollMargin;
    if (state.lastPositions.get(element) === next) return;
    state.lastPositions.set(element, next);
    element.style.transform = `translate3d(0, ${next}px, 0)`;
  };

  const applyDirectStyles = (instance: Virtualizer<HTMLDivElement, HTMLDivElement>) => {
    if (!direct.current.container) return;
    applyContainerSize(instance);
    for (const item of instance.getVirtualItems()) {
      const element = instance.elementsCache.get(item.key);
      if (element) applyItemPosition(instance, item, element);
    }
  };

  const [instance] = useState(() => {
    const virtualizer = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      ...rest,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
    });
    const measureElement = virtualizer.measureElement;
    virtualizer.measureElement = (node: HTMLDivElement | null) => {
      measuringFromRef.current = true;
      try {
        measureElement(node);
      } finally {
        measuringFromRef.current = false;
      }
      // A row can mount in a commit that does not render the list (its own state):
      // position it as it registers.
      if (node !== null && direct.current.container) {
        const item = virtualizer.measurementsCache[virtualizer.indexFromElement(node)];
        if (item) applyItemPosition(virtualizer, item, node);
      }
    };
    return Object.assign(virtualizer, {
      containerRef: (node: HTMLElement | null) => {
        const state = direct.current;
        state.container = node;
        state.lastSize = null;
        // Children's refs attach before their parent's: rows registered before the container.
        if (node !== null) applyDirectStyles(virtualizer);
      },
    });
  });

  // An append at the end while the reader follows it: the rows at the end join this render.
  // Compared with the last committed render, so a render React repeats (StrictMode, an
  // interrupted one) decides the same.
  const getKey = rest.getItemKey ?? ((index: number) => index);
  const lastKey = rest.count > 0 ? getKey(rest.count - 1) : null;
  const committed = direct.current.committedEnd;
  const appended =
    followEnd && committed !== null && rest.count > committed.count && lastKey !== committed.key;

  const extractRange = useMemo(() => {
    if (!appended) return rangeExtractor;
    return (range: Range) => {
      const indexes = rangeExtractor(range);
      // From the end up, the rows that fill the viewport, then the overscan.
      const viewport = instance.scrollRect?.height ?? 0;
      let from = range.count;
      for (let filled = 0; from > 0 && filled < viewport;) {
        from -= 1;
        filled += instance.itemSizeCache.get(getKey(from)) ?? minItemSize;
      }
      from = Math.max(0, from - range.overscan);
      // Only the appended rows, and rows already in the DOM: an older row the last render
      // did not have is not needed now (the new rows push the view down onto rows it had),
      // and mounting it would make the append render a row besides the new ones (the new
      // rows are sized at `minItemSize` until measured, so the fill above them, and the
      // core's own range, reach a row too far). If one is needed after all, the rows'
      // measurements find it missing and render it.
      const previous = direct.current;
      const firstNew = previous.committedEnd?.count ?? 0;
      const wanted = (index: number) => index >= firstNew || previous.rendered.has(index);
      const kept = indexes.filter(wanted);
      const tail: number[] = [];
      for (let index = from; index < range.count; index++) {
        if (!kept.includes(index) && wanted(index)) tail.push(index);
      }
      return tail.length === 0 ? kept : [...kept, ...tail].sort((a, b) => a - b);
    };
    // `getKey` and the sizes are read when the range is extracted, in this render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rangeExtractor, appended]);

  instance.setOptions({
    ...rest,
    rangeExtractor: extractRange,
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    onChange: (virtualizer, sync) => {
      applyDirectStyles(virtualizer);
      // A row missing from the DOM among the visible ones and half the overscan around them
      // asks for a render (which renders the whole overscan again): the other half is there
      // to be scrolled into without one. (`calculateRange`, not `getVirtualIndexes`: that
      // one would move the core's own "did the range change" record, see `maybeNotify`.)
      const range = virtualizer.calculateRange();
      const rendered = direct.current.rendered;
      let missing = false;
      if (range) {
        const margin = Math.floor(virtualizer.options.overscan / 2);
        const last = Math.min(virtualizer.options.count - 1, range.endIndex + margin);
        for (let index = Math.max(0, range.startIndex - margin); index <= last; index++) {
          if (!rendered.has(index)) {
            missing = true;
            break;
          }
        }
      }
      if (missing) {
        // Inside React's commit (a ref callback measuring), flushSync cannot flush and
        // warns; the commit runs at sync priority anyway.
        if (sync && !measuringFromRef.current) flushSync(rerender);
        else rerender();
      }
      rest.onChange?.(virtualizer, sync);
    },
  });

  // What this render puts in the DOM. Set while rendering, not after the commit: the rows'
  // measurements notify from their ref callbacks, before this component's effects.
  const renderedNow = new Set(instance.getVirtualIndexes());
  direct.current.rendered = renderedNow;

  useLayoutEffect(() => instance._didMount(), [instance]);

  useLayoutEffect(() => {
    direct.current.rendered = renderedNow;
    direct.current.committedEnd = { count: rest.count, key: lastKey };
    // The container's new height before `_willUpdate` writes the scroll position: an
    // end-anchored prepend moves it by the rows added, which a shorter container clamps.
    applyContainerSize(instance);
    return instance._willUpdate();
  });

  // Rows mounted in this commit have registered: position them.
  useLayoutEffect(() => {
    applyDirectStyles(instance);
  });

  return instance;
}
