import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent, KeyboardEvent } from 'react';
import type { ChatMessage } from '../../state/model';
import { useChatStrings } from '../i18n/context';
import { CheckIcon, CloseIcon, EditIcon, ReplyIcon, SendIcon } from './internal/icons';
import { splitMessage } from './internal/split';

/**
 * The longest message, in UTF-16 code units (never more code points than the
 * server's 4000). Longer text is sent as several messages, in order.
 *
 * @example
 * ```ts
 * const fits = text.length <= MAX_MESSAGE_LENGTH;
 * ```
 */
export const MAX_MESSAGE_LENGTH = 4000;

// The counter appears from 90 % of the limit: before it is hit, not only after.
const COUNTER_FROM = 0.9;

/** Where a part stands among the messages one long text is sent as. */
export interface MessagePart {
  /** From 0. */
  index: number;
  count: number;
}

/** Props of {@link MessageComposer}. */
export interface MessageComposerProps {
  /**
   * Called with the trimmed text; never with an empty one. A text over the
   * limit is split (between paragraphs, lines, sentences, words) and `onSend`
   * is called once per part, in order, with `part` telling which.
   */
  onSend: (text: string, part?: MessagePart) => void;
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
  /** ↑ in an empty field: edit the reader's last message. */
  onEditLast?: () => void;
  /**
   * The text of a new message, controlled (with `onDraftChange`); without it
   * the composer keeps its own. An edit never touches the draft.
   */
  draft?: string;
  /** Every change of the draft (also when uncontrolled); `''` after a send. */
  onDraftChange?: (text: string) => void;
  /** Change this number to move the focus into the field (also on mount, when above 0). */
  focusRequest?: number;
  placeholder?: string;
  /**
   * The person typed in the field (a new message, not an edit, with text in
   * it): the host dispatches `userTyping`, which is throttled before it goes out.
   */
  onTyping?: () => void;
  className?: string;
}

const fieldSizingSupported =
  typeof CSS !== 'undefined' &&
  typeof CSS.supports === 'function' &&
  CSS.supports('field-sizing', 'content');

/**
 * The message field: Enter sends, Shift+Enter starts a new line, Escape cancels a
 * reply or an edit, ↑ in an empty field edits the last own message. Text is
 * trimmed and empty text is refused. A counter appears near the 4000-character
 * limit; a longer text (typed or pasted) is never cut: it is sent as several
 * messages in order, and the composer says so before it is sent. The field
 * grows with its text up to a few lines, then scrolls.
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
  onEditLast,
  draft,
  onDraftChange,
  focusRequest = 0,
  placeholder,
  onTyping,
  className,
}: MessageComposerProps) {
  const strings = useChatStrings();
  const fieldId = useId();
  const counterId = useId();
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [ownDraft, setOwnDraft] = useState('');
  const [editText, setEditText] = useState(editing?.text ?? '');
  const [editingId, setEditingId] = useState<string | null>(editing?.id ?? null);

  // Entering edit mode fills the field during render (React's "adjust state when
  // a prop changes" pattern), so no frame shows the stale text.
  const nextEditingId = editing?.id ?? null;
  if (nextEditingId !== editingId) {
    setEditingId(nextEditingId);
    if (editing) setEditText(editing.text ?? '');
  }

  const draftText = draft ?? ownDraft;
  const text = editing ? editText : draftText;

  function setText(value: string) {
    if (editing) {
      setEditText(value);
      return;
    }
    if (draft === undefined) setOwnDraft(value);
    onDraftChange?.(value);
  }

  function focusField() {
    const field = textareaRef.current;
    if (!field) return;
    field.focus();
    const end = field.value.length;
    field.setSelectionRange(end, end);
  }

  const replyId = replyTo?.id ?? null;
  useEffect(() => {
    if (nextEditingId === null && replyId === null) return;
    focusField();
  }, [nextEditingId, replyId]);

  useEffect(() => {
    if (focusRequest > 0) focusField();
  }, [focusRequest]);

  // Browsers without `field-sizing: content` grow the field here; CSS caps its height.
  useLayoutEffect(() => {
    const field = textareaRef.current;
    if (fieldSizingSupported || !field) return;
    field.style.height = 'auto';
    if (field.scrollHeight > 0) field.style.height = `${field.scrollHeight + 2}px`;
  }, [text]);

  const trimmed = text.trim();
  const tooLong = trimmed.length > MAX_MESSAGE_LENGTH;
  const parts = tooLong && !editing ? splitMessage(trimmed, MAX_MESSAGE_LENGTH).length : 1;
  const unchangedEdit = editing !== null && trimmed === (editing.text ?? '').trim();
  const canSubmit = !disabled && trimmed.length > 0 && !(editing && tooLong);
  const left = MAX_MESSAGE_LENGTH - trimmed.length;
  const showCounter = trimmed.length >= MAX_MESSAGE_LENGTH * COUNTER_FROM;

  function submit() {
    if (!canSubmit) return;
    if (editing) {
      if (unchangedEdit) onCancelEdit?.();
      else onSubmitEdit?.(trimmed);
      return;
    }
    if (tooLong) {
      const pieces = splitMessage(trimmed, MAX_MESSAGE_LENGTH);
      pieces.forEach((piece, index) => onSend(piece, { index, count: pieces.length }));
    } else {
      onSend(trimmed);
    }
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
    } else if (
      event.key === 'ArrowUp' &&
      !event.shiftKey &&
      !event.altKey &&
      !event.ctrlKey &&
      !event.metaKey &&
      text === '' &&
      !editing &&
      onEditLast
    ) {
      event.preventDefault();
      onEditLast();
    }
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit();
    textareaRef.current?.focus();
  }

  function handleChange(event: ChangeEvent<HTMLTextAreaElement>) {
    setText(event.target.value);
    if (!editing && event.target.value.trim() !== '') onTyping?.();
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
          title={strings.withShortcut(strings.cancelEdit, 'Esc')}
          aria-keyshortcuts="Escape"
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
          title={strings.withShortcut(strings.cancelReply, 'Esc')}
          aria-keyshortcuts="Escape"
          onClick={onCancelReply}
        >
          <CloseIcon />
        </button>
      )}
    </div>
  ) : null;

  const submitLabel = editing
    ? strings.saveEdit
    : parts > 1
      ? strings.sendInParts(parts)
      : strings.send;
  let counter: string | null = null;
  if (showCounter) {
    if (!tooLong) counter = strings.charactersLeft(left);
    else if (editing)
      counter = `${strings.charactersOver(-left)}. ${strings.editTooLong(MAX_MESSAGE_LENGTH)}`;
    else
      counter = `${strings.charactersOver(-left)}. ${strings.willSendInParts(parts, MAX_MESSAGE_LENGTH)}`;
  }

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
          aria-describedby={counter ? counterId : undefined}
          aria-invalid={(editing !== null && tooLong) || undefined}
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
      <p
        id={counterId}
        className={[
          'ucr-composer__counter',
          tooLong && 'ucr-composer__counter--over',
          !counter && 'ucr-visually-hidden',
        ]
          .filter(Boolean)
          .join(' ')}
        aria-live="polite"
      >
        {counter}
      </p>
    </form>
  );
}
