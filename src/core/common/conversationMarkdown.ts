/**
 * A conversation as a Markdown file (the chat's "Export as Markdown"). The file
 * is opened in Markdown previews, which render HTML and fetch images, so
 * nothing foreign in it is live: model answers and prompts go through
 * inertMarkdown (formatting kept, no HTML, no image, only web links), and
 * titles, model names, file names and error messages are escaped to plain text.
 */
import { type Conversation, type TurnStatus, contextLabel, formatElapsed } from './conversation';
import { usageLine } from './usageText';
import { describeImage } from './images';
import { inertMarkdown } from './inertMarkdown';
import { fencedBlock } from './requests';

/** Text as literal Markdown: no link, emphasis or tag can come of it. */
function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~-]/g, (c) => `\\${c}`);
}

/** A code span that no backtick inside the text can close early. */
function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return longestRun > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

const STATUS_NOTE: Record<TurnStatus, string | undefined> = {
  streaming: 'still running when exported',
  complete: undefined,
  stopped: 'stopped',
  error: 'failed',
  incomplete: 'incomplete',
};

export function conversationToMarkdown(conversation: Conversation): string {
  const out: string[] = [`# ${escapeMarkdownText(conversation.title)}`, '', `_Exported from Reasoner on ${new Date(conversation.updatedAt).toISOString()}_`, ''];
  for (const turn of conversation.turns) {
    if (turn.role === 'user') {
      out.push('## You', '');
      for (const context of turn.context ?? []) {
        out.push(codeSpan(contextLabel(context)), '', fencedBlock(context.code, context.languageId), '');
      }
      // Named only: the export stays a small text file that fetches and embeds nothing.
      for (const image of turn.images ?? []) out.push(`_Image: ${escapeMarkdownText(describeImage(image))}_`, '');
      if (turn.text.trim()) out.push(inertMarkdown(turn.text.trim()), '');
      continue;
    }
    const note = STATUS_NOTE[turn.status];
    out.push(`## ${escapeMarkdownText(turn.modelLabel ?? turn.modelId)} (${turn.effort} effort)${note ? ` — ${note}` : ''}`, '');
    if (turn.reasoning.trim()) {
      out.push('<details><summary>Reasoning summary</summary>', '', inertMarkdown(turn.reasoning.trim()), '', '</details>', '');
    }
    if (turn.text.trim()) out.push(inertMarkdown(turn.text.trim()), '');
    if (turn.error) {
      const server = turn.error.serverMessage ? ` — ${turn.error.serverMessage}` : '';
      out.push(`> **Error:** ${escapeMarkdownText(`${turn.error.message}${server}`)}`, '');
    }
    const meta: string[] = [];
    if (turn.elapsedMs !== undefined) meta.push(formatElapsed(turn.elapsedMs));
    if (turn.usage) meta.push(usageLine(turn.usage));
    if (meta.length > 0) out.push(`_${meta.join(' · ')}_`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
