/**
 * Slash commands as small routers: `/oncall who backend` finds the `who` subcommand and hands it the rest.
 * Every command answers `help`, and a word it does not know gets the usage back, never silence.
 */

export interface CommandInvocation {
  command: string;
  userId: string;
  channelId: string;
  text: string;
  /** The words after the subcommand, quotes respected. */
  args: string[];
  triggerId: string;
}

export interface CommandReply {
  text: string;
  blocks?: unknown[];
  /** Visible to the channel instead of only to the caller. */
  inChannel?: boolean;
  /** Ack with no message (a modal opened instead). */
  silent?: boolean;
}

export interface Subcommand {
  /** e.g. `who [rotation]` */
  usage: string;
  summary: string;
  run(invocation: CommandInvocation): CommandReply | Promise<CommandReply>;
}

/** Splits command text into words; "double" or 'single' quotes keep spaces, e.g. a title. */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

export class SlashCommand {
  private readonly subcommands = new Map<string, Subcommand>();

  constructor(
    readonly name: string,
    readonly description: string,
  ) {}

  add(name: string, subcommand: Subcommand): this {
    if (this.subcommands.has(name)) throw new Error(`${this.name} ${name} is already defined`);
    this.subcommands.set(name, subcommand);
    return this;
  }

  usage(): string {
    const lines = [`*${this.name}*: ${this.description}`, ''];
    for (const [, sub] of this.subcommands) lines.push(`• \`${this.name} ${sub.usage}\`: ${sub.summary}`);
    lines.push(`• \`${this.name} help\`: this list`);
    return lines.join('\n');
  }

  async dispatch(base: Omit<CommandInvocation, 'args' | 'command'>): Promise<CommandReply> {
    const [word, ...args] = splitArgs(base.text);
    const name = word?.toLowerCase();
    if (!name || name === 'help') return { text: this.usage() };
    const sub = this.subcommands.get(name);
    if (!sub) {
      return { text: `\`${this.name}\` has no subcommand \`${word}\`.\n\n${this.usage()}` };
    }
    if (args[0]?.toLowerCase() === 'help') return { text: `Usage: \`${this.name} ${sub.usage}\`: ${sub.summary}` };
    return sub.run({ ...base, command: this.name, args });
  }
}
