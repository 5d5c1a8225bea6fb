/**
 * The @reasoner participant's slash commands: each reuses an inline feature's
 * instructions and question, and suggests what to ask next.
 */
import { DEFAULT_REFACTOR_REQUEST, TASK_QUESTIONS, type TaskKind } from './prompts';

export const PARTICIPANT_ID = 'reasoner.participant';

export type ParticipantCommand = 'explain' | 'bugs' | 'tests' | 'refactor';
export const PARTICIPANT_COMMANDS: readonly ParticipantCommand[] = ['explain', 'bugs', 'tests', 'refactor'];

export function isParticipantCommand(value: unknown): value is ParticipantCommand {
  return typeof value === 'string' && (PARTICIPANT_COMMANDS as readonly string[]).includes(value);
}

export interface ParticipantTask {
  readonly task: TaskKind;
  /** What the user turn says, from what was typed after the command. */
  readonly text: string;
  /** The answer is a test file without fences: shown as one code block. */
  readonly codeOnly: boolean;
}

/** The task for a command (none: a question about the code, or an explanation when nothing was typed). */
export function participantTask(command: ParticipantCommand | undefined, prompt: string): ParticipantTask {
  const typed = prompt.trim();
  const withNote = (question: string) => typed ? `${question}\n\n${typed}` : question;
  switch (command) {
    case 'explain': return { task: 'explain', text: withNote(TASK_QUESTIONS.explain), codeOnly: false };
    case 'bugs': return { task: 'findBugs', text: withNote(TASK_QUESTIONS.findBugs), codeOnly: false };
    case 'tests': return { task: 'writeTests', text: withNote(TASK_QUESTIONS.writeTests), codeOnly: true };
    case 'refactor': return { task: 'refactor', text: `Refactor this code: ${typed || DEFAULT_REFACTOR_REQUEST}`, codeOnly: false };
    case undefined: return typed ? { task: 'ask', text: typed, codeOnly: false } : { task: 'explain', text: TASK_QUESTIONS.explain, codeOnly: false };
  }
}

export interface ParticipantFollowup {
  readonly command: ParticipantCommand;
  readonly prompt: string;
  readonly label: string;
}

/** What to ask next after each kind of answer. */
export function participantFollowups(command: ParticipantCommand | undefined): ParticipantFollowup[] {
  const bugs = { command: 'bugs', prompt: '', label: 'Find bugs in this code' } as const;
  const tests = { command: 'tests', prompt: '', label: 'Write tests for it' } as const;
  const explain = { command: 'explain', prompt: '', label: 'Explain this code' } as const;
  switch (command) {
    case 'bugs': return [{ command: 'refactor', prompt: 'Fix the bugs found above', label: 'Fix the bugs found' }, tests];
    case 'tests': return [bugs, explain];
    case 'refactor': return [tests, bugs];
    case 'explain':
    case undefined: return [bugs, tests];
  }
}
