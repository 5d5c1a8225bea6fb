import * as vscode from 'vscode';
import { checkBaseUrl, DEFAULT_BASE_URL, type BaseUrlCheck } from '../core/common/endpoint';
import { DEFAULT_MODEL_ID, listModels, parseUserModels, type ModelInfo } from '../core/common/models';
import { DEFAULT_REASONING_EFFORT, isReasoningEffort, type ReasoningEffort } from '../core/common/types';
import type { NetworkSettings } from '../core/node/network';

export const SECTION = 'reasoner';
export const Setting = {
  baseUrl: 'baseUrl',
  model: 'model',
  reasoningEffort: 'reasoningEffort',
  maxOutputTokens: 'maxOutputTokens',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  requestDeadlineMinutes: 'requestDeadlineMinutes',
  stream: 'stream',
  showReasoningSummary: 'showReasoningSummary',
  models: 'models',
  prompts: 'prompts',
  backgroundMode: 'backgroundMode',
  monthlyBudgetUsd: 'monthlyBudgetUsd',
} as const;
export type SettingKey = (typeof Setting)[keyof typeof Setting];

export type PromptOutput = 'inline' | 'document' | 'chat';
export interface PromptTemplate {
  readonly name: string;
  readonly description?: string;
  readonly prompt: string;
  readonly output: PromptOutput;
  readonly model?: string;
}

export interface ReasonerSettings {
  readonly baseUrl: BaseUrlCheck;
  readonly modelId: string;
  readonly effort: ReasoningEffort;
  readonly maxOutputTokens: number | null;
  readonly timeoutSeconds: number;
  /** The longest one request may take, from user settings only. */
  readonly deadlineMinutes: number;
  readonly stream: boolean;
  readonly showReasoningSummary: boolean;
  readonly backgroundMode: boolean;
  readonly models: readonly ModelInfo[];
  readonly modelProblems: readonly string[];
  readonly prompts: readonly PromptTemplate[];
}

function integerIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/**
 * The base URL is read from user settings and defaults only. Its `application`
 * scope already keeps workspace values out; reading `globalValue` makes sure a
 * workspace can never redirect the key even if the manifest were changed.
 */
function userBaseUrl(config: vscode.WorkspaceConfiguration): string {
  const inspected = config.inspect<string>(Setting.baseUrl);
  return inspected?.globalValue ?? inspected?.defaultValue ?? DEFAULT_BASE_URL;
}

/**
 * The request deadline from user settings and defaults only, like the network settings: it
 * bounds how long a gateway may keep a request (and its background job) going.
 */
function userDeadlineMinutes(config: vscode.WorkspaceConfiguration): number {
  const inspected = config.inspect<number>(Setting.requestDeadlineMinutes);
  return integerIn(inspected?.globalValue ?? inspected?.defaultValue, 1, 1440, 60);
}

/** The monthly budget from user settings (a workspace cannot lift it); undefined when none is set. */
export function readBudgetUsd(): number | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).inspect<number | null>(Setting.monthlyBudgetUsd)?.globalValue;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

const PROXY_ENV = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS'] as const;

/**
 * The editor's network settings that decide where the key goes. Like the base
 * URL, they are read from user (and machine) settings only: a workspace that
 * could set `http.proxy` could send every request through a proxy of its choice.
 */
export function readNetworkSettings(env: NodeJS.ProcessEnv = process.env): NetworkSettings {
  const http = vscode.workspace.getConfiguration('http');
  const user = <T>(key: string): T | undefined => {
    const inspected = http.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue;
  };
  const proxySupport = user<string>('proxySupport');
  const noProxy = user<unknown>('noProxy');
  const proxyEnv: Record<string, string> = {};
  for (const name of PROXY_ENV) {
    const value = env[name];
    if (value) proxyEnv[name] = value;
  }
  return {
    proxy: user<string>('proxy')?.trim() ?? '',
    proxyAuthorization: user<string | null>('proxyAuthorization')?.trim() ?? '',
    noProxy: Array.isArray(noProxy) ? noProxy.filter((entry): entry is string => typeof entry === 'string') : [],
    proxySupport: proxySupport === 'off' || proxySupport === 'on' || proxySupport === 'fallback' ? proxySupport : 'override',
    proxyStrictSSL: user<boolean>('proxyStrictSSL') !== false,
    systemCertificates: user<boolean>('systemCertificates') !== false,
    env: proxyEnv,
  };
}

export function readPrompts(raw: unknown): PromptTemplate[] {
  if (!Array.isArray(raw)) return [];
  const prompts: PromptTemplate[] = [];
  for (const entry of raw as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    if (typeof record.name !== 'string' || typeof record.prompt !== 'string' || !record.name.trim() || !record.prompt.trim()) continue;
    const output: PromptOutput = record.output === 'document' || record.output === 'chat' ? record.output : 'inline';
    prompts.push({
      name: record.name.trim(),
      prompt: record.prompt,
      output,
      ...(typeof record.description === 'string' ? { description: record.description } : {}),
      ...(typeof record.model === 'string' && record.model.trim() ? { model: record.model.trim() } : {}),
    });
  }
  return prompts;
}

/**
 * The settings as they are at the moment of asking. The extension makes one, over VS Code's
 * configuration (see extension.ts), and hands it to everything that reads settings; a test may
 * hand its own.
 */
export interface SettingsReader {
  current(): ReasonerSettings;
}

/** Reads VS Code's configuration; only cachedSettingsReader calls it. */
function readSettings(): ReasonerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  // Custom models may only come from user settings: they decide which API (and cost) a request uses.
  const userModels = parseUserModels(config.inspect(Setting.models)?.globalValue ?? []);
  const models = listModels(userModels.models);
  const effort = config.get<string>(Setting.reasoningEffort);
  const maxOutputTokens = config.get<number | null>(Setting.maxOutputTokens);
  return {
    baseUrl: checkBaseUrl(userBaseUrl(config)),
    modelId: config.get<string>(Setting.model)?.trim() || DEFAULT_MODEL_ID,
    effort: isReasoningEffort(effort) ? effort : DEFAULT_REASONING_EFFORT,
    maxOutputTokens: typeof maxOutputTokens === 'number' && Number.isInteger(maxOutputTokens) && maxOutputTokens >= 1 ? maxOutputTokens : null,
    timeoutSeconds: integerIn(config.get(Setting.requestTimeoutSeconds), 5, 7200, 900),
    deadlineMinutes: userDeadlineMinutes(config),
    stream: config.get<boolean>(Setting.stream) !== false,
    showReasoningSummary: config.get<boolean>(Setting.showReasoningSummary) !== false,
    backgroundMode: config.get<boolean>(Setting.backgroundMode) === true,
    models,
    modelProblems: userModels.problems,
    prompts: readPrompts(config.get(Setting.prompts)),
  };
}

export function findModel(settings: ReasonerSettings, id: string): ModelInfo | undefined {
  return settings.models.find((model) => model.id === id);
}

/** Choices the user makes in pickers go to user settings, so they follow them everywhere. */
export async function saveUserSetting(key: SettingKey, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/**
 * The one SettingsReader the extension hands around: the settings are read once, and again after they change or the
 * workspace is trusted (which lets its restricted values count). Everything reads settings many times an answer, and
 * a read asks VS Code for each value and parses the models and prompts. Made first in activation, so that its
 * listener runs before any other listener to the same change reads the settings.
 */
export function cachedSettingsReader(): SettingsReader & vscode.Disposable {
  let cached: ReasonerSettings | undefined;
  const forget = () => {
    cached = undefined;
  };
  const subscriptions = [onDidChangeSettings(forget), vscode.workspace.onDidGrantWorkspaceTrust(forget)];
  return {
    current: () => (cached ??= readSettings()),
    dispose: () => {
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener();
  });
}
