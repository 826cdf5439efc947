/** The Home tab's "How you'll be reached": the person's methods, masked, with their verification and last test. */
import type { Db } from '../db/connection.js';
import { maskValue, type ContactKind } from './contact-rules.js';
import { contactsOf } from './contact-store.js';

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
