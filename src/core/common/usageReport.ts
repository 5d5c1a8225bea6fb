/**
 * The usage page's data: spend by day for the last 31 days (every day present, oldest
 * first), the month against the budget, and totals by model and by entry point. Shaped
 * here, in core, so the page only draws; the page gets it by message, as data, never HTML.
 *
 * Imported by src/webview too: no Node, no vscode.
 */
import { addToTotals, localDay, monthSpendUsd, type SpendEntry, type Totals } from './spend';

export interface UsageDay {
  /** `YYYY-MM-DD`, local time. */
  readonly date: string;
  readonly costUsd: number;
  readonly answers: number;
}

export interface UsageTotal {
  /** A model id or an entry point (`inline:explain`, `chat`): text from settings, shown as text. */
  readonly name: string;
  readonly costUsd: number;
  readonly answers: number;
  readonly tokens: number;
  /** Answers the gateway reported no cost for. */
  readonly unpriced: number;
}

export interface UsageReport {
  readonly days: readonly UsageDay[];
  /** This calendar month so far. */
  readonly monthUsd: number;
  readonly budgetUsd?: number;
  /** The budget spread over the days of this month: the line the daily bars are read against. */
  readonly dailyBudgetUsd?: number;
  readonly byModel: readonly UsageTotal[];
  readonly bySource: readonly UsageTotal[];
  readonly answers: number;
}

export const USAGE_DAYS = 31;

function daysInMonth(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate();
}

function totals(entries: readonly SpendEntry[], key: (entry: SpendEntry) => string): UsageTotal[] {
  const map = new Map<string, Totals>();
  for (const entry of entries) addToTotals(map, key(entry), entry);
  return [...map.entries()]
    .map(([name, total]) => ({ name, ...total }))
    .sort((a, b) => b.costUsd - a.costUsd || b.answers - a.answers || a.name.localeCompare(b.name));
}

/** The last `USAGE_DAYS` calendar days up to `now` (local time), and what was spent in them. */
export function usageReport(entries: readonly SpendEntry[], options: { readonly now: Date; readonly budgetUsd?: number }): UsageReport {
  const { now, budgetUsd } = options;
  const first = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (USAGE_DAYS - 1)).getTime();
  const recent = entries.filter((entry) => entry.at >= first && entry.at <= now.getTime() + 86_400_000);
  const byDay = new Map<string, { costUsd: number; answers: number }>();
  for (let i = 0; i < USAGE_DAYS; i++) {
    byDay.set(localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - (USAGE_DAYS - 1) + i).getTime()), { costUsd: 0, answers: 0 });
  }
  for (const entry of recent) {
    const day = byDay.get(localDay(entry.at));
    if (!day) continue;
    day.answers++;
    day.costUsd += entry.costUsd ?? 0;
  }
  return {
    days: [...byDay.entries()].map(([date, day]) => ({ date, ...day })),
    monthUsd: monthSpendUsd(entries, now),
    ...(budgetUsd !== undefined ? { budgetUsd, dailyBudgetUsd: budgetUsd / daysInMonth(now) } : {}),
    byModel: totals(recent, (entry) => entry.modelId),
    bySource: totals(recent, (entry) => entry.source),
    answers: recent.length,
  };
}
