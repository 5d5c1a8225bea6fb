/**
 * The Usage page: this month against the budget, spend by day for 31 days as bars
 * read against the budget line, and what each model and entry point cost. Everything
 * is drawn from the report the host sends, with DOM calls and `textContent` only:
 * model ids and entry points come from settings and are never parsed as markup.
 */
import { formatUsd } from '../../core/common/usageText';
import { isUsageHostMessage, type UsagePageMessage } from '../../core/common/usageProtocol';
import type { UsageReport, UsageTotal } from '../../core/common/usageReport';
import { CHART, dailyChartLayout, shortDate } from './chartLayout';

const SVG = 'http://www.w3.org/2000/svg';

interface UsageApi { postMessage(message: UsagePageMessage): void }
declare function acquireVsCodeApi(): UsageApi;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag: string, attributes: Record<string, string | number> = {}, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function answersText(count: number): string {
  return `${count} answer${count === 1 ? '' : 's'}`;
}

function monthLine(report: UsageReport): string {
  if (report.budgetUsd === undefined) return `This month: ${formatUsd(report.monthUsd)}. No monthly budget is set.`;
  return `This month: ${formatUsd(report.monthUsd)} of your ${formatUsd(report.budgetUsd)} budget (${Math.round((report.monthUsd / report.budgetUsd) * 100)}%)`;
}

function dailyChart(report: UsageReport): SVGElement {
  const layout = dailyChartLayout(report.days, report.dailyBudgetUsd);
  const total = report.days.reduce((sum, day) => sum + day.costUsd, 0);
  const chart = svg('svg', {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`, class: 'daily-chart', role: 'img', 'data-role': 'daily-chart',
    'aria-label': `Spend by day over the last ${report.days.length} days: ${formatUsd(total)} in all${report.dailyBudgetUsd !== undefined ? `, against a budget of ${formatUsd(report.dailyBudgetUsd)} a day` : ''}.`,
  });
  for (const tick of layout.ticks) {
    chart.append(svg('line', { x1: CHART.left, x2: CHART.width - CHART.right, y1: tick.y, y2: tick.y, class: 'grid' }));
    chart.append(svg('text', { x: CHART.left - 6, y: tick.y + 4, class: 'axis-label', 'text-anchor': 'end' }, formatUsd(tick.valueUsd)));
  }
  for (const bar of layout.bars) {
    const rect = svg('rect', { x: bar.x, y: bar.y, width: bar.width, height: Math.max(bar.height, bar.day.answers ? 1 : 0), class: 'bar', 'data-date': bar.day.date, 'data-cost': bar.day.costUsd });
    rect.append(svg('title', {}, `${shortDate(bar.day.date)}: ${formatUsd(bar.day.costUsd)}, ${answersText(bar.day.answers)}`));
    chart.append(rect);
  }
  for (const label of layout.labels) {
    chart.append(svg('text', { x: label.x, y: CHART.height - 8, class: 'axis-label', 'text-anchor': 'middle' }, shortDate(label.date)));
  }
  if (layout.budgetY !== undefined && report.dailyBudgetUsd !== undefined) {
    chart.append(svg('line', { x1: CHART.left, x2: CHART.width - CHART.right, y1: layout.budgetY, y2: layout.budgetY, class: 'budget-line', 'data-role': 'budget-line' }));
    chart.append(svg('text', { x: CHART.width - CHART.right, y: layout.budgetY - 4, class: 'budget-label', 'text-anchor': 'end' }, `budget ${formatUsd(report.dailyBudgetUsd)}/day`));
  }
  return chart;
}

/** One row a model or an entry point: its name (as text), a bar scaled to the largest, its cost and answers. */
function totalsTable(role: string, heading: string, totals: readonly UsageTotal[]): HTMLElement {
  const section = element('section', { 'data-role': role });
  section.append(element('h2', {}, heading));
  const table = element('table', { class: 'totals' });
  const highest = Math.max(0, ...totals.map((total) => total.costUsd));
  for (const total of totals) {
    const row = element('tr');
    row.append(element('th', { scope: 'row', class: 'name', title: total.name }, total.name));
    const meterCell = element('td', { class: 'meter' });
    const meter = svg('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
    meter.append(svg('rect', { x: 0, y: 0, height: 10, width: highest > 0 ? (total.costUsd / highest) * 100 : 0, class: 'bar' }));
    meterCell.append(meter);
    const unpriced = total.unpriced ? ` (${total.unpriced} without a reported cost)` : '';
    row.append(meterCell, element('td', { class: 'cost' }, formatUsd(total.costUsd)), element('td', { class: 'answers' }, `${answersText(total.answers)}${unpriced}`));
    table.append(row);
  }
  section.append(table);
  return section;
}

function render(root: HTMLElement, report: UsageReport, post: (message: UsagePageMessage) => void): void {
  const header = element('header');
  header.append(element('h1', {}, 'Reasoner usage'));
  const month = element('p', { class: 'month', 'data-role': 'month' }, monthLine(report));
  const budget = element('button', { type: 'button', class: 'link', 'data-role': 'budget' }, report.budgetUsd === undefined ? 'Set a budget…' : 'Change the budget…');
  budget.addEventListener('click', () => post({ type: 'openBudgetSetting' }));
  month.append(' ', budget);
  header.append(month);
  const daily = element('section', { 'data-role': 'daily' });
  daily.append(element('h2', {}, `Spend by day, last ${report.days.length} days`), dailyChart(report));
  const exportButton = element('button', { type: 'button', 'data-role': 'export' }, 'Export CSV…');
  exportButton.addEventListener('click', () => post({ type: 'exportCsv' }));
  const footer = element('footer');
  footer.append(exportButton, element('p', { class: 'note' }, 'Costs are the gateway\'s own figures; answers without one count tokens only.'));
  const parts: HTMLElement[] = [header, daily];
  if (report.answers === 0) parts.push(element('p', { 'data-role': 'empty' }, 'No answers recorded in the last 31 days.'));
  else parts.push(totalsTable('by-model', 'By model', report.byModel), totalsTable('by-source', 'By entry point', report.bySource));
  parts.push(footer);
  root.replaceChildren(...parts);
}

function start(): void {
  const api = acquireVsCodeApi();
  const root = document.getElementById('app');
  if (!root) return;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isUsageHostMessage(event.data)) render(root, event.data.report, (message) => api.postMessage(message));
  });
  api.postMessage({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
