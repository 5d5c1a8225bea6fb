import * as vscode from 'vscode';
import { definitionsSentMarkdown } from '../../core/common/context';
import { formatElapsed } from '../../core/common/conversation';
import { usageLine } from '../../core/common/usageText';
import { presentActions } from '../../core/common/errorPresenter';
import { inertMarkdown } from '../../core/common/inertMarkdown';
import { InertMarkdownStream } from '../../core/common/inertMarkdownStream';
import { plainMessage } from '../../core/common/plainMessage';
import {
  isParticipantCommand, PARTICIPANT_ID, participantFollowups, participantTask, type ParticipantCommand,
} from '../../core/common/participantCommands';
import { COMMANDS } from '../../core/common/commands';
import { DEFAULT_REFACTOR_REQUEST, extractCode, FenceStripper, INSTRUCTIONS } from '../../core/common/prompts';
import type { CodeContext, Turn } from '../../core/common/types';
import { codeContextFor, codeFromEditor, fileContext } from '../editorContext';
import { abortOnCancel, Disposable } from '../lifecycle';
import type { RequestRunner, RunResult } from '../runner';
import type { ProposalArgument } from '../diff/proposalArgument';
import type { DefinitionContext } from '../context/definitionContext';
import { LM_VENDOR } from './chatModelProvider';

/** What a participant answer leaves behind for follow-ups and tests. */
export interface ParticipantResultMetadata {
  readonly command?: ParticipantCommand;
  readonly modelId?: string;
  readonly status: 'complete' | 'cancelled' | 'error' | 'no-code';
  /** The model's text as it came (what the page shows is escaped): the next question's history. */
  readonly answer?: string;
}

interface CodeUsed {
  readonly context: CodeContext;
  readonly location: vscode.Location;
}

/**
 * @reasoner in VS Code's Chat view: /explain, /bugs, /tests and /refactor on
 * the selection (or the file, or what was attached with #), and plain
 * questions about it. Answers stream as inert Markdown through the one
 * request pipeline, end with the model and its usage, and suggest what to ask next.
 */
export class ReasonerParticipant extends Disposable {
  readonly participant: vscode.ChatParticipant;

  constructor(private readonly runner: RequestRunner, extensionUri: vscode.Uri, private readonly definitions?: DefinitionContext) {
    super();
    this.participant = this.register(vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, context, stream, token) =>
      this.answer(request, context, stream, token)));
    this.participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.participant.followupProvider = {
      provideFollowups: (result) => {
        const metadata = result.metadata as ParticipantResultMetadata | undefined;
        if (metadata?.status !== 'complete') return [];
        return participantFollowups(metadata.command).map((followup) => ({ ...followup, participant: PARTICIPANT_ID }));
      },
    };
  }

  async answer(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const command = isParticipantCommand(request.command) ? request.command : undefined;
    const code = await codeFor(request);
    if (code.length === 0 && (command !== undefined || request.prompt.trim() === '')) {
      stream.markdown(vscode.l10n.t('Select some code in an editor (or attach a file with #) and ask again.'));
      return { metadata: { ...(command ? { command } : {}), status: 'no-code' } satisfies ParticipantResultMetadata };
    }
    const definitions = await this.definitionsFor(code[0]!, command);
    if (definitions === undefined) {
      stream.markdown(vscode.l10n.t('Cancelled in the definitions picker: nothing was sent. Ask again to choose what goes along, or set `reasoner.context.mode` to `automatic` to send what is found without asking.'));
      return { metadata: { ...(command ? { command } : {}), status: 'cancelled' } satisfies ParticipantResultMetadata };
    }
    const sent = [...code, ...definitions];
    for (const used of sent) stream.reference(used.location);
    // A reference shows its file and lines only: the symbols are named here.
    const listed = definitionsSentMarkdown(definitions.map((definition) => definition.context));
    if (listed !== '') stream.markdown(`${listed}\n\n`);
    const task = participantTask(command, request.prompt);
    const reasonerModel = request.model?.vendor === LM_VENDOR ? request.model : undefined;
    const cancellation = abortOnCancel(token);

    const markdown = new InertMarkdownStream();
    const fences = task.codeOnly ? new FenceStripper() : undefined;
    let lastShown = '';
    const show = (text: string) => {
      if (text !== '') lastShown = text;
      const inert = markdown.push(text);
      if (inert !== '') stream.markdown(inert);
    };
    if (task.codeOnly) show(`\`\`\`\`${code[0]?.context.languageId ?? ''}\n`);
    let reasoning = false;
    let result: RunResult;
    try {
      stream.progress(vscode.l10n.t('Asking {0}…', reasonerModel ? plainMessage(reasonerModel.name) : vscode.l10n.t('the selected model')));
      result = await this.runner.run({
        source: `participant:${command ?? 'ask'}`,
        ...(reasonerModel ? { modelId: reasonerModel.id } : {}),
        instructions: INSTRUCTIONS[task.task],
        turns: [...historyTurns(context), { role: 'user', text: task.text, context: sent.map((used) => used.context) }],
        signal: cancellation.signal,
        onEvent: (event) => {
          if (event.type === 'text') show(fences ? fences.push(event.delta) : event.delta);
          else if (event.type === 'reasoning' && !reasoning) {
            reasoning = true;
            stream.progress(vscode.l10n.t('Reasoning…'));
          } else if (event.type === 'progress') stream.progress(plainMessage(event.status));
        },
      });
    } finally {
      cancellation.dispose();
    }
    if (fences) {
      show(fences.end());
      show(`${lastShown.endsWith('\n') ? '' : '\n'}\`\`\`\`\n`);
    }
    const rest = markdown.end();
    if (rest !== '') stream.markdown(rest);

    const metadata = (status: ParticipantResultMetadata['status']): ParticipantResultMetadata =>
      ({ ...(command ? { command } : {}), ...(result.model ? { modelId: result.model.id } : {}), status, answer: result.text });
    if (result.error?.kind === 'cancelled') return { metadata: metadata('cancelled') };
    if (result.error) {
      // The fixes that need no retry of this answer: set a key, open settings, the log…
      for (const action of presentActions(result.error)) stream.button({ command: action.command, title: action.title, arguments: [...action.args] });
      const message = plainMessage(result.error.userMessage);
      return { errorDetails: { message: result.text ? vscode.l10n.t('{0} The answer above is incomplete.', message) : message }, metadata: metadata('error') };
    }
    if (result.notice) stream.markdown(`\n\n> ${inertMarkdown(result.notice)}\n`);
    const reviewed = code[0];
    const proposed = command === 'refactor' && code.length === 1 && reviewed ? extractCode(result.text) : '';
    if (reviewed && proposed.trim() !== '') {
      const { start, end } = reviewed.location.range;
      const argument: ProposalArgument = {
        uri: reviewed.location.uri.toString(), range: [start.line, start.character, end.line, end.character],
        original: reviewed.context.code, proposed, request: request.prompt.trim() || DEFAULT_REFACTOR_REQUEST,
      };
      stream.button({ command: COMMANDS.reviewProposal, title: vscode.l10n.t('Review as Diff'), arguments: [argument] });
    }
    // Inert: the cost's `$` would start math in the Chat view's Markdown.
    stream.markdown(`\n\n---\n\n${inertMarkdown(footer(result))}\n`);
    return { metadata: metadata('complete') };
  }

  /**
   * The definitions the code uses: listed with the references and sent after it (the first piece of code only).
   * With `reasoner.context.mode: ask` the picker shows them first; undefined when it was dismissed.
   */
  private async definitionsFor(code: CodeUsed, command: ParticipantCommand | undefined): Promise<CodeUsed[] | undefined> {
    if (!this.definitions) return [];
    const document = await vscode.workspace.openTextDocument(code.location.uri);
    return await this.definitions.attach(document, code.location.range, { source: `participant:${command ?? 'ask'}`, mayAsk: true });
  }
}

/** `o3-mini · effort medium · 1,200 in · 300 out · 256 reasoning · $0.0021 · 12s` */
function footer(result: RunResult): string {
  const parts = [result.model?.label ?? '', `effort ${result.effort}`];
  if (result.usage) parts.push(usageLine(result.usage));
  else if (result.costEstimate) parts.push(result.costEstimate);
  parts.push(formatElapsed(result.elapsedMs));
  return parts.filter((part) => part !== '').join(' · ');
}

/** Earlier @reasoner exchanges in this chat, as turns (code attached then is not sent again). */
function historyTurns(context: vscode.ChatContext): Turn[] {
  const turns: Turn[] = [];
  for (const entry of context.history) {
    if (entry instanceof vscode.ChatRequestTurn) {
      turns.push({ role: 'user', text: participantTask(isParticipantCommand(entry.command) ? entry.command : undefined, entry.prompt).text });
    } else if (entry instanceof vscode.ChatResponseTurn) {
      const answer: unknown = entry.result.metadata?.answer;
      if (typeof answer === 'string' && answer.trim() !== '') turns.push({ role: 'assistant', text: answer });
    }
  }
  return turns;
}

/** The code a request is about: what was attached with #, else the selection, else the active file. */
async function codeFor(request: vscode.ChatRequest): Promise<CodeUsed[]> {
  const attached: CodeUsed[] = [];
  for (const reference of request.references) {
    const value = reference.value;
    try {
      if (value instanceof vscode.Location) {
        const document = await vscode.workspace.openTextDocument(value.uri);
        attached.push({ context: codeContextFor(document, value.range), location: value });
      } else if (value instanceof vscode.Uri) {
        const whole = fileContext(await vscode.workspace.openTextDocument(value));
        attached.push({ context: whole.context, location: new vscode.Location(value, whole.range) });
      }
    } catch {
      // A reference that cannot be opened as text (a folder, a binary file) adds nothing.
    }
  }
  if (attached.length > 0) return attached;
  const editor = vscode.window.activeTextEditor;
  if (!editor) return [];
  const code = editor.selection.isEmpty ? fileContext(editor.document) : await codeFromEditor(editor);
  if (!code.context.code.trim()) return [];
  return [{ context: code.context, location: new vscode.Location(code.document.uri, code.range) }];
}
