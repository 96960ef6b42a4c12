import * as z from '../zod.js';

/** Which provider an env file sends traffic to, judged from its base-URL keys. */
export const pointsAtValues = ['legacy', 'target', 'unknown'] as const;
export type PointsAt = (typeof pointsAtValues)[number];

export const backupFileSchema = z.object({
  /** As written in the config (usually relative to the config file). */
  path: z.string(),
  /** Where the file was when the backup was taken: where rollback restores it. */
  absolute: z.string(),
  /** The copy's name inside the backup directory. */
  stored: z.string().check(z.regex(/^[^/\\]+$/)),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  /**
   * The original file's permission bits, octal (`0600`). Rollback applies them only when it
   * re-creates a deleted file; an existing file keeps its current mode, so a mode tightened
   * since the backup is never loosened.
   */
  mode: z.string().check(z.regex(/^0[0-7]{3,4}$/)),
  size: z.number().check(z.int(), z.nonnegative()),
  pointsAt: z.enum(pointsAtValues),
});

export const manifestSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  environment: z.string(),
  created: z.string(),
  user: z.string(),
  host: z.string(),
  message: z.optional(z.string()),
  toolVersion: z.string(),
  files: z.array(backupFileSchema).check(z.minLength(1)),
});

export type BackupFile = z.output<typeof backupFileSchema>;
export type BackupManifest = z.output<typeof manifestSchema>;

export const MANIFEST_NAME = 'manifest.json';

export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/** The permission bits to re-create a deleted file with. */
export function fileMode(file: BackupFile): number {
  return parseInt(file.mode, 8);
}
