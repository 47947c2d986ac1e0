/**
 * Keeps the page as tall as the part of the screen the person can see. With an
 * on-screen keyboard open, a phone's visual viewport shrinks while the layout
 * viewport (and `100dvh`) may not, which would leave the composer under the
 * keyboard. The height goes into `--demo-viewport-height`, which demo.css uses
 * (falling back to `100dvh`).
 */
export function trackVisualViewport(): () => void {
  const viewport = window.visualViewport;
  if (!viewport) return () => undefined;
  const root = document.documentElement;
  const update = () => {
    // Times the zoom: pinch-zooming shrinks the visual viewport too, but should not shrink the page.
    root.style.setProperty(
      '--demo-viewport-height',
      `${Math.round(viewport.height * viewport.scale)}px`,
    );
    // iOS scrolls the page up under the keyboard; the page itself should not move.
    if (viewport.offsetTop > 0) window.scrollTo(0, 0);
  };
  update();
  viewport.addEventListener('resize', update);
  viewport.addEventListener('scroll', update);
  return () => {
    viewport.removeEventListener('resize', update);
    viewport.removeEventListener('scroll', update);
    root.style.removeProperty('--demo-viewport-height');
  };
}
