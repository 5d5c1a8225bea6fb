/**
 * The model's tool calls, read within limits: only calls to tools the request offered are
 * handed on, one answer brings at most {@link MAX_TOOL_CALLS} of them, and the characters of
 * names and arguments read so far are counted ({@link ToolCallTally.heldChars}) so that the
 * answer cap covers them while they are still arriving.
 */

import { ApiError } from '../common/errors';
import type { StreamEvent, ToolCall } from '../common/types';

/**
 * OpenAI takes at most 128 tools in one request, and a model calls a handful at once; 128 is
 * more than any real answer needs and keeps a hostile stream from handing VS Code thousands.
 */
export const MAX_TOOL_CALLS = 128;

/** What the translators need to know about the request and the call. */
export interface ToolCallContext {
  readonly requestId?: string;
  readonly model?: string;
  /** Names of the tools the request offered; a call to any other tool is dropped. None offered: every call is dropped. */
  readonly tools?: ReadonlySet<string>;
  /** Told about each dropped call (for the log). */
  readonly onDroppedCall?: (name: string) => void;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function tooManyToolCalls(ctx: ToolCallContext): ApiError {
  return new ApiError({
    kind: 'protocol', requestId: ctx.requestId, model: ctx.model,
    detail: `the answer asked for more than ${MAX_TOOL_CALLS} tool calls, the most Reasoner takes from one answer; the part received is kept`,
  });
}

/** The call as an event when its tool was offered; otherwise nothing. */
export function offeredCallEvent(call: ToolCall, ctx: ToolCallContext): StreamEvent[] {
  if (!ctx.tools?.has(call.name)) {
    ctx.onDroppedCall?.(call.name);
    return [];
  }
  return [{ type: 'toolCall', call }];
}

/** A chat tool call as a complete call; one without a name is no call. */
export function chatCall(call: { id: string; name: string; arguments: string }, index: number): ToolCall | undefined {
  if (call.name === '') return undefined;
  return { id: call.id || `call_${index}`, name: call.name, arguments: call.arguments || '{}' };
}

/** A responses `function_call` output item as a call. */
export function functionCall(item: unknown): ToolCall | undefined {
  if (!isRecord(item) || item.type !== 'function_call') return undefined;
  const name = str(item.name);
  if (!name) return undefined;
  return { id: str(item.call_id) ?? str(item.id) ?? name, name, arguments: str(item.arguments) || '{}' };
}

/** The `function_call` items of a responses output list. */
export function functionCallItems(output: unknown): unknown[] {
  return Array.isArray(output) ? output.filter((item) => isRecord(item) && item.type === 'function_call') : [];
}

/**
 * Calls counted while they arrive: each call by its key (a chat index, a responses item id),
 * and the characters of the calls not yet handed on.
 */
export class ToolCallTally {
  private readonly held = new Map<string, number>();
  private readonly seen = new Set<string>();
  private heldTotal = 0;

  /** Characters of names and arguments read and not yet handed on or dropped. */
  get heldChars(): number {
    return this.heldTotal;
  }

  /** Counts a call (once per key) and holds `chars` more of it; false once there are too many calls. */
  hold(key: string, chars: number): boolean {
    this.seen.add(key);
    if (chars > 0) {
      this.held.set(key, (this.held.get(key) ?? 0) + chars);
      this.heldTotal += chars;
    }
    return this.seen.size <= MAX_TOOL_CALLS;
  }

  /** The call was handed on or dropped: its characters are no longer held. */
  release(key: string): void {
    this.heldTotal -= this.held.get(key) ?? 0;
    this.held.delete(key);
  }
}

/** Chat streams a call in pieces keyed by its index: the id and name first, then the arguments' text. */
export class ChatCallPieces {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();
  private readonly tally = new ToolCallTally();

  get heldChars(): number {
    return this.tally.heldChars;
  }

  /** Adds the pieces of one chunk; false once they make too many calls. */
  add(pieces: readonly unknown[]): boolean {
    for (const piece of pieces) {
      if (!isRecord(piece)) continue;
      const index = typeof piece.index === 'number' && Number.isFinite(piece.index) ? piece.index : 0;
      const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      const fn = isRecord(piece.function) ? piece.function : {};
      const name = str(fn.name) ?? '';
      const args = str(fn.arguments) ?? '';
      call.id ||= str(piece.id) ?? '';
      call.name += name;
      call.arguments += args;
      this.calls.set(index, call);
      if (!this.tally.hold(String(index), name.length + args.length)) return false;
    }
    return true;
  }

  /** The offered calls, in index order, as events; nothing is held afterwards. */
  take(ctx: ToolCallContext): StreamEvent[] {
    const events = [...this.calls.entries()].sort(([a], [b]) => a - b).flatMap(([index, pieces]) => {
      this.tally.release(String(index));
      const call = chatCall(pieces, index);
      return call ? offeredCallEvent(call, ctx) : [];
    });
    this.calls.clear();
    return events;
  }
}
