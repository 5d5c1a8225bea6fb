/**
 * What answers cost: ledger entries (no prompt text, ever), the month's spend
 * against a budget, summaries by day, model and entry point, CSV, and a cost
 * estimate learned from the user's own recent answers of a model.
 */

import { formatTokens, formatUsd } from './usageText';

export interface SpendEntry {
  /** When the answer ended (ms since the epoch). */
  readonly at: number;
  readonly modelId: string;
  /** The entry point: inline, chat, palette:writeTests, … */
  readonly source: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  /** The gateway's cost; absent when it reported none (then only tokens count). */
  readonly costUsd?: number;
}

export function isSpendEntry(value: unknown): value is SpendEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  return count(entry.at) && typeof entry.modelId === 'string' && entry.modelId.length <= 200
    && typeof entry.source === 'string' && entry.source.length <= 100
    && count(entry.inputTokens) && count(entry.outputTokens) && count(entry.reasoningTokens)
    && (entry.costUsd === undefined || count(entry.costUsd));
}

/** The calendar month (local time) that `now` falls in. */
export function monthStart(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), 1).getTime();
}

export function monthSpendUsd(entries: readonly SpendEntry[], now: Date): number {
  const start = monthStart(now);
  return entries.reduce((sum, entry) => (entry.at >= start ? sum + (entry.costUsd ?? 0) : sum), 0);
}

export interface Totals { answers: number; costUsd: number; tokens: number; unpriced: number }

/** Counts one answer into its key's totals. */
export function addToTotals(map: Map<string, Totals>, key: string, entry: SpendEntry): void {
  const totals = map.get(key) ?? { answers: 0, costUsd: 0, tokens: 0, unpriced: 0 };
  totals.answers++;
  totals.tokens += entry.inputTokens + entry.outputTokens;
  if (entry.costUsd === undefined) totals.unpriced++;
  else totals.costUsd += entry.costUsd;
  map.set(key, totals);
}

/** `YYYY-MM-DD` in local time. */
export function localDay(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function table(title: string, map: Map<string, Totals>): string[] {
  const rows = [...map.entries()];
  const width = Math.max(title.length, ...rows.map(([key]) => key.length));
  const lines = [`${title.padEnd(width)}  ${'cost'.padStart(10)}  ${'answers'.padStart(7)}  ${'tokens'.padStart(10)}`];
  for (const [key, totals] of rows) {
    const unpriced = totals.unpriced ? `  (${totals.unpriced} without a reported cost)` : '';
    lines.push(`${key.padEnd(width)}  ${formatUsd(totals.costUsd).padStart(10)}  ${String(totals.answers).padStart(7)}  ${formatTokens(totals.tokens).padStart(10)}${unpriced}`);
  }
  return lines;
}

export interface SummaryOptions {
  readonly now: Date;
  readonly budgetUsd?: number;
  /** Days of history by day; default 31. */
  readonly days?: number;
}

/** A plain-text report: this month against the budget, then by day, by model and by entry point. */
export function summarizeSpend(entries: readonly SpendEntry[], options: SummaryOptions): string {
  const since = options.now.getTime() - (options.days ?? 31) * 86_400_000;
  const recent = entries.filter((entry) => entry.at >= since);
  const byDay = new Map<string, Totals>();
  const byModel = new Map<string, Totals>();
  const bySource = new Map<string, Totals>();
  for (const entry of [...recent].sort((a, b) => b.at - a.at)) {
    addToTotals(byDay, localDay(entry.at), entry);
    addToTotals(byModel, entry.modelId, entry);
    addToTotals(bySource, entry.source, entry);
  }
  const spent = monthSpendUsd(entries, options.now);
  const budget = options.budgetUsd;
  const lines = ['Reasoner usage', ''];
  lines.push(budget ? `This month: ${formatUsd(spent)} of your ${formatUsd(budget)} budget (${Math.round((spent / budget) * 100)}%)` : `This month: ${formatUsd(spent)} (no monthly budget set: reasoner.monthlyBudgetUsd)`);
  lines.push(`Last ${options.days ?? 31} days: ${recent.length} answers`, '');
  if (recent.length === 0) {
    lines.push('No answers recorded yet.');
    return lines.join('\n');
  }
  lines.push(...table('Day', byDay), '', ...table('Model', byModel), '', ...table('Entry point', bySource));
  lines.push('', 'Costs are the gateway\'s own figures; answers without one count tokens only.');
  return lines.join('\n');
}

/**
 * A text cell. One that starts as a formula would (`=`, `+`, `-`, `@`, tab, CR) is
 * prefixed with `'` so spreadsheets show it as text, as OWASP advises against CSV
 * injection; model ids and prompt names are settings a workspace can hold.
 */
function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return text !== value || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function spendCsv(entries: readonly SpendEntry[]): string {
  const header = 'time,model,entry_point,input_tokens,output_tokens,reasoning_tokens,cost_usd';
  const rows = entries.map((entry) => [
    new Date(entry.at).toISOString(), csvField(entry.modelId), csvField(entry.source),
    entry.inputTokens, entry.outputTokens, entry.reasoningTokens, entry.costUsd ?? '',
  ].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}

export interface CostEstimate {
  readonly lowUsd: number;
  readonly highUsd: number;
  readonly samples: number;
}

/**
 * A range for a request of about `inputTokens`, from the cost per input token of this
 * user's recent answers of the model (their own prompts, efforts and answer lengths).
 * Undefined until there is data.
 */
export function estimateCost(entries: readonly SpendEntry[], modelId: string, inputTokens: number, recent = 10): CostEstimate | undefined {
  const rates = entries
    .filter((entry) => entry.modelId === modelId && entry.costUsd !== undefined && entry.inputTokens > 0)
    .slice(-recent)
    .map((entry) => (entry.costUsd ?? 0) / entry.inputTokens);
  if (rates.length === 0) return undefined;
  const tokens = Math.max(1, inputTokens);
  return { lowUsd: Math.min(...rates) * tokens, highUsd: Math.max(...rates) * tokens, samples: rates.length };
}

export function describeEstimate(modelLabel: string, estimate: CostEstimate | undefined): string {
  if (!estimate) return `${modelLabel} cost estimate: no data yet (it is learned from your own ${modelLabel} answers)`;
  const range = formatUsd(estimate.lowUsd) === formatUsd(estimate.highUsd)
    ? `about ${formatUsd(estimate.lowUsd)}` : `${formatUsd(estimate.lowUsd)}–${formatUsd(estimate.highUsd)}`;
  return `${modelLabel} cost estimate: ${range} (from your last ${estimate.samples} ${modelLabel} answer${estimate.samples === 1 ? '' : 's'})`;
}

/** Input tokens of a prompt, roughly (four characters a token), before the gateway counts them. */
export function roughTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
