/**
 * The messages between the Usage page and the extension host. The page only draws
 * the report it is sent; what it sends back is a request to export, checked here.
 *
 * Imported by src/webview too: no Node, no vscode.
 */
import type { UsageReport } from './usageReport';

export type UsageHostMessage = { readonly type: 'report'; readonly report: UsageReport };

export type UsagePageMessage =
  | { readonly type: 'ready' }
  /** Export CSV…: every ledger entry, to a file the person picks. */
  | { readonly type: 'exportCsv' }
  /** The budget's setting, to set or change it. */
  | { readonly type: 'openBudgetSetting' };

const PAGE_TYPES: ReadonlySet<string> = new Set<UsagePageMessage['type']>(['ready', 'exportCsv', 'openBudgetSetting']);

export function parseUsagePageMessage(value: unknown): { readonly ok: true; readonly message: UsagePageMessage } | { readonly ok: false; readonly error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'message is not an object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !PAGE_TYPES.has(type)) return { ok: false, error: `unknown message type ${JSON.stringify(type)?.slice(0, 60) ?? String(type)}` };
  return { ok: true, message: { type } as UsagePageMessage };
}

const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTotal = (v: unknown): boolean => isRecord(v) && typeof v.name === 'string' && isNumber(v.costUsd) && isNumber(v.answers);

/** Host messages come from our own host; the page still checks their shape so that a stale page fails loudly. */
export function isUsageHostMessage(value: unknown): value is UsageHostMessage {
  if (!isRecord(value) || value.type !== 'report' || !isRecord(value.report)) return false;
  const report = value.report;
  return Array.isArray(report.days) && report.days.every((d: unknown) => isRecord(d) && typeof d.date === 'string' && isNumber(d.costUsd) && isNumber(d.answers))
    && isNumber(report.monthUsd) && Array.isArray(report.byModel) && report.byModel.every(isTotal)
    && Array.isArray(report.bySource) && report.bySource.every(isTotal);
}
