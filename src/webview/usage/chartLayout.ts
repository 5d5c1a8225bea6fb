/**
 * Where the daily chart's marks go, in the SVG's own units: one bar per day, a y scale
 * with round ticks that holds the tallest day and the budget line, and labels every week.
 * Pure, so it is tested without a page.
 */
import type { UsageDay } from '../../core/common/usageReport';

export const CHART = { width: 640, height: 220, left: 52, right: 12, top: 14, bottom: 28 } as const;

export interface BarMark { readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly day: UsageDay }
export interface TickMark { readonly y: number; readonly valueUsd: number }
export interface DayLabel { readonly x: number; readonly date: string }

export interface DailyChartLayout {
  readonly bars: readonly BarMark[];
  readonly ticks: readonly TickMark[];
  readonly labels: readonly DayLabel[];
  /** The budget per day, when there is a budget. */
  readonly budgetY?: number;
  readonly baselineY: number;
}

/** A round step (1, 2 or 5 times a power of ten) giving about four ticks up to `max`. */
export function niceStep(max: number): number {
  if (!(max > 0)) return 0.01;
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  return step;
}

export function dailyChartLayout(days: readonly UsageDay[], dailyBudgetUsd?: number): DailyChartLayout {
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const baselineY = CHART.top + plotHeight;
  const highest = Math.max(0, ...days.map((day) => day.costUsd), dailyBudgetUsd ?? 0);
  const step = niceStep(highest);
  const top = Math.max(step, Math.ceil(highest / step) * step);
  const y = (usd: number) => baselineY - (usd / top) * plotHeight;
  const slot = days.length ? plotWidth / days.length : plotWidth;
  const bars = days.map((day, index) => {
    const barTop = y(day.costUsd);
    return { x: CHART.left + index * slot + slot * 0.15, y: barTop, width: slot * 0.7, height: baselineY - barTop, day };
  });
  const ticks: TickMark[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push({ y: y(value), valueUsd: value });
  // The newest day is always labelled; then every seventh day back from it.
  const labels = days.flatMap((day, index) => ((days.length - 1 - index) % 7 === 0 ? [{ x: CHART.left + index * slot + slot / 2, date: day.date }] : []));
  return { bars, ticks, labels, baselineY, ...(dailyBudgetUsd !== undefined ? { budgetY: y(dailyBudgetUsd) } : {}) };
}

/** `2026-11-24` as `Nov 24`. */
export function shortDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, day ?? 1).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}
