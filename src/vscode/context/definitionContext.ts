import * as vscode from 'vscode';
import { contextLogLine, definitionContext, definitionTokens } from '../../core/common/context';
import { contextLabel } from '../../core/common/conversation';
import type { Logger } from '../../core/common/logger';
import { plainMessage } from '../../core/common/plainMessage';
import type { CodeContext } from '../../core/common/types';
import type { SettingsReader } from '../config';
import { readContextSettings } from './contextSettings';
import { gatherDefinitions, workspaceTrust, type WorkspaceTrust } from './gatherer';

/** A definition that goes along with a request, and where it is. */
export interface AttachedDefinition {
  readonly context: CodeContext;
  readonly location: vscode.Location;
}

export interface AttachOptions {
  /** For the log: 'inline:explain', 'chat', 'participant:ask'. */
  readonly source: string;
  readonly modelId?: string;
  /** Whether `reasoner.context.mode: ask` may show its picker (the chat's removable chips take its place). */
  readonly mayAsk: boolean;
}

interface DefinitionItem<T> extends vscode.QuickPickItem {
  readonly definition: T;
}

/**
 * The definitions to send with code: gathered within the settings' budget and
 * time limit, offered in a picker first when the user asked for that, and
 * counted in the request log.
 */
export class DefinitionContext {
  constructor(private readonly log: Logger, private readonly settings: SettingsReader, private readonly isTrusted: WorkspaceTrust = workspaceTrust) {}

  /** Resolves to the definitions to send, or undefined when the user dismissed the picker (send nothing at all). */
  async attach(document: vscode.TextDocument, range: vscode.Range, options: AttachOptions): Promise<AttachedDefinition[] | undefined> {
    const settings = readContextSettings(this.settings.current(), options.modelId);
    let gathered;
    try {
      gathered = await gatherDefinitions({ document, range, maxTokens: settings.maxTokens, timeLimitMs: settings.timeLimitMs }, this.isTrusted);
    } catch (thrown) {
      this.log.warn(`[${options.source}] context: none gathered (${thrown instanceof Error ? thrown.message : String(thrown)})`);
      return [];
    }
    if (gathered.skipped) {
      this.log.info(`[${options.source}] context: the open code only (${gathered.skipped === 'off' ? 'reasoner.context.maxTokens is 0' : 'untrusted workspace'})`);
      return [];
    }
    const found = gathered.selection.chosen.map((candidate, index) => ({ context: definitionContext(candidate), location: gathered.locations[index]!, tokens: definitionTokens(candidate) }));
    const sent = settings.mode === 'ask' && options.mayAsk && found.length > 0 ? await pick(found) : found;
    const tokens = (sent ?? []).reduce((sum, definition) => sum + definition.tokens, 0);
    this.log.info(`[${options.source}] context: ${sent === undefined ? 'request cancelled in the picker' : contextLogLine(sent.length, tokens, gathered.elapsedMs, {
      overBudget: gathered.selection.overBudget.length, timedOut: gathered.timedOut, left: found.length - sent.length,
    })}`);
    return sent?.map(({ context, location }) => ({ context, location }));
  }
}

/** `reasoner.context.mode: ask`: every definition found, ticked; the user unticks what should stay home. */
async function pick<T extends AttachedDefinition>(found: readonly T[]): Promise<T[] | undefined> {
  const items: DefinitionItem<T>[] = found.map((definition) => ({
    definition,
    label: plainMessage(contextLabel(definition.context)),
    description: plainMessage(definition.context.fileName),
    picked: true,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Reasoner: definitions sent with the code'),
    placeHolder: vscode.l10n.t('Untick what should not be sent; Enter sends, Escape cancels the request'),
    canPickMany: true,
    ignoreFocusOut: true,
  });
  return picked?.map((item) => item.definition);
}
