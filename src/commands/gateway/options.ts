// On its own so the subcommand files import it without importing index.ts, which loads them.

export interface GatewayOptions {
  /** Positional: setup, status or remove. */
  args?: string[];
  image?: string;
  port?: number;
  networkMode?: string;
}
