import type { ReactNode } from 'react';

/** Props of {@link ChatLayout}. */
export interface ChatLayoutProps {
  /** The conversation list, usually `ChatSelect`. */
  sidebar: ReactNode;
  /** The open conversation, usually `ChatMessagesView`. */
  main: ReactNode;
  /** On a narrow screen, show `main` instead of `sidebar` (typically: a conversation is selected). */
  showMain: boolean;
  className?: string;
}

/**
 * The two-pane frame of the chat: list and conversation side by side when the
 * frame is wide, one at a time when it is narrow (a CSS container query on the
 * frame's own width, so it adapts inside any host layout). The back button that
 * returns to the list lives in `ChatMessagesView`'s header (`onBack`).
 *
 * @example
 * ```tsx
 * <ChatLayout
 *   showMain={selectedId !== null}
 *   sidebar={<ChatSelect {...selectProps} />}
 *   main={<ChatMessagesView {...viewProps} onBack={() => setSelectedId(null)} />}
 * />
 * ```
 */
export function ChatLayout({ sidebar, main, showMain, className }: ChatLayoutProps) {
  return (
    <div
      className={['ucr-root', 'ucr-layout', className].filter(Boolean).join(' ')}
      data-view={showMain ? 'main' : 'sidebar'}
    >
      <div className="ucr-layout__frame">
        <div className="ucr-layout__sidebar">{sidebar}</div>
        <div className="ucr-layout__main">{main}</div>
      </div>
    </div>
  );
}
