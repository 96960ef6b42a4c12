import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';

// Placeholder until the command lands.
export async function run(_ctx: Context, _opts: Record<string, unknown>): Promise<number> {
  throw new UsageError('migrate ramp is not implemented yet');
}
