import * as assert from 'node:assert/strict';
import type { SpendEntry } from '../../src/core/common/spend';
import { isUsageHostMessage, parseUsagePageMessage } from '../../src/core/common/usageProtocol';
import { USAGE_DAYS, usageReport } from '../../src/core/common/usageReport';
import { CHART, dailyChartLayout, niceStep } from '../../src/webview/usage/chartLayout';

const NOW = new Date(2026, 10, 24, 12, 0, 0);
const at = (daysAgo: number, hour = 9) => new Date(2026, 10, 24 - daysAgo, hour).getTime();
const entry = (daysAgo: number, modelId: string, source: string, costUsd?: number): SpendEntry => ({
  at: at(daysAgo), modelId, source, inputTokens: 100, outputTokens: 50, reasoningTokens: 10, ...(costUsd !== undefined ? { costUsd } : {}),
});
const ENTRIES: SpendEntry[] = [
  entry(45, 'o3', 'chat', 9),
  entry(30, 'o3', 'chat', 0.25),
  entry(23, 'o3-pro', 'inline:explain', 2),
  entry(2, 'o3-pro', 'inline:explain', 0.5),
  entry(1, 'o3-pro', 'chat', 1.5),
  entry(1, 'o3-mini', 'palette:writeTests'),
  entry(0, 'o3-mini', 'chat', 0.01),
];

describe('usage page: the report it draws', () => {
  it('has every one of the last 31 days, oldest first, ending today, with the days without answers at zero', () => {
    const report = usageReport(ENTRIES, { now: NOW });
    assert.equal(report.days.length, USAGE_DAYS);
    assert.equal(report.days[0]?.date, '2026-10-25');
    assert.equal(report.days.at(-1)?.date, '2026-11-24');
    const byDate = new Map(report.days.map((day) => [day.date, day]));
    assert.deepEqual(byDate.get('2026-11-23'), { date: '2026-11-23', costUsd: 1.5, answers: 2 });
    assert.deepEqual(byDate.get('2026-10-25'), { date: '2026-10-25', costUsd: 0.25, answers: 1 });
    assert.deepEqual(byDate.get('2026-11-10'), { date: '2026-11-10', costUsd: 0, answers: 0 });
    assert.equal(report.answers, 6, 'the answer 45 days ago is not in the 31 days');
  });

  it('counts this calendar month against the budget, spread over the month\'s days for the daily line', () => {
    const report = usageReport(ENTRIES, { now: NOW, budgetUsd: 30 });
    assert.equal(report.monthUsd, 4.01);
    assert.equal(report.budgetUsd, 30);
    assert.equal(report.dailyBudgetUsd, 1, 'November has 30 days');
    assert.equal(usageReport(ENTRIES, { now: NOW }).dailyBudgetUsd, undefined);
  });

  it('totals by model and by entry point, most expensive first, naming answers without a cost', () => {
    const report = usageReport(ENTRIES, { now: NOW });
    assert.deepEqual(report.byModel.map((t) => [t.name, t.costUsd, t.answers, t.unpriced]), [
      ['o3-pro', 4, 3, 0], ['o3', 0.25, 1, 0], ['o3-mini', 0.01, 2, 1],
    ]);
    assert.deepEqual(report.bySource.map((t) => t.name), ['inline:explain', 'chat', 'palette:writeTests']);
  });

  it('lays the chart out so that bars are read against the budget line: a day at the budget reaches it', () => {
    const report = usageReport(ENTRIES, { now: NOW, budgetUsd: 30 });
    const layout = dailyChartLayout(report.days, report.dailyBudgetUsd);
    assert.equal(layout.bars.length, USAGE_DAYS);
    const highest = layout.bars.find((bar) => bar.day.costUsd === 2)!;
    const atBudget = layout.bars.find((bar) => bar.day.costUsd === 1.5)!;
    assert.ok(highest.height > atBudget.height && atBudget.height > 0);
    assert.ok(Math.abs(highest.height / atBudget.height - 2 / 1.5) < 1e-9, 'heights in proportion to cost');
    const plotHeight = CHART.height - CHART.top - CHART.bottom;
    assert.ok(layout.budgetY !== undefined && Math.abs((layout.baselineY - layout.budgetY) - plotHeight * (1 / layout.ticks.at(-1)!.valueUsd)) < 1e-9);
    assert.ok(layout.ticks.at(-1)!.valueUsd >= 2, 'the scale holds the tallest day');
    assert.equal(layout.labels.at(-1)?.date, '2026-11-24', 'today is labelled');
    assert.equal(layout.labels.length, 5);
    // A budget above every day still shows: the scale grows to hold it.
    const high = dailyChartLayout(report.days, 10);
    assert.ok(high.budgetY !== undefined && high.budgetY >= CHART.top);
    assert.deepEqual([niceStep(2), niceStep(0.37), niceStep(0)], [0.5, 0.1, 0.01]);
  });

  it('the page may ask only to be drawn, to export or to open the budget setting; a stale report shape is refused', () => {
    assert.deepEqual(parseUsagePageMessage({ type: 'exportCsv', path: '/etc/passwd' }), { ok: true, message: { type: 'exportCsv' } });
    assert.equal(parseUsagePageMessage({ type: 'runCommand' }).ok, false);
    assert.equal(parseUsagePageMessage('ready').ok, false);
    assert.ok(isUsageHostMessage({ type: 'report', report: usageReport(ENTRIES, { now: NOW }) }));
    assert.ok(!isUsageHostMessage({ type: 'report', report: { days: [{ date: 1 }] } }));
  });
});
