/** What @reasoner's Review as Diff button carries: the code it answered about and the replacement proposed. */
export interface ProposalArgument {
  readonly uri: string;
  /** Start line, start character, end line, end character. */
  readonly range: readonly [number, number, number, number];
  readonly original: string;
  readonly proposed: string;
  readonly request: string;
}

export function isProposalArgument(value: unknown): value is ProposalArgument {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.uri === 'string' && typeof v.original === 'string' && typeof v.proposed === 'string' && typeof v.request === 'string'
    && Array.isArray(v.range) && v.range.length === 4 && v.range.every((n) => Number.isInteger(n) && (n as number) >= 0);
}
