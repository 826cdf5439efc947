/** The one alert shape every source is normalized to. Pure types and helpers; no I/O. */
import type { z } from 'zod';

export type AlertStatus = 'firing' | 'resolved' | 'acknowledged';

/** Every source a normalizer can name: alerts from two different ones for a service correlate. */
export const ALERT_SOURCES = ['alertmanager', 'grafana', 'sentry', 'pagerduty', 'uptime-kuma', 'generic'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export interface NormalizedAlert {
  source: AlertSource;
  /** The source's own identity for "the same alert": repeats update it, a resolve closes it. */
  dedupKey: string;
  status: AlertStatus;
  service: string | null;
  /** The source's own severity word (critical, error, P2...), mapped to ours by the integration's policy. */
  sourceSeverity: string | null;
  summary: string;
  details: string;
  links: Array<{ href: string; text: string }>;
  labels: Record<string, string>;
  startedAt: number | null;
  /**
   * The source's own group this alert came in, when it has one (Alertmanager's and Grafana's groupKey):
   * `resolved` when the source says the whole group resolved, which closes every alert still open in it.
   */
  sourceGroup?: { key: string; status: 'firing' | 'resolved' };
}

/** A payload whose shape is wrong: `path` says where, e.g. `alerts[0].labels: expected object`. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(body)';
}

/** A JSON value's kind, as a reason names what it got. */
function kindOf(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  return Array.isArray(input) ? 'array' : typeof input;
}

const typeWord = (expected: string) => (expected === 'record' ? 'object' : expected === 'tuple' ? 'array' : expected);

/**
 * Where a zod issue is and what it says, in words: `expected string or number, got null`. A union's own
 * message is only "Invalid input", so its alternatives are read instead.
 */
function describeIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; reason: string } {
  if (issue.code === 'invalid_type') {
    const input = (issue as { input?: unknown }).input;
    return { path: issue.path, reason: `expected ${typeWord(issue.expected)}, got ${kindOf(input)}` };
  }
  if (issue.code === 'invalid_union') {
    const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is z.core.$ZodIssue => i !== undefined);
    if (firsts.length > 0 && firsts.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
      const expected = [...new Set(firsts.map((i) => typeWord((i as { expected: string }).expected)))];
      return { path: issue.path, reason: `expected ${expected.join(' or ')}, got ${kindOf((issue as { input?: unknown }).input)}` };
    }
    // The alternative that got furthest into the value says best what is wrong with it.
    const furthest = firsts.reduce<z.core.$ZodIssue | undefined>(
      (best, i) => (!best || i.path.length > best.path.length ? i : best),
      undefined,
    );
    if (furthest) {
      const inner = describeIssue(furthest);
      return { path: [...issue.path, ...inner.path], reason: inner.reason };
    }
  }
  return { path: issue.path, reason: issue.message };
}

/** Parses with a zod schema or throws a ShapeError naming the first wrong path. */
export function parseShape<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const { path, reason } = describeIssue(result.error.issues[0]!);
  throw new ShapeError(formatIssuePath(path), reason);
}

/** An ISO instant to epoch ms; Go's zero time ("0001-01-01...") and junk mean "not given". */
export function instant(text: string | null | undefined): number | null {
  if (!text || text.startsWith('0001-01-01')) return null;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
