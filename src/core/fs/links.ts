import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/**
 * A symlinked file (`.env -> ../shared/.env`, common in release-directory deploys) is written
 * where the link points; renaming over the link itself would silently detach it. The link must
 * be one this user may trust (see assertLinksTrusted).
 */
export async function throughLinks(file: string): Promise<string> {
  const real = await fs.realpath(file).catch(() => undefined);
  if (real === undefined) return file;
  if (real !== path.resolve(file)) await assertLinksTrusted(file, real);
  return real;
}

/**
 * A user who may write the project directory could plant `.env.prod -> /etc/shadow`; root
 * running a ramp or rollback would then write keys into it (the same trust rule as the kernel's
 * protected_symlinks and ssh's StrictModes). So every link on the path must be owned by root, by
 * this user, or by the owner of the file it leads to (who could write that file anyway).
 */
export async function assertLinksTrusted(file: string, real?: string): Promise<void> {
  const me = process.getuid?.();
  if (me === undefined) return;
  const target = real ?? (await fs.realpath(file).catch(() => undefined));
  if (target === undefined) return;
  const owner = (await fs.stat(target)).uid;
  for (const link of await linksOnPath(path.resolve(file))) {
    if (link.uid === 0 || link.uid === me || link.uid === owner) continue;
    throw new UsageError(`${file}: the symlink ${link.path} is owned by uid ${link.uid} but leads to ${target}, owned by uid ${owner}: refused`, {
      hint: `replace the link with the file it points to, or, if you trust it, give the link to the file's owner: chown -h ${owner} ${link.path}`,
    });
  }
}

async function linksOnPath(file: string): Promise<Array<{ path: string; uid: number }>> {
  const links: Array<{ path: string; uid: number }> = [];
  const parts = file.split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const at = path.sep + parts.slice(0, i).join(path.sep);
    const st = await fs.lstat(at).catch(() => undefined);
    if (st?.isSymbolicLink()) links.push({ path: at, uid: st.uid });
  }
  return links;
}
