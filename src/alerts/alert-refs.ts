/** The alerts feature's refs, built and read here only: `alert:N` names an alert, its channel message and timers. */
export const alertRef = (id: number): string => `alert:${id}`;

/** The alert a ref names (`alert:7`), or null for any other ref. */
export function alertIdOf(ref: string | null | undefined): number | null {
  const id = ref ? /^alert:(\d+)$/.exec(ref)?.[1] : undefined;
  return id ? Number(id) : null;
}
