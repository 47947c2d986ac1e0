import { useEffect, useId, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent, KeyboardEvent } from 'react';
import type { ChatMessage } from '../../state/model';
import { useChatStrings } from '../i18n/context';
import { CheckIcon, CloseIcon, EditIcon, ReplyIcon, SendIcon } from './internal/icons';

/**
 * The longest message the composer accepts, in UTF-16 code units (what `maxLength` counts).
 *
 * @example
 * ```ts
 * const fits = text.length <= MAX_MESSAGE_LENGTH;
 * ```
 */
export const MAX_MESSAGE_LENGTH = 4000;

// The counter appears only near the limit, where it helps rather than distracts.
const COUNTER_THRESHOLD = 200;

/** Props of {@link MessageComposer}. */
export interface MessageComposerProps {
  /** Called with the trimmed text; never with an empty one. */
  onSend: (text: string) => void;
  disabled?: boolean;
  /** The message being answered; shown above the field with a cancel button. */
  replyTo?: ChatMessage | null;
  /** Name of `replyTo`'s sender, for the "Replying to …" bar. */
  replyToName?: string;
  onCancelReply?: () => void;
  /** The message being edited; its text pre-fills the field. */
  editing?: ChatMessage | null;
  /** Called with the trimmed new text of `editing`. */
  onSubmitEdit?: (text: string) => void;
  onCancelEdit?: () => void;
  placeholder?: string;
  className?: string;
}

/**
 * The message field: Enter sends, Shift+Enter starts a new line, Escape cancels a
 * reply or an edit. Text is trimmed, empty text is refused, and a counter appears
 * near the 4000-character limit. In edit mode the field holds the message's text
 * and submitting calls `onSubmitEdit`; the draft typed before editing comes back after.
 *
 * @example
 * ```tsx
 * <MessageComposer
 *   onSend={(text) => send(text)}
 *   replyTo={replyTo}
 *   onCancelReply={() => setReplyTo(null)}
 * />
 * ```
 */
export function MessageComposer({
  onSend,
  disabled = false,
  replyTo = null,
  replyToName,
  onCancelReply,
  editing = null,
  onSubmitEdit,
  onCancelEdit,
  placeholder,
  className,
}: MessageComposerProps) {
  const strings = useChatStrings();
  const fieldId = useId();
  const counterId = useId();
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(editing?.text ?? '');
  const [draft, setDraft] = useState('');
  const [editingId, setEditingId] = useState<string | null>(editing?.id ?? null);

  // Entering or leaving edit mode swaps the field's content during render (React's
  // "adjust state when a prop changes" pattern), so no frame shows the stale text.
  const nextEditingId = editing?.id ?? null;
  if (nextEditingId !== editingId) {
    setEditingId(nextEditingId);
    if (editing) {
      if (editingId === null) setDraft(text);
      setText(editing.text ?? '');
    } else {
      setText(draft);
      setDraft('');
    }
  }

  const replyId = replyTo?.id ?? null;
  useEffect(() => {
    if (nextEditingId === null && replyId === null) return;
    const field = textareaRef.current;
    if (!field) return;
    field.focus();
    const end = field.value.length;
    field.setSelectionRange(end, end);
  }, [nextEditingId, replyId]);

  const trimmed = text.trim();
  const tooLong = text.length > MAX_MESSAGE_LENGTH;
  const unchangedEdit = editing !== null && trimmed === (editing.text ?? '').trim();
  const canSubmit = !disabled && trimmed.length > 0 && !tooLong;
  const left = MAX_MESSAGE_LENGTH - text.length;
  const showCounter = left <= COUNTER_THRESHOLD;

  function submit() {
    if (!canSubmit) return;
    if (editing) {
      if (unchangedEdit) onCancelEdit?.();
      else onSubmitEdit?.(trimmed);
      return;
    }
    onSend(trimmed);
    setText('');
  }

  function cancel(): boolean {
    if (editing && onCancelEdit) {
      onCancelEdit();
      return true;
    }
    if (replyTo && onCancelReply) {
      onCancelReply();
      return true;
    }
    return false;
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // While an input method composes a word, Enter confirms the word, not the message.
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape') {
      if (cancel()) event.preventDefault();
    }
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit();
    textareaRef.current?.focus();
  }

  function handleChange(event: ChangeEvent<HTMLTextAreaElement>) {
    setText(event.target.value);
  }

  const context = editing ? (
    <div className="ucr-composer__context">
      <EditIcon />
      <div className="ucr-composer__context-body">
        <span className="ucr-composer__context-title">{strings.editingMessage}</span>
        <span className="ucr-composer__context-text">{editing.text ?? strings.emptyText}</span>
      </div>
      {onCancelEdit && (
        <button
          type="button"
          className="ucr-icon-button"
          aria-label={strings.cancelEdit}
          title={strings.cancelEdit}
          onClick={onCancelEdit}
        >
          <CloseIcon />
        </button>
      )}
    </div>
  ) : replyTo ? (
    <div className="ucr-composer__context">
      <ReplyIcon />
      <div className="ucr-composer__context-body">
        <span className="ucr-composer__context-title">
          {strings.replyingTo(replyToName ?? strings.userFallback(replyTo.sender_id))}
        </span>
        <span className="ucr-composer__context-text">{replyTo.text ?? strings.emptyText}</span>
      </div>
      {onCancelReply && (
        <button
          type="button"
          className="ucr-icon-button"
          aria-label={strings.cancelReply}
          title={strings.cancelReply}
          onClick={onCancelReply}
        >
          <CloseIcon />
        </button>
      )}
    </div>
  ) : null;

  const submitLabel = editing ? strings.saveEdit : strings.send;

  return (
    <form
      className={['ucr-composer', className].filter(Boolean).join(' ')}
      onSubmit={handleSubmit}
      data-mode={editing ? 'edit' : replyTo ? 'reply' : 'new'}
    >
      {context}
      <div className="ucr-composer__row">
        <label htmlFor={fieldId} className="ucr-visually-hidden">
          {strings.composerLabel}
        </label>
        <textarea
          ref={textareaRef}
          id={fieldId}
          className="ucr-composer__field"
          value={text}
          onChange={handleChange}
          onKeyDown={handleKeyDown}
          placeholder={placeholder ?? strings.composerPlaceholder}
          disabled={disabled}
          rows={1}
          maxLength={MAX_MESSAGE_LENGTH}
          aria-describedby={showCounter ? counterId : undefined}
          aria-invalid={tooLong || undefined}
        />
        <button
          type="submit"
          className="ucr-composer__send"
          disabled={!canSubmit}
          aria-label={submitLabel}
          title={submitLabel}
        >
          {editing ? <CheckIcon /> : <SendIcon />}
        </button>
      </div>
      {showCounter && (
        <p
          id={counterId}
          className={['ucr-composer__counter', tooLong && 'ucr-composer__counter--over']
            .filter(Boolean)
            .join(' ')}
          aria-live="polite"
        >
          {tooLong ? strings.tooLong(MAX_MESSAGE_LENGTH) : strings.charactersLeft(left)}
        </p>
      )}
    </form>
  );
}
