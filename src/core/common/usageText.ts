/**
 * Tokens and money as Reasoner writes them: the same on every surface (the chat, Compare Models,
 * inline threads, @reasoner, exported chats, the spend summary and budget messages) and one way
 * in the log.
 */
import type { Usage } from './types';

/** Dollars: `$0` for nothing, two significant digits below a cent (a real cost never reads as $0.00), else cents. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toFixed(2)}`;
}

/** A token count with its thousands grouped: `12,345`. */
export function formatTokens(count: number): string {
  return count.toLocaleString('en-US');
}

/** Tokens in, out and reasoning (when there were any), and the gateway's cost when it sent one: `1,200 in · 300 out · 256 reasoning · $0.0021`. */
export function usageLine(usage: Usage): string {
  const parts = [`${formatTokens(usage.inputTokens)} in`, `${formatTokens(usage.outputTokens)} out`];
  if (usage.reasoningTokens > 0) parts.push(`${formatTokens(usage.reasoningTokens)} reasoning`);
  if (usage.costUsd !== undefined) parts.push(formatUsd(usage.costUsd));
  return parts.join(' · ');
}

/** The same facts for the log, as fields with the cost exactly as the gateway sent it: `in=1200 out=300 reasoning=256 cost=$0.0021`. */
export function usageLogFields(usage: Usage): string {
  const cost = usage.costUsd !== undefined ? ` cost=$${usage.costUsd}` : '';
  return `in=${usage.inputTokens} out=${usage.outputTokens} reasoning=${usage.reasoningTokens}${cost}`;
}
