import type { ChatUser, Conversation } from '../../../api/types';
import type { ChatStrings } from '../../i18n/strings';

/** The name to show for a user id: full name, else username, else "User #id". */
export function userName(id: number, user: ChatUser | undefined, strings: ChatStrings): string {
  if (user) {
    const full = user.full_name.trim();
    if (full) return full;
    const username = user.username.trim();
    if (username) return username;
  }
  return strings.userFallback(id);
}

/** Participants other than the reader, when the server tells who takes part. */
export function otherParticipantIds(
  conversation: Conversation,
  currentUserId: number | null | undefined,
): number[] {
  return (conversation.participant_ids ?? []).filter((id) => id !== currentUserId);
}

/**
 * The title a person sees: the conversation's own title; for an untitled private
 * conversation, the other participant's name; else a generic label.
 */
export function conversationTitle(
  conversation: Conversation,
  currentUserId: number | null | undefined,
  findUser: (id: number) => ChatUser | undefined,
  strings: ChatStrings,
): string {
  const title = conversation.title?.trim();
  if (title) return title;
  if (conversation.type === 'private') {
    const [other] = otherParticipantIds(conversation, currentUserId);
    if (other !== undefined) return userName(other, findUser(other), strings);
    return strings.privateUntitled;
  }
  return strings.groupUntitled;
}

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((word) => [...word][0] ?? '');
  return letters.join('').toLocaleUpperCase() || '#';
}

// Hues far enough apart to tell avatars and sender names apart at a glance.
const hues = [210, 145, 28, 280, 350, 185, 45, 250] as const;

/** A stable hue from a string, so each conversation or sender keeps its colour. */
export function avatarHue(seed: string): number {
  // FNV-1a: neighbouring ids ("c1", "c2") still land on different hues.
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hues[(hash >>> 0) % hues.length] ?? hues[0];
}
