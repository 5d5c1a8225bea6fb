import * as vscode from 'vscode';
import { collectAnswer, type Answer } from '../core/node/answer';
import { ReasoningClient } from '../core/node/client';
import { ApiError } from '../core/common/errors';
import { NO_KEY_NOTIFICATION } from '../core/common/errorPresenter';
import type { Logger } from '../core/common/logger';
import type { ModelInfo } from '../core/common/models';
import type { FinishReason, ReasoningRequest, Usage } from '../core/common/types';
import { findModel, readSettings } from './config';
import { errorActions, type Notifier } from './notify';
import type { RequestRunner, RunRequest, RunResult } from './runner';
import type { ApiKeyStore } from './secrets';

interface ClientKey { readonly baseUrl: string; readonly timeoutSeconds: number }

/** The one pipeline behind every entry point (see runner.ts). */
export class ReasonerRequestRunner implements RequestRunner, vscode.Disposable {
  private client: ReasoningClient | undefined;
  private clientKey: ClientKey | undefined;
  private readonly active = new Map<number, AbortController>();
  private nextId = 1;
  private readonly activeChanged = new vscode.EventEmitter<number>();
  readonly onDidChangeActive = this.activeChanged.event;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: Logger,
    private readonly notifier: Notifier,
  ) {}

  get activeCount(): number {
    return this.active.size;
  }

  cancelAll(): number {
    const count = this.active.size;
    for (const controller of this.active.values()) controller.abort();
    return count;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const started = Date.now();
    const settings = readSettings();
    const model = findModel(settings, request.modelId ?? settings.modelId);
    const effort = request.effort ?? settings.effort;
    const fail = (error: ApiError): RunResult => ({ model, effort, text: '', reasoning: '', error, errorNotified: true, elapsedMs: Date.now() - started });

    if (!settings.baseUrl.ok) {
      const error = new ApiError({ kind: 'config', serverMessage: settings.baseUrl.message, actions: ['openSettings'] });
      this.log.error(`[${request.source}] not sent: ${settings.baseUrl.message}`);
      this.notifier.show('error', error.userMessage, errorActions(error));
      return fail(error);
    }
    if (!model) {
      const error = new ApiError({
        kind: 'config',
        serverMessage: `The model "${request.modelId ?? settings.modelId}" is not a built-in model nor defined in reasoner.models. Pick one with “Reasoner: Select Model…”.`,
        actions: ['switchModel', 'openSettings'],
      });
      this.notifier.show('error', error.userMessage, errorActions(error, request.retry));
      return fail(error);
    }
    const key = await this.keys.get();
    if (!key) {
      const error = new ApiError({ kind: 'no-key' });
      this.log.warn(`[${request.source}] not sent: no API key is set`);
      this.notifier.show('warning', NO_KEY_NOTIFICATION, errorActions(error, request.retry));
      return fail(error);
    }

    const client = this.clientFor(settings.baseUrl.url, settings.timeoutSeconds);
    const controller = new AbortController();
    const id = this.nextId++;
    const onAbort = () => controller.abort();
    if (request.signal?.aborted) controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    this.active.set(id, controller);
    this.activeChanged.fire(this.active.size);

    const reasoningRequest: ReasoningRequest = {
      model,
      turns: request.turns,
      effort,
      maxOutputTokens: settings.maxOutputTokens,
      stream: settings.stream,
      reasoningSummary: settings.showReasoningSummary && model.capabilities.reasoningSummary,
      background: settings.backgroundMode && model.capabilities.background,
      ...(request.instructions ? { instructions: request.instructions } : {}),
    };

    let firstTokenMs: number | undefined;
    let url = '';
    let answer: Answer;
    try {
      answer = await collectAnswer(client.stream(reasoningRequest, controller.signal), {
        maxOutputTokens: settings.maxOutputTokens,
        effort,
        onEvent: (event) => {
          if (event.type === 'request') url = event.url;
          if ((event.type === 'text' || event.type === 'reasoning') && firstTokenMs === undefined) firstTokenMs = Date.now() - started;
          request.onEvent?.(event);
        },
      });
    } catch (thrown) {
      // The client reports failures as events; anything thrown is a bug worth the log.
      const error = new ApiError({ kind: 'protocol', detail: thrown instanceof Error ? thrown.message : String(thrown), cause: thrown });
      request.onEvent?.({ type: 'error', error });
      answer = { text: '', reasoning: '', error, elapsedMs: Date.now() - started };
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      this.active.delete(id);
      this.activeChanged.fire(this.active.size);
    }
    const { text, usage, finish, error, requestId } = answer;
    const elapsedMs = Date.now() - started;
    this.logOutcome(request.source, model, url, { text, finish, error, requestId, usage, elapsedMs, firstTokenMs });
    // Account problems concern every entry point, so they are announced here, once.
    const accountProblem = error !== undefined && (error.kind === 'auth' || error.kind === 'credits');
    if (accountProblem) this.notifier.show('error', error.userMessage, errorActions(error, request.retry));
    return { ...answer, model, effort, elapsedMs, ...(accountProblem ? { errorNotified: true } : {}) };
  }

  private clientFor(baseUrl: string, timeoutSeconds: number): ReasoningClient {
    if (!this.client || this.clientKey?.baseUrl !== baseUrl || this.clientKey.timeoutSeconds !== timeoutSeconds) {
      const previous = this.client;
      // Requests still running on the old client finish there; it is closed once they are done.
      if (previous) void this.whenIdle().then(() => previous.dispose());
      this.client = new ReasoningClient({ baseUrl, timeoutSeconds, logger: this.log, apiKey: () => this.keys.get() });
      this.clientKey = { baseUrl, timeoutSeconds };
    }
    return this.client;
  }

  private whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = this.onDidChangeActive((count) => {
        if (count === 0) { listener.dispose(); resolve(); }
      });
    });
  }

  private logOutcome(source: string, model: ModelInfo, url: string, outcome: {
    text: string; finish?: FinishReason; error?: ApiError; requestId?: string; usage?: Usage; elapsedMs: number; firstTokenMs?: number;
  }): void {
    const parts = [
      `[${source}]`, `model=${model.id} (${model.model})`, `endpoint=${url || model.api}`,
      outcome.error ? (outcome.error.status ? `status=${outcome.error.status}` : `error=${outcome.error.kind}`) : 'status=200',
      `requestId=${outcome.requestId ?? '-'}`, `latency=${outcome.elapsedMs}ms`,
      `firstToken=${outcome.firstTokenMs === undefined ? '-' : `${outcome.firstTokenMs}ms`}`,
    ];
    if (outcome.usage) {
      parts.push(`tokens in=${outcome.usage.inputTokens} out=${outcome.usage.outputTokens} reasoning=${outcome.usage.reasoningTokens}`);
      if (outcome.usage.costUsd !== undefined) parts.push(`cost=$${outcome.usage.costUsd}`);
    }
    if (outcome.finish) parts.push(`finish=${outcome.finish}`);
    if (outcome.error && outcome.error.kind !== 'cancelled') {
      this.log.error(`${parts.join(' ')} ${outcome.error.toLogString()}${outcome.text ? ` (partial answer kept: ${outcome.text.length} chars)` : ''}`);
    } else {
      this.log.info(parts.join(' '));
    }
  }

  dispose(): void {
    this.cancelAll();
    void this.client?.dispose();
    this.activeChanged.dispose();
  }
}
