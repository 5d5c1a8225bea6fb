/**
 * What the user should know about an answer that finished without an error: it stopped at
 * the output token limit, empty (the budget went to hidden reasoning) or cut off.
 */

import type { FinishReason, ReasoningEffort } from './types';

/** Finish reasons that mean "the token budget ran out". */
export function isTokenLimitFinish(reason: FinishReason | undefined): boolean {
  return reason === 'length' || reason === 'incomplete:max_output_tokens';
}

/**
 * When an answer stopped at the token limit with no visible text, the budget went to
 * hidden reasoning: a message saying so and how to fix it. Undefined otherwise.
 */
export function emptyAnswerMessage(
  finish: FinishReason | undefined,
  text: string,
  opts: { maxOutputTokens?: number | null; effort?: ReasoningEffort; reasoningTokens?: number } = {},
): string | undefined {
  if (!isTokenLimitFinish(finish) || text.trim() !== '') return undefined;
  const budget = opts.maxOutputTokens ? ` of ${opts.maxOutputTokens}` : '';
  const spent = opts.reasoningTokens ? ` (${opts.reasoningTokens} reasoning tokens)` : '';
  const effortHint = opts.effort && opts.effort !== 'low' ? ` or lower the reasoning effort (now “${opts.effort}”)` : ' or lower the reasoning effort';
  return `The model used its whole output budget${budget} on reasoning${spent} and wrote no answer. Raise reasoner.maxOutputTokens${effortHint}, then ask again.`;
}

/** A short note for answers cut off at the limit that do have text. */
export function truncatedAnswerMessage(finish: FinishReason | undefined, text: string): string | undefined {
  if (!isTokenLimitFinish(finish) || text.trim() === '') return undefined;
  return 'The answer was cut off at the output token limit. Raise reasoner.maxOutputTokens to get the rest.';
}
