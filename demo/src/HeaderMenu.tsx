import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';

/**
 * The header's theme and language switches. On a wide screen they sit in the
 * bar as they are; on a phone (demo.css, max-width 600px) they fold behind one
 * icon button (a disclosure: `aria-expanded`, Escape and a click elsewhere
 * close it), so the person's name keeps the room to show whole.
 */
export function HeaderMenu({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  return (
    <div className="demo__menu" ref={root} data-open={open || undefined}>
      <button
        ref={button}
        type="button"
        className="demo__menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={label}
        title={label}
        onClick={() => setOpen(!open)}
      >
        <svg
          viewBox="0 0 24 24"
          width="18"
          height="18"
          fill="none"
          stroke="currentColor"
          strokeWidth={2}
          strokeLinecap="round"
          aria-hidden="true"
        >
          <path d="M4 7h16M4 12h16M4 17h16" />
        </svg>
      </button>
      <div id={panelId} className="demo__menu-panel">
        {children}
      </div>
    </div>
  );
}
