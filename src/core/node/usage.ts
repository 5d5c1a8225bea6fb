/** Token usage and cost as the two APIs report them -> {@link Usage}. */

import type { Usage } from '../common/types';
import { isRecord, num } from './translator';

function costFields(meta: unknown): { costUsd?: number; credits?: number } {
  const usage = isRecord(meta) && isRecord(meta.usage) ? meta.usage : undefined;
  if (!usage) return {};
  const out: { costUsd?: number; credits?: number } = {};
  const usd = num(usage.usd_spent);
  const credits = num(usage.credits_used);
  if (usd !== undefined) out.costUsd = usd;
  if (credits !== undefined) out.credits = credits;
  return out;
}

/**
 * Usage from one API's field names; the output count already includes the reasoning tokens
 * (they are not added twice).
 */
function usageFrom(usage: unknown, meta: unknown, names: { input: string; output: string; inputDetails: string; outputDetails: string }): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const outputDetails = isRecord(usage[names.outputDetails]) ? usage[names.outputDetails] as Record<string, unknown> : {};
  const inputDetails = isRecord(usage[names.inputDetails]) ? usage[names.inputDetails] as Record<string, unknown> : {};
  const cached = num(inputDetails.cached_tokens);
  return {
    inputTokens: num(usage[names.input]) ?? 0,
    outputTokens: num(usage[names.output]) ?? 0,
    reasoningTokens: num(outputDetails.reasoning_tokens) ?? 0,
    ...(cached !== undefined ? { cachedInputTokens: cached } : {}),
    ...costFields(meta),
  };
}

/** Chat usage: `completion_tokens` already includes `reasoning_tokens`. */
export function chatUsage(usage: unknown, meta?: unknown): Usage | undefined {
  return usageFrom(usage, meta, { input: 'prompt_tokens', output: 'completion_tokens', inputDetails: 'prompt_tokens_details', outputDetails: 'completion_tokens_details' });
}

/** Responses usage: `output_tokens` already includes `reasoning_tokens`. */
export function responsesUsage(usage: unknown, meta?: unknown): Usage | undefined {
  return usageFrom(usage, meta, { input: 'input_tokens', output: 'output_tokens', inputDetails: 'input_tokens_details', outputDetails: 'output_tokens_details' });
}
