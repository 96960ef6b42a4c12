// Each shell's own quoting: descriptions hold quotes, brackets and colons.

/** A POSIX shell word (bash and zsh): single quotes, an embedded quote closed and reopened. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** fish: inside single quotes only \ and ' are special. */
export function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** zsh _arguments reads `[` and `]` in an option's description as syntax unless escaped. */
export function zshOptionDescription(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** zsh _describe splits `name:description` at the first unescaped colon. */
export function zshCommandDescription(text: string): string {
  return text.replace(/[\\:]/g, (c) => `\\${c}`);
}
