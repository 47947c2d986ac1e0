import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type { ChatUser, Conversation } from '../../api/types';
import { useChatStrings } from '../i18n/context';
import { CloseIcon } from './internal/icons';
import { userName } from './internal/names';

type ConversationType = Conversation['type'];

/** Props of {@link CreateConversationPanel}. */
export interface CreateConversationPanelProps {
  /** Same contract as `ChatSelect`'s `onCreateConversation`. */
  onCreate: (
    type: ConversationType,
    title?: string,
    participantIds?: number[],
  ) => Promise<Conversation | null>;
  /** Called with the new conversation after a successful create. */
  onCreated: (conversation: Conversation) => void;
  onClose: () => void;
  /** The directory to pick participants from; without it ids are typed. */
  users?: ChatUser[];
  currentUserId?: number | null;
}

// A directory can be large; a short filtered list stays usable and fast.
const MAX_LISTED_PEOPLE = 100;

/**
 * Parses typed participant ids, separated by commas, semicolons or spaces, without repeats;
 * `null` when any part is not a positive integer.
 *
 * @example
 * ```ts
 * parseParticipantIds('12, 34 12'); // [12, 34]
 * parseParticipantIds('12, abc'); // null
 * ```
 */
export function parseParticipantIds(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const ids: number[] = [];
  for (const part of parts) {
    if (!/^\d+$/.test(part)) return null;
    const id = Number(part);
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * The form that creates a private or group conversation: the type, a title for
 * groups, and participants picked from the directory (or typed as numeric ids,
 * validated, when there is none). Escape closes it.
 *
 * @example
 * ```tsx
 * <CreateConversationPanel
 *   users={directory}
 *   currentUserId={me}
 *   onCreate={createConversation}
 *   onCreated={(c) => select(c.id)}
 *   onClose={() => setOpen(false)}
 * />
 * ```
 */
export function CreateConversationPanel({
  onCreate,
  onCreated,
  onClose,
  users,
  currentUserId = null,
}: CreateConversationPanelProps) {
  const strings = useChatStrings();
  const headingId = useId();
  const titleId = useId();
  const peopleId = useId();
  const idsId = useId();
  const errorId = useId();
  const firstFieldRef = useRef<HTMLInputElement>(null);

  const [type, setType] = useState<ConversationType>('private');
  const [title, setTitle] = useState('');
  const [selected, setSelected] = useState<number[]>([]);
  const [peopleQuery, setPeopleQuery] = useState('');
  const [idsText, setIdsText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    firstFieldRef.current?.focus();
  }, []);

  const people = useMemo(() => {
    if (!users) return [];
    const query = peopleQuery.trim().toLocaleLowerCase();
    const others = users.filter((user) => user.id !== currentUserId);
    const matching = query
      ? others.filter(
          (user) =>
            user.full_name.toLocaleLowerCase().includes(query) ||
            user.username.toLocaleLowerCase().includes(query),
        )
      : others;
    return matching.slice(0, MAX_LISTED_PEOPLE);
  }, [users, peopleQuery, currentUserId]);

  function chooseType(next: ConversationType) {
    setType(next);
    setError(null);
    // A private conversation has exactly one other person.
    if (next === 'private') setSelected((current) => current.slice(0, 1));
  }

  function toggle(id: number) {
    setError(null);
    if (type === 'private') {
      setSelected([id]);
      return;
    }
    setSelected((current) =>
      current.includes(id) ? current.filter((other) => other !== id) : [...current, id],
    );
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    let ids: number[];
    if (users) {
      ids = selected;
    } else {
      const parsed = parseParticipantIds(idsText);
      if (parsed === null) {
        setError(strings.participantIdsInvalid);
        return;
      }
      ids = parsed.filter((id) => id !== currentUserId);
    }
    if (type === 'private' && ids.length !== 1) {
      setError(strings.chooseOneParticipant);
      return;
    }
    if (type === 'group' && ids.length === 0) {
      setError(strings.chooseParticipants);
      return;
    }
    setError(null);
    setBusy(true);
    let created: Conversation | null;
    try {
      created = await onCreate(type, type === 'group' ? title.trim() || undefined : undefined, ids);
    } catch {
      created = null;
    }
    setBusy(false);
    if (created) onCreated(created);
    else setError(strings.createFailed);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  }

  return (
    <form
      className="ucr-create"
      aria-labelledby={headingId}
      aria-busy={busy}
      onSubmit={handleSubmit}
      onKeyDown={handleKeyDown}
      noValidate
    >
      <div className="ucr-create__header">
        <h3 id={headingId} className="ucr-create__heading">
          {strings.createHeading}
        </h3>
        <button
          type="button"
          className="ucr-icon-button"
          aria-label={strings.close}
          title={strings.close}
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </div>

      <fieldset className="ucr-create__types">
        <legend className="ucr-visually-hidden">{strings.typeLabel}</legend>
        {(['private', 'group'] as const).map((option, index) => (
          <label key={option} className="ucr-segment">
            <input
              ref={index === 0 ? firstFieldRef : undefined}
              type="radio"
              name={`${headingId}-type`}
              value={option}
              checked={type === option}
              onChange={() => chooseType(option)}
            />
            <span>{option === 'private' ? strings.typePrivate : strings.typeGroup}</span>
          </label>
        ))}
      </fieldset>

      {type === 'group' && (
        <div className="ucr-field">
          <label htmlFor={titleId} className="ucr-field__label">
            {strings.titleLabel}
          </label>
          <input
            id={titleId}
            className="ucr-input"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            placeholder={strings.titlePlaceholder}
            maxLength={200}
            autoComplete="off"
          />
        </div>
      )}

      {users ? (
        <fieldset
          className="ucr-field ucr-people"
          aria-describedby={error ? errorId : undefined}
          aria-invalid={error ? true : undefined}
        >
          <legend className="ucr-field__label">
            {type === 'private' ? strings.participantLabel : strings.participantsLabel}
            {type === 'group' && selected.length > 0 && ` (${selected.length})`}
          </legend>
          <label htmlFor={peopleId} className="ucr-visually-hidden">
            {strings.findPeopleLabel}
          </label>
          <input
            id={peopleId}
            type="search"
            className="ucr-input"
            value={peopleQuery}
            onChange={(event) => setPeopleQuery(event.target.value)}
            placeholder={strings.findPeoplePlaceholder}
            autoComplete="off"
          />
          {people.length === 0 ? (
            <p className="ucr-people__empty">{strings.noPeopleFound}</p>
          ) : (
            <ul className="ucr-people__list">
              {people.map((user) => (
                <li key={user.id}>
                  <label className="ucr-person">
                    <input
                      type={type === 'private' ? 'radio' : 'checkbox'}
                      name={`${headingId}-people`}
                      checked={selected.includes(user.id)}
                      onChange={() => toggle(user.id)}
                    />
                    <span className="ucr-person__names">
                      <span className="ucr-person__name">{userName(user.id, user, strings)}</span>
                      {user.username && user.full_name.trim() && (
                        <span className="ucr-person__username">@{user.username}</span>
                      )}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
      ) : (
        <div className="ucr-field">
          <label htmlFor={idsId} className="ucr-field__label">
            {strings.participantIdsLabel}
          </label>
          <input
            id={idsId}
            className="ucr-input"
            value={idsText}
            onChange={(event) => {
              setIdsText(event.target.value);
              setError(null);
            }}
            inputMode="numeric"
            autoComplete="off"
            placeholder="12, 34"
            aria-invalid={error ? true : undefined}
            aria-describedby={`${idsId}-hint${error ? ` ${errorId}` : ''}`}
          />
          <p id={`${idsId}-hint`} className="ucr-field__hint">
            {strings.participantIdsHint}
          </p>
        </div>
      )}

      {error && (
        <p id={errorId} className="ucr-create__error" role="alert">
          {error}
        </p>
      )}

      <div className="ucr-create__actions">
        <button type="button" className="ucr-button ucr-button--ghost" onClick={onClose}>
          {strings.cancel}
        </button>
        <button type="submit" className="ucr-button ucr-button--primary" disabled={busy}>
          {busy ? strings.creating : strings.create}
        </button>
      </div>
    </form>
  );
}
