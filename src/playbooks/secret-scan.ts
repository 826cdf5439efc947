/**
 * Does a chat message look like it holds a secret? Returns the kinds found, never the text: the caller must be
 * able to report "a Slack token" without ever keeping the token. Pure.
 *
 * Patterns follow the issuers' documented formats (Slack xox*- tokens, AWS AKIA/ASIA key ids, GitHub ghp_/gho_/
 * github_pat_, Stripe sk_live_/rk_live_, Google AIza keys, PEM private key headers) plus shapes that are secrets
 * wherever they appear: a bearer token, a JWT, a password inside a URL, `password=...`. Placeholders
 * (`<token>`, `****`, `${SECRET}`, `xxxx`) are not secrets.
 */

export type SecretKind =
  | 'Slack token'
  | 'Slack webhook URL'
  | 'AWS access key'
  | 'AWS secret key'
  | 'GitHub token'
  | 'Stripe secret key'
  | 'Google API key'
  | 'private key'
  | 'bearer token'
  | 'JSON Web Token'
  | 'password in a URL'
  | 'password'
  | 'e-mail address';

interface Rule {
  kind: SecretKind;
  pattern: RegExp;
  /** The captured secret part, to reject placeholders; the whole match when absent. */
  group?: number;
}

// Every message anyone posts is scanned, on the event loop: a pattern must not backtrack over the whole text
// from every word in it (a long "a.a.a..." made an unbounded URL scheme or e-mail local part take seconds).
// Schemes and local parts have bounded lengths, so those runs are bounded too.
const RULES: Rule[] = [
  { kind: 'Slack token', pattern: /\bxox[abposr]-(?:\d+-)+[A-Za-z0-9]{8,}(?:-[A-Za-z0-9]+)*/g },
  { kind: 'Slack token', pattern: /\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{16,}/g },
  { kind: 'Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g },
  { kind: 'AWS access key', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { kind: 'AWS secret key', pattern: /aws_secret_access_key\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/gi, group: 1 },
  { kind: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b/g },
  { kind: 'Stripe secret key', pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b/g },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'bearer token', pattern: /\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)/gi, group: 1 },
  { kind: 'password in a URL', pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]+:([^\s@/]+)@[^\s]+/gi, group: 1 },
  { kind: 'password', pattern: /\b(?:password|passwd|pwd|secret|api[_-]?key|client[_-]?secret)\s*[:=]\s*["']?([^\s"']{8,})/gi, group: 1 },
];

const EMAIL: Rule = { kind: 'e-mail address', pattern: /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}\b/g };

/** `<token>`, `****`, `${SECRET}`, `xxxxxxxx`, `REDACTED`, `changeme`: written to show a shape, not to leak one. */
function isPlaceholder(value: string): boolean {
  return (
    /^[<{[$%*]|[>}\]]$/.test(value) ||
    /^(.)\1+$/.test(value) ||
    /redacted|placeholder|example|changeme|your[_-]?(token|key|password)|\*{3,}|x{6,}/i.test(value)
  );
}

export interface ScanOptions {
  emails?: boolean;
}

/** The kinds of secret the text seems to contain, each once, in a stable order. */
export function findSecrets(text: string, options: ScanOptions = {}): SecretKind[] {
  const found = new Set<SecretKind>();
  for (const rule of options.emails ? [...RULES, EMAIL] : RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const value = match[rule.group ?? 0] ?? '';
      if (!isPlaceholder(value)) {
        found.add(rule.kind);
        break;
      }
    }
  }
  // A password in a URL is also "a password": say the more precise one only.
  if (found.has('password in a URL')) found.delete('password');
  return [...found];
}
