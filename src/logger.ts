import { pino, type DestinationStream, type Logger } from 'pino';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

export type { Logger } from 'pino';

/** Field names whose values are secrets wherever they appear in a log object. */
const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'signingSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

export interface LoggerOptions {
  level?: string;
  /** Secret values (tokens, signing secret, webhook secrets): scrubbed from every line, whatever the field. */
  secrets?: readonly string[];
  destination?: { write(line: string): unknown };
}

/**
 * pino, with two guards: known secret fields are redacted, and every known secret value is cut out of
 * the finished line, so a token quoted inside an error message never reaches the log either.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const out = options.destination ?? process.stdout;
  const stream: DestinationStream = {
    write(line: string) {
      let clean = line;
      for (const secret of secrets) clean = clean.split(secret).join('[redacted]');
      out.write(clean);
    },
  };
  return pino({ level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
}

/** Bolt and the WebClient log through this adapter, so their lines are scrubbed the same way. */
export function slackLoggerFrom(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    debug: (...args: unknown[]) => child.debug(text(args)),
    info: (...args: unknown[]) => child.info(text(args)),
    warn: (...args: unknown[]) => child.warn(text(args)),
    error: (...args: unknown[]) => child.error(text(args)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
