/**
 * The handoffs feature's names for things, built and parsed here only: the posted handoff's outbox ref
 * (`handoff:N`, which later edits target), the timer subject of one rotation's boundary and its timer keys.
 */

/** The posted handoff's (or emergency notice's) message: where its confirmation and cover edits go. */
export const handoffRef = (id: number): string => `handoff:${id}`;

/** The subject of one boundary's timers (prompt, due, unconfirmed): cancelled together when the handoff is confirmed. */
export const boundarySubject = (rotation: string, boundary: number): string => `handoff:${rotation}:${boundary}`;

export const promptKey = (rotation: string, boundary: number): string => `handoff-prompt:${rotation}:${boundary}`;
export const dueKey = (rotation: string, boundary: number): string => `handoff-due:${rotation}:${boundary}`;
export const unconfirmedKey = (rotation: string, boundary: number, after: number): string =>
  `handoff-unconfirmed:${rotation}:${boundary}:${after}`;

/** The "Write the handoff" button's value: the shift change it opens the form for. */
export const promptButtonValue = (rotation: string, boundary: number): string => `${rotation}|${boundary}`;

/** The shift change a "Write the handoff" button names; null for a value this bot did not write. */
export function parsePromptButtonValue(value: string): { rotation: string; boundary: number } | null {
  const [rotation, boundary, ...rest] = value.split('|');
  if (!rotation || !boundary || rest.length > 0 || !/^\d+$/.test(boundary)) return null;
  return { rotation, boundary: Number(boundary) };
}
