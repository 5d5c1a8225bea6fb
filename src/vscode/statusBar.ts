import * as vscode from 'vscode';
import { findModel, onDidChangeSettings, readSettings } from './config';

/** `o3-mini · medium` in the status bar; a click opens the model picker. */
export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('reasoner.model', vscode.StatusBarAlignment.Right, 100);
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.item.name = 'Reasoner Model';
    this.item.command = 'reasoner.selectModel';
    this.subscription = onDidChangeSettings(() => this.update());
    this.update();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  update(): void {
    const settings = readSettings();
    const model = findModel(settings, settings.modelId);
    this.item.text = `$(sparkle) ${model?.label ?? settings.modelId} · ${settings.effort}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Reasoner**: ${model?.label ?? settings.modelId}, ${settings.effort} reasoning effort\n\n`);
    tooltip.appendMarkdown(model ? `${model.description}\n\n` : `$(warning) "${settings.modelId}" is not a known model.\n\n`);
    tooltip.appendMarkdown('Click to change the model and effort.');
    this.item.tooltip = tooltip;
    this.item.backgroundColor = model ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
