/** A chat response stream for tests: records what the participant gave it. */
import * as vscode from 'vscode';

/** What a chat response stream was given, in order. */
export class RecordingStream {
  readonly markdown: string[] = [];
  readonly progress: string[] = [];
  readonly references: vscode.Location[] = [];
  readonly buttons: vscode.Command[] = [];
  readonly stream = {
    markdown: (value: string | vscode.MarkdownString) => { this.markdown.push(typeof value === 'string' ? value : value.value); },
    progress: (value: string) => { this.progress.push(value); },
    reference: (value: vscode.Uri | vscode.Location) => { if (value instanceof vscode.Location) this.references.push(value); },
    button: (command: vscode.Command) => { this.buttons.push(command); },
    anchor: () => undefined,
    filetree: () => undefined,
    push: () => undefined,
  } as unknown as vscode.ChatResponseStream;

  get text(): string {
    return this.markdown.join('');
  }
}
