import type { ParticipantRole } from '../../../entities/email-participant.entity';

/** Participants in the order linking looks at them: senders first, then CC, each as they arrived. */
export function pendingOrder<T extends { id: number; role: ParticipantRole }>(
  participants: T[],
): T[] {
  return [...participants].sort((a, b) =>
    a.role === b.role ? a.id - b.id : a.role === 'from' ? -1 : 1,
  );
}
