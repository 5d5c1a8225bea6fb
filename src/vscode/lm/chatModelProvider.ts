import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { estimateLmTokens, requestFromLmMessages, type LmMessage, type LmPart } from '../../core/common/lmMessages';
import { tokenLimits, type ModelInfo } from '../../core/common/models';
import { isReasoningEffort, type ReasoningEffort } from '../../core/common/types';
import { isImageMimeType } from '../../core/common/images';
import { plainMessage } from '../../core/common/plainMessage';
import { onDidChangeSettings, type SettingsReader } from '../config';
import { abortOnCancel, Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import type { ApiKeyStore } from '../secrets';

export const LM_VENDOR = 'reasoner';

/**
 * The catalog's models (and `reasoner.models`) in VS Code's model picker and
 * for `vscode.lm`: requests go through the same runner as every other entry
 * point (key, settings, budget, log, Cancel All).
 */
export class ReasonerChatModelProvider extends Disposable implements vscode.LanguageModelChatProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(private readonly runner: RequestRunner, private readonly keys: ApiKeyStore, private readonly settings: SettingsReader) {
    super();
    this.register(onDidChangeSettings(() => this.changed.fire()));
  }

  async provideLanguageModelChatInformation(options: vscode.PrepareLanguageModelChatModelOptions): Promise<vscode.LanguageModelChatInformation[]> {
    // Asked to resolve models with the user present (adding the provider in the picker): a missing key is asked for now.
    if (!options.silent && !(await this.keys.get().catch(() => undefined))) await vscode.commands.executeCommand(COMMANDS.setApiKey);
    const settings = this.settings.current();
    return settings.models.map((model) => modelInformation(model, settings.maxOutputTokens));
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const request = requestFromLmMessages(messages.map(toLmMessage));
    if (request.turns.at(-1)?.role !== 'user') throw new Error(vscode.l10n.t('Reasoner needs a user message last in a language model request.'));
    const cancellation = abortOnCancel(token);
    // The core drops calls to tools that were not offered; checked again here, where VS Code would run them.
    const offered = new Set((options.tools ?? []).map((tool) => tool.name));
    try {
      const effort = effortOption(options.modelOptions);
      const result = await this.runner.run({
        source: `lm:${model.id}`,
        modelId: model.id,
        ...(effort ? { effort } : {}),
        ...(request.instructions ? { instructions: request.instructions } : {}),
        turns: request.turns,
        ...(options.tools && options.tools.length > 0 ? {
          tools: options.tools.map((tool) => ({ name: tool.name, description: tool.description, ...(tool.inputSchema ? { parameters: tool.inputSchema } : {}) })),
          toolChoice: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' as const : 'auto' as const,
        } : {}),
        signal: cancellation.signal,
        onEvent: (event) => {
          if (event.type === 'text' && event.delta !== '') progress.report(new vscode.LanguageModelTextPart(event.delta));
          else if (event.type === 'toolCall' && offered.has(event.call.name)) progress.report(new vscode.LanguageModelToolCallPart(event.call.id, event.call.name, toolInput(event.call.arguments)));
        },
      });
      if (result.error?.kind === 'cancelled' && token.isCancellationRequested) throw new vscode.CancellationError();
      // The caller shows the message: the gateway's words and what to do, with the partial answer already delivered.
      if (result.error) {
        const message = plainMessage(result.error.userMessage);
        throw new Error(result.text ? vscode.l10n.t('{0} (the answer above is incomplete)', message) : message);
      }
      if (result.text === '' && result.notice) throw new Error(result.notice);
    } finally {
      cancellation.dispose();
    }
  }

  async provideTokenCount(_model: vscode.LanguageModelChatInformation, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    return estimateLmTokens(typeof text === 'string' ? text : toLmMessage(text));
  }
}

function modelInformation(model: ModelInfo, maxOutputTokens: number | null): vscode.LanguageModelChatInformation {
  return {
    id: model.id,
    name: model.label,
    family: model.id,
    version: model.model,
    tooltip: model.description,
    detail: 'Reasoner',
    ...tokenLimits(model, maxOutputTokens),
    capabilities: { imageInput: model.capabilities.imageInput, toolCalling: true },
  };
}

/** `reasoningEffort` (or `reasoning_effort`) in a request's model options overrides the setting for that request. */
function effortOption(options: { readonly [name: string]: unknown } | undefined): ReasoningEffort | undefined {
  const value = options?.reasoningEffort ?? options?.reasoning_effort;
  return isReasoningEffort(value) ? value : undefined;
}

function toLmMessage(message: vscode.LanguageModelChatRequestMessage): LmMessage {
  const role = message.role === vscode.LanguageModelChatMessageRole.User ? 'user'
    : message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'system';
  return { role, parts: message.content.flatMap(toLmParts) };
}

/** A call's arguments as the object VS Code hands to the tool; text that is not a JSON object gives `{}`. */
function toolInput(json: string): object {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function toLmParts(part: unknown): LmPart[] {
  if (part instanceof vscode.LanguageModelTextPart) return [{ kind: 'text', text: part.value }];
  if (part instanceof vscode.LanguageModelToolCallPart) {
    return [{ kind: 'toolCall', call: { id: part.callId, name: part.name, arguments: JSON.stringify(part.input ?? {}) } }];
  }
  if (part instanceof vscode.LanguageModelToolResultPart) {
    const text = part.content.flatMap((inner) => inner instanceof vscode.LanguageModelTextPart ? [inner.value] : []).join('');
    return [{ kind: 'toolResult', result: { callId: part.callId, text } }];
  }
  // Data parts (images, text attachments) are read by shape: their class is newer than the API this extension requires.
  if (isDataPart(part)) {
    if (isImageMimeType(part.mimeType)) return [{ kind: 'image', mimeType: part.mimeType, base64: Buffer.from(part.data).toString('base64') }];
    if (part.mimeType.startsWith('text/') || part.mimeType === 'application/json') return [{ kind: 'text', text: Buffer.from(part.data).toString('utf8') }];
  }
  return [];
}

function isDataPart(part: unknown): part is { readonly mimeType: string; readonly data: Uint8Array } {
  return typeof part === 'object' && part !== null
    && typeof (part as { mimeType?: unknown }).mimeType === 'string' && (part as { data?: unknown }).data instanceof Uint8Array;
}
