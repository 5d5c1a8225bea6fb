/**
 * Every codicon the pages draw. The build ships a font and stylesheet cut down to exactly
 * these (the full codicon font is 126 KB for ~600 icons), so an icon name outside this list
 * is a type error rather than an empty square.
 */
export const ICON_NAMES = [
  'account', 'add', 'check', 'chevron-down', 'close', 'comment', 'comment-discussion', 'copy',
  'credit-card', 'dashboard', 'debug-stop', 'edit', 'error', 'export', 'file-code', 'file-media',
  'git-compare', 'globe', 'history', 'info', 'insert', 'key', 'link-external', 'loading', 'new-file',
  'output', 'pulse', 'references', 'refresh', 'selection', 'send', 'settings-gear', 'shield', 'sparkle', 'trash',
  'warning', 'zap',
] as const;

export type IconName = (typeof ICON_NAMES)[number];
