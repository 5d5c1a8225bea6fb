import * as vscode from 'vscode';
import { contextBudget } from '../../core/common/context';
import { DEFAULT_CONTEXT_WINDOW } from '../../core/common/models';
import { SECTION, type ReasonerSettings } from '../config';

export const ContextSetting = {
  maxTokens: 'context.maxTokens',
  mode: 'context.mode',
  timeLimitMs: 'context.timeLimitMs',
} as const;

/** `automatic`: what is found goes along; `ask`: a picker shows it first, every item ticked. */
export type ContextMode = 'automatic' | 'ask';

export interface ContextSettings {
  /** 0: no definitions are gathered. */
  readonly maxTokens: number;
  readonly mode: ContextMode;
  /** Gathering stops here; what was found by then goes. */
  readonly timeLimitMs: number;
}

export const DEFAULT_TIME_LIMIT_MS = 300;

/** The settings for a request to `modelId`, else to `settings`' model (its window sizes the automatic budget). */
export function readContextSettings(settings: ReasonerSettings, modelId?: string): ContextSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const model = settings.models.find((candidate) => candidate.id === (modelId ?? settings.modelId));
  const limit = config.get<unknown>(ContextSetting.timeLimitMs);
  return {
    maxTokens: contextBudget(config.get<unknown>(ContextSetting.maxTokens), model?.capabilities.contextWindow ?? DEFAULT_CONTEXT_WINDOW),
    mode: config.get<string>(ContextSetting.mode) === 'ask' ? 'ask' : 'automatic',
    timeLimitMs: typeof limit === 'number' && Number.isFinite(limit) && limit >= 10 && limit <= 60_000 ? limit : DEFAULT_TIME_LIMIT_MS,
  };
}
