/**
 * The alerts feature's refs, built and read here only: `alert:N` names an alert, its channel message and timers
 * (alerts stored before grouping); `alert-group:N` names an alert group, its channel message, its timers and
 * what its page is about.
 */
export const alertRef = (id: number): string => `alert:${id}`;

/** The alert a ref names (`alert:7`), or null for any other ref. */
export function alertIdOf(ref: string | null | undefined): number | null {
  const id = ref ? /^alert:(\d+)$/.exec(ref)?.[1] : undefined;
  return id ? Number(id) : null;
}

export const alertGroupRef = (id: number): string => `alert-group:${id}`;

/** The alert group a ref names (`alert-group:7`), or null for any other ref. */
export function alertGroupIdOf(ref: string | null | undefined): number | null {
  const id = ref ? /^alert-group:(\d+)$/.exec(ref)?.[1] : undefined;
  return id ? Number(id) : null;
}
