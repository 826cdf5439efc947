import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/config/env.js';

function problemsOf(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error('expected the environment to be refused');
}

describe('environment', () => {
  it('fills the defaults', () => {
    expect(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'abc123' })).toEqual({
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'abc123',
      SLACK_API_URL: 'https://slack.com/api/',
      DATABASE_PATH: './data/oncall.db',
      PORT: 3000,
      LOG_LEVEL: 'info',
      TWILIO_API_URL: 'https://api.twilio.com',
      NTFY_URL: 'https://ntfy.sh',
    });
  });

  it('lists every problem in one message that says where to get each credential', () => {
    expect(problemsOf({ PORT: 'abc' })).toBe(
      [
        'Cannot start the on-call bot: 3 problems with the environment.',
        '- SLACK_BOT_TOKEN is not set: create the app from manifest.yml at https://api.slack.com/apps, install it to your workspace, then copy "Bot User OAuth Token" (starts with xoxb-) from OAuth & Permissions',
        '- PORT should be a port number from 1 to 65535, e.g. 3000',
        '- SLACK_SIGNING_SECRET is not set (needed unless SLACK_APP_TOKEN turns on Socket Mode): copy "Signing Secret" from Basic Information > App Credentials of your Slack app',
        'Put them in the environment (or a .env file you source); README.md lists every variable.',
      ].join('\n'),
    );
  });

  it('accepts Socket Mode without a signing secret and checks the app token prefix', () => {
    expect(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).SLACK_APP_TOKEN).toBe('xapp-1');
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-wrong' })).toContain(
      '- SLACK_APP_TOKEN should start with xapp- (an app-level token)',
    );
  });

  it('never echoes a secret value in the message', () => {
    const message = problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret-value', SLACK_SIGNING_SECRET: 's', LOG_LEVEL: 'loud' });
    expect(message).not.toContain('xoxp-user-token-secret-value');
    expect(message).toContain('- SLACK_BOT_TOKEN should start with xoxb- (a bot token)');
    expect(message).toContain('- LOG_LEVEL should be one of fatal, error, warn, info, debug, trace, silent');
  });

  it('refuses a SLACK_API_URL that is not a URL', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'stand-in' })).toContain(
      '- SLACK_API_URL should be a URL',
    );
  });
});
