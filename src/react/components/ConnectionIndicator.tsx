import type { ConnectionStatus } from '../../state/model';
import { useChatStrings } from '../i18n/context';
import { chatErrorText, closeCodeError } from '../i18n/strings';
import { RetryIcon } from './internal/icons';

/** Props of {@link ConnectionIndicator}. */
export interface ConnectionIndicatorProps {
  status: ConnectionStatus;
  /** The reconnect attempt under way, counted from 1. */
  attempt?: number;
  /** How many attempts are made before giving up. */
  maxAttempts?: number;
  /** Delay before the next attempt, shown while reconnecting. */
  nextDelayMs?: number | null;
  /** Why the connection failed, in the transport's words: only in the tooltip. */
  error?: string | null;
  /** The close code of the last close; the failed state names its reason by it. */
  code?: number | null;
  /** Starts a new connection; offered when the connection failed or is closed. */
  onRetry: () => void;
  className?: string;
}

type Tone = 'ok' | 'busy' | 'error' | 'off';

// `idle` means the socket is about to be opened for this view, so it reads as connecting.
const tones: Record<ConnectionStatus, Tone> = {
  idle: 'busy',
  connecting: 'busy',
  open: 'ok',
  reconnecting: 'busy',
  failed: 'error',
  closed: 'off',
};

/**
 * The state of a conversation's real-time connection: connected, connecting,
 * reconnecting (attempt n of m), failed with the reason (worded by the close code; the
 * transport's own words only in the tooltip) and a Retry button, or offline.
 * It is a polite `role="status"` region, so changes are announced without interrupting.
 *
 * @example
 * ```tsx
 * <ConnectionIndicator status="reconnecting" attempt={2} maxAttempts={5} onRetry={reconnect} />
 * ```
 */
export function ConnectionIndicator({
  status,
  attempt,
  maxAttempts,
  nextDelayMs,
  error,
  code,
  onRetry,
  className,
}: ConnectionIndicatorProps) {
  const strings = useChatStrings();
  const tone = tones[status];

  let label: string;
  let detail: string | null = null;
  switch (status) {
    case 'open':
      label = strings.connected;
      break;
    case 'idle':
    case 'connecting':
      label = strings.connecting;
      break;
    case 'reconnecting':
      label = strings.reconnecting(attempt, maxAttempts);
      if (nextDelayMs != null && nextDelayMs > 0) {
        detail = strings.retryIn(Math.ceil(nextDelayMs / 1000));
      }
      break;
    case 'failed':
      label = strings.connectionFailed;
      detail = chatErrorText(strings, closeCodeError(code));
      break;
    case 'closed':
      label = strings.offline;
      break;
  }
  const canRetry = status === 'failed' || status === 'closed';

  return (
    <div
      className={['ucr-connection', `ucr-connection--${tone}`, className].filter(Boolean).join(' ')}
      data-status={status}
    >
      <div
        role="status"
        aria-label={strings.connectionLabel}
        className="ucr-connection__status"
        title={
          status === 'failed' || status === 'reconnecting' ? error?.trim() || undefined : undefined
        }
      >
        <span className="ucr-connection__dot" aria-hidden="true" />
        <span className="ucr-connection__label">{label}</span>
        {detail && <span className="ucr-connection__detail">{detail}</span>}
      </div>
      {canRetry && (
        <button type="button" className="ucr-button ucr-button--small" onClick={onRetry}>
          <RetryIcon />
          {strings.reconnect}
        </button>
      )}
    </div>
  );
}
