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

/** Handles words that are no subcommand (`/handoff backend`); null: not understood, show the usage. */
export type FallbackRun = (invocation: CommandInvocation) => CommandReply | null | Promise<CommandReply | null>;

export class SlashCommand {
  private readonly subcommands = new Map<string, Subcommand>();
  private fallback: { usage: string; summary: string; run: FallbackRun } | null = null;

  constructor(
    readonly name: string,
    readonly description: string,
  ) {}

  add(name: string, subcommand: Subcommand): this {
    if (this.subcommands.has(name)) throw new Error(`${this.name} ${name} is already defined`);
    this.subcommands.set(name, subcommand);
    return this;
  }

  /** What the command does with no subcommand, or with a first word that is none (e.g. a rotation name). */
  otherwise(usage: string, summary: string, run: FallbackRun): this {
    this.fallback = { usage, summary, run };
    return this;
  }

  usage(): string {
    const lines = [`*${this.name}*: ${this.description}`, ''];
    if (this.fallback) lines.push(`• \`${this.name} ${this.fallback.usage}\`: ${this.fallback.summary}`);
    for (const [, sub] of this.subcommands) lines.push(`• \`${this.name} ${sub.usage}\`: ${sub.summary}`);
    lines.push(`• \`${this.name} help\`: this list`);
    return lines.join('\n');
  }

  async dispatch(base: Omit<CommandInvocation, 'args' | 'command'>): Promise<CommandReply> {
    const [word, ...args] = splitArgs(base.text);
    const name = word?.toLowerCase();
    if (name === 'help' || (!name && !this.fallback)) return { text: this.usage() };
    const sub = name ? this.subcommands.get(name) : undefined;
    if (!sub && this.fallback) {
      const reply = await this.fallback.run({ ...base, command: this.name, args: word === undefined ? [] : [word, ...args] });
      if (reply) return reply;
    }
    if (!sub) return { text: word === undefined ? this.usage() : `\`${this.name}\` has no subcommand \`${word}\`.\n\n${this.usage()}` };
    if (args[0]?.toLowerCase() === 'help') return { text: `Usage: \`${this.name} ${sub.usage}\`: ${sub.summary}` };
    return sub.run({ ...base, command: this.name, args });
  }
}
