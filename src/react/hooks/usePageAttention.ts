import { useEffect, useState } from 'react';

/** The page is shown (not a background tab, not minimized) and has the focus. */
function pageHasAttention(): boolean {
  if (typeof document === 'undefined') return false;
  return document.visibilityState === 'visible' && document.hasFocus();
}

/**
 * Whether the person can see the page right now: it is visible and focused.
 * Messages count as read, and a conversation as "in view", only then.
 *
 * @example
 * ```tsx
 * const attentive = usePageAttention();
 * ```
 */
export function usePageAttention(): boolean {
  const [attentive, setAttentive] = useState(pageHasAttention);
  useEffect(() => {
    const update = () => setAttentive(pageHasAttention());
    update();
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
    };
  }, []);
  return attentive;
}
