/**
 * What the user should know about an answer that finished without an error, and what it offers:
 * stopped, cut off at the output token limit, empty (the budget went to hidden reasoning), filtered.
 * Every surface (the chat, Compare Models, inline threads) shows these words and actions.
 */

import type { AssistantTurn, TurnStatus } from './conversation';
import { actionIdsFor, type ErrorActionId, type PresentableError } from './errorPresenter';
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

/** Said under the text of an answer that ended before it was complete. */
export const PARTIAL_ANSWER_NOTE = 'The answer above is partial.';

/**
 * The sentence under an answer that ended early without an error (stopped, or incomplete and why);
 * undefined for any other. The surface puts its own word for the state before it.
 */
export function endedEarlyNote(turn: Pick<AssistantTurn, 'status' | 'finish' | 'text' | 'notice'>): string | undefined {
  if (turn.status === 'stopped') return turn.text ? PARTIAL_ANSWER_NOTE : 'No text had arrived.';
  if (turn.status !== 'incomplete') return undefined;
  // The client's notice (the budget went to reasoning, cut at the limit) or the copy's says it best.
  if (turn.notice) return turn.notice;
  if (isTokenLimitFinish(turn.finish)) return emptyAnswerMessage(turn.finish, turn.text) ?? truncatedAnswerMessage(turn.finish, turn.text);
  if (turn.finish === 'content_filter') return 'The answer was cut by the content filter.';
  if (turn.finish) return `The model ended early (${turn.finish}).`;
  return 'This answer is incomplete: it was copied here before it finished.';
}

/**
 * What a finished answer offers on a surface that can run it again: its error's
 * actions, Retry alone when it ended early without an error (cut off, filtered
 * or stopped), nothing when it is complete.
 */
export function answerActionIds(status: TurnStatus, error: PresentableError | undefined): ErrorActionId[] {
  if (status === 'error') return error ? actionIdsFor(error, true) : [];
  return status === 'stopped' || status === 'incomplete' ? ['retry'] : [];
}
