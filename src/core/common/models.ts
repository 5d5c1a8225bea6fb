/**
 * The model catalog, as data. Behaviour (endpoint, where instructions go, which token
 * field, images, reasoning summaries, background mode) follows these entries and their
 * capabilities, never the spelling of a model id: new ids arrive through the
 * `reasoner.models` setting, not through code.
 */

/** The gateway API a model is asked through. */
export type ModelApi = 'chat' | 'responses';

export interface ModelCapabilities {
  /** The model takes images in user messages. */
  readonly imageInput: boolean;
  /** The API returns reasoning summaries (responses API: `reasoning.summary`). */
  readonly reasoningSummary: boolean;
  /** The endpoint supports `background: true` + polling (responses API only). */
  readonly background: boolean;
  /** The model's own output limit (reasoning included); requests are clamped to it. */
  readonly maxOutputTokens?: number;
  /** Input and output together, in tokens; {@link DEFAULT_CONTEXT_WINDOW} when not known. */
  readonly contextWindow?: number;
}

export interface ModelInfo {
  /** What settings and pickers use (`reasoner.model`). */
  readonly id: string;
  /** What is sent as `model`. */
  readonly model: string;
  readonly label: string;
  readonly api: ModelApi;
  /** One line for pickers. */
  readonly description: string;
  /** Where instructions go: a `developer` message (chat) or the `instructions` field (responses). */
  readonly instructionsVia: 'developer' | 'instructions';
  /** The field that bounds output (reasoning included). */
  readonly outputTokenField: 'max_completion_tokens' | 'max_output_tokens';
  /** Smallest accepted value for the output token field. */
  readonly minOutputTokens: number;
  readonly capabilities: ModelCapabilities;
  readonly builtIn: boolean;
}

/** The id/label used when nothing (valid) is configured. */
export const DEFAULT_MODEL_ID = 'o3-mini';

/** The context window assumed for a model that does not state one (`reasoner.models`). */
export const DEFAULT_CONTEXT_WINDOW = 128_000;
const MIN_CONTEXT_WINDOW = 1024;
/** The output budget assumed for a model without a limit of its own, when none is set. */
const DEFAULT_OUTPUT_BUDGET = 32_768;

/** Minimum of `max_output_tokens` on the responses API. */
export const RESPONSES_MIN_OUTPUT_TOKENS = 16;

function apiShape(api: ModelApi): Pick<ModelInfo, 'instructionsVia' | 'outputTokenField' | 'minOutputTokens'> {
  return api === 'chat'
    ? { instructionsVia: 'developer', outputTokenField: 'max_completion_tokens', minOutputTokens: 1 }
    : { instructionsVia: 'instructions', outputTokenField: 'max_output_tokens', minOutputTokens: RESPONSES_MIN_OUTPUT_TOKENS };
}

function builtIn(entry: Omit<ModelInfo, 'instructionsVia' | 'outputTokenField' | 'minOutputTokens' | 'builtIn'>): ModelInfo {
  return Object.freeze({ ...entry, ...apiShape(entry.api), capabilities: Object.freeze({ ...entry.capabilities }), builtIn: true });
}

export const BUILT_IN_MODELS: readonly ModelInfo[] = Object.freeze([
  builtIn({
    id: 'o1', model: 'o1', label: 'o1', api: 'chat',
    description: 'Chat completions, takes images. Careful, thorough reasoning.',
    capabilities: { imageInput: true, reasoningSummary: false, background: false, maxOutputTokens: 100_000, contextWindow: 200_000 },
  }),
  builtIn({
    id: 'o3', model: 'openai/o3-2025-04-16', label: 'o3', api: 'chat',
    description: 'Chat completions, takes images. Strong general reasoning.',
    capabilities: { imageInput: true, reasoningSummary: false, background: false, maxOutputTokens: 100_000, contextWindow: 200_000 },
  }),
  builtIn({
    id: 'o3-mini', model: 'o3-mini', label: 'o3-mini', api: 'chat',
    description: 'Chat completions, text only. Fast and inexpensive; the default.',
    capabilities: { imageInput: false, reasoningSummary: false, background: false, maxOutputTokens: 100_000, contextWindow: 200_000 },
  }),
  builtIn({
    id: 'o3-pro', model: 'openai/o3-pro', label: 'o3-pro', api: 'responses',
    description: 'Slowest and deepest: minutes per answer. Responses API, takes images, shows reasoning summaries.',
    capabilities: { imageInput: true, reasoningSummary: true, background: true, maxOutputTokens: 100_000, contextWindow: 200_000 },
  }),
]);

/** The shape of one `reasoner.models` entry as written in settings.json. */
export interface UserModelSetting {
  id: string;
  model?: string;
  label?: string;
  api: ModelApi;
  description?: string;
  capabilities?: {
    imageInput?: boolean;
    reasoningSummary?: boolean;
    background?: boolean;
    maxOutputTokens?: number;
    contextWindow?: number;
  };
}

export interface ParsedUserModels {
  /** The valid entries, normalised (later duplicates of an id are dropped). */
  readonly models: readonly ModelInfo[];
  /** One line per ignored entry or field, for a warning/log. */
  readonly problems: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ENTRY_KEYS = new Set(['id', 'model', 'label', 'api', 'description', 'capabilities']);
const CAPABILITY_KEYS = new Set(['imageInput', 'reasoningSummary', 'background', 'maxOutputTokens', 'contextWindow']);

/**
 * Validate and normalise the raw value of `reasoner.models`. Malformed entries are
 * skipped (each with a problem line); unknown fields are ignored with a problem line;
 * the rest becomes {@link ModelInfo}s. Never throws.
 */
export function parseUserModels(raw: unknown): ParsedUserModels {
  const problems: string[] = [];
  const models: ModelInfo[] = [];
  if (raw === undefined || raw === null) return { models, problems };
  if (!Array.isArray(raw)) {
    return { models, problems: ['reasoner.models must be an array of model entries; ignored.'] };
  }
  const seen = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const where = `reasoner.models[${index}]`;
    if (!isRecord(entry)) {
      problems.push(`${where} is not an object; ignored.`);
      return;
    }
    const id = typeof entry.id === 'string' ? entry.id.trim() : '';
    if (id === '') {
      problems.push(`${where} has no "id"; ignored.`);
      return;
    }
    const label = `${where} ("${id}")`;
    if (entry.api !== 'chat' && entry.api !== 'responses') {
      problems.push(`${label} needs "api": "chat" or "responses"; ignored.`);
      return;
    }
    if (seen.has(id)) {
      problems.push(`${label} repeats an id defined earlier; ignored.`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(key)) problems.push(`${label}: unknown field "${key}" ignored.`);
    }
    const api: ModelApi = entry.api;
    const model = optionalString(entry.model, `${label}.model`, problems) ?? id;
    const name = optionalString(entry.label, `${label}.label`, problems) ?? id;
    const description = optionalString(entry.description, `${label}.description`, problems)
      ?? `Your model (${api === 'chat' ? 'chat completions' : 'responses API'}).`;
    const caps = isRecord(entry.capabilities) ? entry.capabilities : {};
    if (entry.capabilities !== undefined && !isRecord(entry.capabilities)) {
      problems.push(`${label}.capabilities is not an object; defaults used.`);
    }
    for (const key of Object.keys(caps)) {
      if (!CAPABILITY_KEYS.has(key)) problems.push(`${label}.capabilities: unknown field "${key}" ignored.`);
    }
    const flag = (key: string, fallback: boolean): boolean => {
      const value = caps[key];
      if (value === undefined) return fallback;
      if (typeof value === 'boolean') return value;
      problems.push(`${label}.capabilities.${key} must be true or false; ${String(fallback)} used.`);
      return fallback;
    };
    const shape = apiShape(api);
    let maxOutputTokens: number | undefined;
    if (caps.maxOutputTokens !== undefined) {
      const value = caps.maxOutputTokens;
      if (typeof value === 'number' && Number.isInteger(value) && value >= RESPONSES_MIN_OUTPUT_TOKENS) maxOutputTokens = value;
      else problems.push(`${label}.capabilities.maxOutputTokens must be an integer >= ${RESPONSES_MIN_OUTPUT_TOKENS}; ignored.`);
    }
    let contextWindow: number | undefined;
    if (caps.contextWindow !== undefined) {
      const value = caps.contextWindow;
      if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_CONTEXT_WINDOW) contextWindow = value;
      else problems.push(`${label}.capabilities.contextWindow must be an integer >= ${MIN_CONTEXT_WINDOW}; ignored.`);
    }
    let reasoningSummary = flag('reasoningSummary', false);
    let background = flag('background', false);
    if (api === 'chat' && reasoningSummary) {
      problems.push(`${label}: reasoning summaries exist only on the responses API; turned off.`);
      reasoningSummary = false;
    }
    if (api === 'chat' && background) {
      problems.push(`${label}: background mode exists only on the responses API; turned off.`);
      background = false;
    }
    seen.add(id);
    models.push(Object.freeze({
      id, model, label: name, api, description, ...shape,
      capabilities: Object.freeze({ imageInput: flag('imageInput', false), reasoningSummary, background, maxOutputTokens, ...(contextWindow ? { contextWindow } : {}) }),
      builtIn: false,
    }));
  });
  return { models, problems };
}

function optionalString(value: unknown, where: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  problems.push(`${where} must be a non-empty string; ignored.`);
  return undefined;
}

/**
 * Every model a picker offers: the built-ins, each replaced by a user entry with the same id
 * (so a user can point "o3" at a new snapshot), then the user's other models.
 */
export function listModels(userModels: readonly ModelInfo[] = []): ModelInfo[] {
  const builtInIds = new Set(BUILT_IN_MODELS.map((m) => m.id));
  return [
    ...BUILT_IN_MODELS.map((m) => resolveModel(m.id, userModels) ?? m),
    ...userModels.filter((m) => !builtInIds.has(m.id)),
  ];
}

/** The model for a settings id; user entries win over built-ins with the same id. Undefined if unknown. */
export function resolveModel(id: string, userModels: readonly ModelInfo[] = []): ModelInfo | undefined {
  const wanted = id.trim();
  return userModels.find((m) => m.id === wanted) ?? BUILT_IN_MODELS.find((m) => m.id === wanted);
}

/** Like {@link resolveModel} but falls back to the default model; `unknown` says the id was not found. */
export function resolveModelOrDefault(id: string | undefined, userModels: readonly ModelInfo[] = []): { model: ModelInfo; unknown: boolean } {
  const found = id ? resolveModel(id, userModels) : undefined;
  if (found) return { model: found, unknown: false };
  return { model: resolveModel(DEFAULT_MODEL_ID, userModels) ?? BUILT_IN_MODELS[2], unknown: id !== undefined && id !== '' };
}

/**
 * The output token value to send, or undefined to leave the model's own limit:
 * clamped to the API minimum and the model's maximum.
 */
export function effectiveMaxOutputTokens(model: ModelInfo, requested: number | null | undefined): number | undefined {
  if (requested === undefined || requested === null || !Number.isFinite(requested)) return undefined;
  let value = Math.max(model.minOutputTokens, Math.floor(requested));
  if (model.capabilities.maxOutputTokens !== undefined) value = Math.min(value, model.capabilities.maxOutputTokens);
  return value;
}

/**
 * What a caller may send and get back, in tokens: the output budget (the
 * user's limit, else the model's) and the rest of the context window for input.
 */
export function tokenLimits(model: ModelInfo, requestedMaxOutput: number | null | undefined): { maxInputTokens: number; maxOutputTokens: number } {
  const window = model.capabilities.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  const output = Math.min(effectiveMaxOutputTokens(model, requestedMaxOutput) ?? model.capabilities.maxOutputTokens ?? DEFAULT_OUTPUT_BUDGET, window - MIN_CONTEXT_WINDOW);
  return { maxInputTokens: window - output, maxOutputTokens: output };
}
