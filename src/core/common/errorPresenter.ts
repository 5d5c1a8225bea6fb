/**
 * What a person is told about a failed request, and what they can do about it.
 *
 * An error becomes a message and a list of actions here, once. Notifications,
 * comment links in inline threads and buttons in the chat all render the same
 * list, so the surfaces cannot disagree about titles, commands or arguments.
 * Only this file phrases errors for people; the client states facts.
 */
import { COMMANDS, EXTENSION_ID, VSCODE_COMMANDS } from './commands';
import { GATEWAY_BILLING_PAGE, GATEWAY_KEYS_PAGE } from './endpoint';
import type { ApiErrorKind, NetworkProblem, RequestLimit } from './errorFacts';

export type ErrorActionId =
  | 'setApiKey'
  | 'getApiKey'
  | 'retry'
  | 'switchModel'
  | 'lowerEffort'
  | 'openLog'
  | 'openBilling'
  | 'openSettings'
  | 'proxySettings'
  | 'certificateSettings'
  | 'checkConnection';

export const ERROR_ACTION_IDS: readonly ErrorActionId[] = [
  'setApiKey', 'getApiKey', 'retry', 'switchModel', 'lowerEffort', 'openLog', 'openBilling', 'openSettings',
  'proxySettings', 'certificateSettings', 'checkConnection',
];

export const ERROR_ACTION_TITLES: Readonly<Record<ErrorActionId, string>> = {
  setApiKey: 'Set API Key',
  getApiKey: 'Get a Key',
  retry: 'Retry',
  switchModel: 'Switch Model',
  lowerEffort: 'Lower Effort',
  openLog: 'Open Log',
  openBilling: 'Open Billing',
  openSettings: 'Open Settings',
  proxySettings: 'Proxy Settings',
  certificateSettings: 'Certificate Settings',
  checkConnection: 'Check Connection',
};

export function isErrorActionId(value: unknown): value is ErrorActionId {
  return typeof value === 'string' && (ERROR_ACTION_IDS as readonly string[]).includes(value);
}

/** The actions that fit each kind of failure, before the surface adds Retry. */
export const DEFAULT_ACTIONS: Readonly<Record<ApiErrorKind, readonly ErrorActionId[]>> = {
  'auth': ['setApiKey', 'openLog'],
  'no-key': ['setApiKey', 'getApiKey'],
  'credits': ['openBilling', 'openLog'],
  'rate-limit': ['retry', 'openLog'],
  'bad-request': ['switchModel', 'openLog'],
  'not-found': ['openSettings', 'switchModel', 'openLog'],
  'server': ['retry', 'openLog'],
  'gateway-timeout': ['retry', 'lowerEffort', 'openLog'],
  'timeout': ['retry', 'lowerEffort', 'openSettings'],
  'network': ['retry', 'openSettings', 'openLog'],
  'cancelled': [],
  'protocol': ['retry', 'openLog'],
  'config': ['openSettings'],
};

/** Each way a connection fails on the way to the gateway has its own way forward. */
export const NETWORK_ACTIONS: Readonly<Record<NetworkProblem['problem'], readonly ErrorActionId[]>> = {
  'proxy-unreachable': ['proxySettings', 'checkConnection', 'retry'],
  'proxy-auth': ['proxySettings', 'checkConnection'],
  'tunnel-refused': ['checkConnection', 'proxySettings'],
  'certificate': ['checkConnection', 'certificateSettings'],
  'dns': ['openSettings', 'checkConnection', 'retry'],
};

/** The actions of an error that names none itself. */
export function defaultActions(kind: ApiErrorKind, network?: NetworkProblem): readonly ErrorActionId[] {
  return network ? NETWORK_ACTIONS[network.problem] : DEFAULT_ACTIONS[kind];
}

export interface CommandRef {
  readonly command: string;
  readonly args?: readonly unknown[];
}

/** What the surface showing the error can do for this particular request. */
export interface ActionTarget {
  /** Runs the failed request again (an inline thread's retry, a chat turn's retry). Without it there is no Retry. */
  readonly retry?: CommandRef;
  /** Asks the same question of another model; without it Switch Model picks the current model, then retries. */
  readonly switchModel?: CommandRef;
}

export interface PresentedAction {
  readonly id: ErrorActionId;
  readonly title: string;
  readonly command: string;
  readonly args: readonly unknown[];
  /**
   * When the command resolves to something (a key was stored, a model picked),
   * the surface runs the failed request again, so nothing the user asked is lost.
   */
  readonly thenRetry: boolean;
}

/** The facts about a failure the presenter needs: an ApiError or a stored TurnError both fit. */
export interface PresentableError {
  readonly kind: string;
  readonly actions?: readonly string[];
}

/**
 * Failures of the account, not of the request: no key, a rejected key, no credits. Every request
 * fails alike until the user fixes it, so the runner announces them once, in a notification, and a
 * surface where several requests failed for it runs them all again once it is fixed. Each maps to
 * the actions that fix it, which lead its list.
 */
const ACCOUNT_FIXES: Readonly<Partial<Record<string, readonly ErrorActionId[]>>> = {
  'no-key': ['setApiKey', 'getApiKey'],
  'auth': ['setApiKey'],
  'credits': ['openBilling'],
};

/** Is this failure the account's (no key, rejected key, no credits) rather than the request's? */
export function isAccountProblem<E extends PresentableError>(error: E | undefined): error is E {
  return error !== undefined && ACCOUNT_FIXES[error.kind] !== undefined;
}

/** Is this an account problem a new key fixes (no key, a rejected key)? Once one is set, what failed for it can run again. */
export function isKeyProblem(error: PresentableError | undefined): boolean {
  return error !== undefined && (ACCOUNT_FIXES[error.kind]?.includes('setApiKey') ?? false);
}

/**
 * The action ids for an error on a surface, in the order they are shown.
 * Account problems lead with the fix and end with Retry; other failures lead
 * with Retry (when the surface can retry) and always offer the log.
 */
export function actionIdsFor(error: PresentableError, canRetry: boolean): ErrorActionId[] {
  if (error.kind === 'cancelled') return [];
  const hinted = (error.actions ?? DEFAULT_ACTIONS[error.kind as ApiErrorKind] ?? []).filter(isErrorActionId);
  const ids = new Set<ErrorActionId>();
  const fixes = ACCOUNT_FIXES[error.kind];
  if (fixes) {
    for (const id of [...fixes, ...hinted]) if (id !== 'retry') ids.add(id);
    if (canRetry) ids.add('retry');
    return [...ids];
  }
  if (canRetry) ids.add('retry');
  for (const id of hinted) if (id !== 'retry') ids.add(id);
  if (error.kind !== 'config') ids.add('openLog');
  return [...ids];
}

/** The error's actions, each bound to the command and arguments that carry it out on this surface. */
export function presentActions(error: PresentableError, target: ActionTarget = {}): PresentedAction[] {
  return actionIdsFor(error, target.retry !== undefined).map((id) => bindAction(id, target));
}

/** One action bound to its command; Retry and Switch Model use the surface's own commands when it has them. */
export function bindAction(id: ErrorActionId, target: ActionTarget = {}): PresentedAction {
  const title = ERROR_ACTION_TITLES[id];
  const action = (command: string, args: readonly unknown[] = [], thenRetry = false): PresentedAction =>
    ({ id, title, command, args, thenRetry });
  switch (id) {
    case 'setApiKey': return action(COMMANDS.setApiKey, [], true);
    case 'getApiKey': return action(VSCODE_COMMANDS.open, [GATEWAY_KEYS_PAGE]);
    case 'retry':
      if (!target.retry) throw new Error('Retry needs the surface\'s retry command');
      return action(target.retry.command, target.retry.args ?? []);
    case 'switchModel':
      return target.switchModel
        ? action(target.switchModel.command, target.switchModel.args ?? [])
        : action(COMMANDS.selectModel, [], true);
    case 'lowerEffort': return action(COMMANDS.selectReasoningEffort, [], true);
    case 'openLog': return action(COMMANDS.showLog);
    case 'openBilling': return action(VSCODE_COMMANDS.open, [GATEWAY_BILLING_PAGE]);
    case 'openSettings': return action(VSCODE_COMMANDS.openSettings, [`@ext:${EXTENSION_ID}`]);
    case 'proxySettings': return action(VSCODE_COMMANDS.openSettings, ['http.proxy']);
    case 'certificateSettings': return action(VSCODE_COMMANDS.openSettings, ['http.systemCertificates']);
    case 'checkConnection': return action(COMMANDS.checkConnection, []);
  }
}

// ---------------------------------------------------------------------------
// Wording

export interface ErrorFacts {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly detail?: string;
  readonly model?: string;
  readonly attempts?: number;
  readonly network?: NetworkProblem;
  readonly limit?: RequestLimit;
}

function quoted(serverMessage: string | undefined): string {
  return serverMessage ? `: “${serverMessage}”` : '';
}

function statusPart(status: number | undefined): string {
  return status === undefined ? '' : ` (HTTP ${status})`;
}

/** One or two sentences: what happened (with the server's own words) and what to do. */
export function describeError(facts: ErrorFacts): string {
  if (facts.limit) return describeLimit(facts.limit);
  const said = quoted(facts.serverMessage);
  const st = statusPart(facts.status);
  const model = facts.model ? ` “${facts.model}”` : '';
  switch (facts.kind) {
    case 'auth':
      return `The gateway rejected your API key${st}${said}. Set a new key with “Reasoner: Set API Key”.`;
    case 'no-key':
      return 'No API key is set. Run “Reasoner: Set API Key” and paste your AI/ML API key.';
    case 'credits':
      return `The gateway refused the request for lack of credits${st}${said}. This is not a problem with your key: top up your balance on the AI/ML API billing page.`;
    case 'rate-limit': {
      const tries = facts.attempts && facts.attempts > 1 ? ` after ${facts.attempts} attempts` : '';
      return `The gateway is rate limiting your requests${st}${tries}${said}. Wait a moment and try again, or run fewer requests at once.`;
    }
    case 'bad-request':
      return `The gateway refused the request${st}${said}.${model ? ` Check that the model${model} accepts it, or switch model.` : ''}`;
    case 'not-found':
      return `The gateway answered “not found”${st}${said}. Check reasoner.baseUrl and the model id${model}.`;
    case 'server': {
      const tries = facts.attempts && facts.attempts > 1 ? ` (tried ${facts.attempts} times)` : '';
      return `The gateway or the upstream model failed${st}${tries}${said}. Try again in a moment.`;
    }
    case 'gateway-timeout':
      return `The generation timed out at the gateway${st}${said}. Try again with a lower reasoning effort, a shorter input or a faster model.`;
    case 'timeout':
      return `No data from the gateway for too long${facts.detail ? ` (${facts.detail})` : ''}. Try again, lower the reasoning effort, or raise reasoner.requestTimeoutSeconds.`;
    case 'network':
      if (facts.network) return describeNetworkProblem(facts.network, facts.detail);
      return `Could not talk to the gateway${facts.detail ? ` (${facts.detail})` : ''}. Check your connection and reasoner.baseUrl, then try again.`;
    case 'cancelled':
      return 'Cancelled.';
    case 'protocol':
      return `The gateway sent an answer Reasoner could not read${facts.detail ? ` (${facts.detail})` : ''}${said}. See the log for details.`;
    case 'config':
      return facts.serverMessage ?? facts.detail ?? 'Reasoner is not configured correctly. Check the settings.';
  }
}

function describeLimit(limit: RequestLimit): string {
  switch (limit.name) {
    case 'deadline':
      return `Reasoner stopped the request after ${formatDuration(limit.value)}, the longest one request may take; what arrived is kept. If the model needs longer (o3-pro at high effort can), raise reasoner.requestDeadlineMinutes, or lower the reasoning effort.`;
    case 'no-progress':
      return `The gateway sent more than ${formatBytes(limit.value)} without any answer (only keep-alives or empty pieces), so Reasoner stopped reading; what arrived before is kept. Try again; if it happens again, check reasoner.baseUrl and any proxy in between with Check Connection.`;
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function describeNetworkProblem(network: NetworkProblem, detail: string | undefined): string {
  const host = network.host ? ` ${network.host}` : ' the gateway';
  const proxy = network.proxy ? ` ${network.proxy}` : '';
  switch (network.problem) {
    case 'proxy-unreachable':
      return `Could not reach the proxy${proxy}${detail ? ` (${detail})` : ''}. Check http.proxy (or HTTPS_PROXY) and that the proxy is running, then try again.`;
    case 'proxy-auth':
      return `The proxy${proxy} needs credentials, or refused the ones given (HTTP 407). Put them in http.proxy as http://user:password@host:port, or set http.proxyAuthorization.`;
    case 'tunnel-refused': {
      const status = network.proxyStatus !== undefined ? ` (HTTP ${network.proxyStatus})` : '';
      const unreachable = network.proxyStatus === 502 || network.proxyStatus === 504;
      return unreachable
        ? `The proxy${proxy} could not reach${host}${status}. Check reasoner.baseUrl; if the gateway is reachable without the proxy, add it to http.noProxy.`
        : `The proxy${proxy} refused to open a connection to${host}${status}. Ask your network administrators to allow${host}, or add it to http.noProxy if it is reachable directly.`;
    }
    case 'certificate': {
      const issuer = network.issuer ? `, issued by “${network.issuer}”` : '';
      const reason = network.reason ? ` (${network.reason})` : '';
      return `The certificate of${host} is not trusted${reason}${issuer}. If your company inspects TLS, install its CA certificate in the system store with http.systemCertificates on, or point NODE_EXTRA_CA_CERTS at it, and restart VS Code.`;
    }
    case 'dns':
      return `The host name${host} does not resolve${detail ? ` (${detail})` : ''}. Check reasoner.baseUrl, your network or VPN, and whether you need a proxy (http.proxy).`;
  }
}

/** The notification shown when a request was not sent because no key is stored. */
export const NO_KEY_NOTIFICATION = 'Reasoner needs your AI/ML API key before it can ask a model. Set it once; it is kept in VS Code\'s secret storage.';
