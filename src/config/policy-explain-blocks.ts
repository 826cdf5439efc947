/**
 * The policy explanation for Slack (`/oncall policy`): the same values and origins as `npm run policy --
 * explain`, as Block Kit that fits Slack: at most 50 blocks, each section's text at most 3000 characters.
 * What does not fit is counted, and the reply says where to see the whole thing. Pure: data in, blocks out.
 */
import { basename } from 'node:path';
import { formatPath } from './policy.js';
import { explanationCounts, explanationSections, sectionOf, type ExplainedSection, type PolicyExplanation } from './policy-explain.js';

/** Slack's limits: blocks in a message, characters in a section's text. */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_SECTION_CHARS = 3000;

export const WHOLE_EXPLANATION_HINT =
  'The whole explanation: `npm run policy -- explain` where the bot runs (it reads POLICY_PATH, or the file you name).';

interface Block {
  type: string;
  text?: { type: 'mrkdwn'; text: string };
  elements?: Array<{ type: 'mrkdwn'; text: string }>;
}

/** mrkdwn's three control characters, so a value such as "<!channel>" is shown, not acted on. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

function title(explanation: PolicyExplanation): string {
  const source = explanation.source;
  const what =
    source.kind === 'file'
      ? `*The policy in \`${escapeMrkdwn(basename(source.fileName))}\`*, as this bot runs it`
      : source.kind === 'preset'
        ? `*The built-in preset ${explanation.preset}*, as this bot runs it (no policy file)`
        : '*The policy this bot runs* (built in code: where each value came from is not known)';
  return `${what}. After each value (←): the file and line that wrote it, the preset it was inherited from, or the built-in default.`;
}

export interface PolicyReply {
  text: string;
  blocks?: Block[];
}

/** A part's lines as section texts of at most 3000 characters; a part too long for one goes on "(continued)". */
function chunks(part: ExplainedSection): Array<{ text: string; count: number }> {
  const heading = part.heading ? `*${escapeMrkdwn(part.heading)}*` : '';
  const out: Array<{ text: string; count: number }> = [];
  let current = { text: heading, count: 0 };
  for (const line of part.lines) {
    const note = line.note ? ` _(${escapeMrkdwn(line.note)})_` : '';
    const rendered = clip(
      `\`${escapeMrkdwn(line.key)}\` ${escapeMrkdwn(line.value)}  ← ${escapeMrkdwn(line.origin)}${note}`,
      SLACK_MAX_SECTION_CHARS - 100,
    );
    if (current.count > 0 && current.text.length + 1 + rendered.length > SLACK_MAX_SECTION_CHARS) {
      out.push(current);
      current = { text: heading ? `${heading} (continued)` : '', count: 0 };
    }
    current = { text: current.text ? `${current.text}\n${rendered}` : rendered, count: current.count + 1 };
  }
  if (current.count > 0) out.push(current);
  return out;
}

/** The reply for `/oncall policy`: a title, one section per part of the policy, and where to see it all. */
export function explanationBlocks(explanation: PolicyExplanation): PolicyReply {
  const head = `${title(explanation)}\n${explanationCounts(explanation)}`;
  const blocks: Block[] = [section(clip(head, SLACK_MAX_SECTION_CHARS))];
  // The last block is kept for the closing line.
  const room = SLACK_MAX_BLOCKS - 1;
  const total = explanation.values.length;
  let shown = 0;
  placing: for (const part of explanationSections(explanation)) {
    for (const chunk of chunks(part)) {
      if (blocks.length >= room) break placing;
      blocks.push(section(chunk.text));
      shown += chunk.count;
    }
  }
  const cut =
    shown < total
      ? `Cut to fit Slack: ${shown} of ${total} values shown; \`/oncall policy <part>\` (e.g. \`/oncall policy escalation\`) shows one part. `
      : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${cut}${WHOLE_EXPLANATION_HINT}` }] });
  return { text: `${title(explanation).replace(/\*/g, '')} ${explanationCounts(explanation)}`, blocks };
}

/** The parts `/oncall policy <part>` can show: each heading and each top-level key, in file order. */
export function explanationParts(explanation: PolicyExplanation): string[] {
  const parts = new Set<string>();
  for (const v of explanation.values) {
    parts.add(String(v.path[0]));
    const heading = sectionOf(v.path);
    if (heading.length > 1) parts.add(formatPath(heading));
  }
  return [...parts];
}

/** Only the values under `part` (`escalation`, `escalation.urgent`, `rotations.backend`, `ack_sla`); null when none is. */
export function explanationPart(explanation: PolicyExplanation, part: string): PolicyExplanation | null {
  const values = explanation.values.filter((v) => {
    const path = formatPath(v.path);
    return path === part || path.startsWith(`${part}.`) || path.startsWith(`${part}[`);
  });
  return values.length > 0 ? { ...explanation, values } : null;
}

export const POLICY_COMMAND_USAGE = 'Usage: `/oncall policy [part]`, e.g. `/oncall policy` or `/oncall policy escalation.default`';

/** `/oncall policy [part]`: the whole explanation, one part of it, or what was wrong with the words. */
export function policyReply(explanation: PolicyExplanation, args: readonly string[]): PolicyReply {
  if (args.length > 1)
    return { text: `\`/oncall policy\` takes at most one part of the policy, got ${args.length} words.\n${POLICY_COMMAND_USAGE}` };
  const asked = args[0];
  if (asked === undefined) return explanationBlocks(explanation);
  const part = explanationPart(explanation, asked);
  if (part) return explanationBlocks(part);
  const shown = escapeMrkdwn(clip(asked, 60)).replace(/`/g, "'");
  const parts = explanationParts(explanation)
    .map((p) => `\`${p}\``)
    .join(', ');
  return { text: `The policy has no part \`${shown}\`. Parts: ${parts}.\n${POLICY_COMMAND_USAGE}` };
}
