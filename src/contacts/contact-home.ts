/** The Home tab's "How you'll be reached": the person's methods, masked, with their verification and last test. */
import type { Db } from '../db/connection.js';
import { maskValue, type ContactKind } from './contact-rules.js';
import { contactsOf } from './contact-store.js';
import { testOutcomeWords } from './contact-test-rules.js';
import { lastEndedTestOf, runningTestOf } from './contact-test-store.js';
import { ruleWords } from './contact-wake-rules.js';
import { personalRulesOf } from './contact-wake-store.js';
import { slackDate } from '../slack/format.js';

const LABELS: Record<ContactKind, string> = { voice: 'Phone calls', sms: 'Text messages', push: 'Push (ntfy)', email: 'E-mail' };

/** One method as the Home tab lists it: never the value itself, only its mask. */
export interface ContactOnHome {
  label: string;
  masked: string;
  verifiedAt: number | null;
  lastTestAt: number | null;
  lastTestResult: string | null;
}

export function homeContacts(db: Db, userId: string): ContactOnHome[] {
  return contactsOf(db, userId).map((c) => ({
    label: LABELS[c.kind],
    masked: maskValue(c.kind, c.value),
    verifiedAt: c.verifiedAt,
    lastTestAt: c.lastTestAt,
    lastTestResult: c.lastTestResult,
  }));
}

/**
 * The lines under the methods: the last test page and the person's own wake rules.
 *   "Last test: reached by push after 1m 10s, <date>"  /  "Your own rules: P0: text message at once"
 * `own`: the person reads it themselves; false for an admin looking at someone ("Their own rules").
 */
export function homeContactNotes(db: Db, userId: string, own = true): string[] {
  const notes: string[] = [];
  const running = runningTestOf(db, userId);
  const last = lastEndedTestOf(db, userId);
  if (running) notes.push(`*Test page*: ${testOutcomeWords(running)} (started ${slackDate(running.startedAt)})`);
  if (last) notes.push(`*Last test*: ${testOutcomeWords(last)}, ${slackDate(last.endedAt ?? last.startedAt)}`);
  const rules = personalRulesOf(db, userId);
  if (rules.length) notes.push(`*${own ? 'Your' : 'Their'} own rules*: ${rules.map(ruleWords).join('; ')} (\`/oncall contact rules\`)`);
  return notes;
}
