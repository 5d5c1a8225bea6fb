/**
 * Messages from VS Code's language-model API (another extension, or VS Code's
 * Chat view) as a Reasoner request: instructions and turns. The vscode layer
 * reads the parts; what they mean for a request is decided here.
 */
import { roughTokens } from './spend';
import type { ImageInput, ToolCall, ToolResult, Turn } from './types';

export type LmRole = 'user' | 'assistant' | 'system';

export type LmPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'image'; readonly mimeType: string; readonly base64: string }
  | { readonly kind: 'toolCall'; readonly call: ToolCall }
  | { readonly kind: 'toolResult'; readonly result: ToolResult };

export interface LmMessage {
  readonly role: LmRole;
  readonly parts: readonly LmPart[];
}

export interface LmRequest {
  /** System messages, joined: sent as the request's instructions. */
  readonly instructions?: string;
  readonly turns: readonly Turn[];
}

/**
 * Turns in order, consecutive messages of one role merged (the APIs expect
 * user and assistant to alternate); system messages become instructions.
 */
export function requestFromLmMessages(messages: readonly LmMessage[]): LmRequest {
  const instructions: string[] = [];
  interface Gathered { role: 'user' | 'assistant'; texts: string[]; images: ImageInput[]; toolCalls: ToolCall[]; toolResults: ToolResult[] }
  const turns: Gathered[] = [];
  for (const message of messages) {
    const texts = message.parts.flatMap((part) => part.kind === 'text' && part.text !== '' ? [part.text] : []);
    if (message.role === 'system') {
      instructions.push(...texts);
      continue;
    }
    const user = message.role === 'user';
    const images = user ? message.parts.flatMap((part) => part.kind === 'image' ? [{ url: `data:${part.mimeType};base64,${part.base64}` }] : []) : [];
    const toolCalls = user ? [] : message.parts.flatMap((part) => part.kind === 'toolCall' ? [part.call] : []);
    const toolResults = user ? message.parts.flatMap((part) => part.kind === 'toolResult' ? [part.result] : []) : [];
    if (texts.length === 0 && images.length === 0 && toolCalls.length === 0 && toolResults.length === 0) continue;
    const last = turns.at(-1);
    if (last && last.role === message.role) {
      last.texts.push(...texts);
      last.images.push(...images);
      last.toolCalls.push(...toolCalls);
      last.toolResults.push(...toolResults);
    } else {
      turns.push({ role: message.role, texts, images, toolCalls, toolResults });
    }
  }
  return {
    ...(instructions.length > 0 ? { instructions: instructions.join('\n\n') } : {}),
    turns: turns.map(({ role, texts, images, toolCalls, toolResults }) => ({
      role, text: texts.join('\n\n'),
      ...(images.length > 0 ? { images } : {}),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      ...(toolResults.length > 0 ? { toolResults } : {}),
    })),
  };
}

/** Roughly what an image costs in input tokens (a low-detail tile). */
const IMAGE_TOKENS = 85;
/** Each message's framing (role, separators) in the chat format. */
const MESSAGE_TOKENS = 3;

/**
 * An estimate of input tokens, for VS Code's budgeting before a request is
 * sent: the gateway counts exactly only once it answers.
 */
export function estimateLmTokens(input: string | LmMessage): number {
  if (typeof input === 'string') return roughTokens(input.length);
  return input.parts.reduce((sum, part) => sum + partTokens(part), MESSAGE_TOKENS);
}

function partTokens(part: LmPart): number {
  switch (part.kind) {
    case 'text': return roughTokens(part.text.length);
    case 'image': return IMAGE_TOKENS;
    case 'toolCall': return roughTokens(part.call.name.length + part.call.arguments.length);
    case 'toolResult': return roughTokens(part.result.text.length);
  }
}
