// Resolving a branch or tag to a commit id, as `git ls-remote` does: the hub reads the repository's ref advertisement
// over smart HTTP (no clone, no credentials: the hub never holds any; private repositories need a commit id).
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { FlotillaError } from '../errors/index.js';

const COMMIT = /^[0-9a-f]{40}$/;
const REF = /^[A-Za-z0-9._/-]{1,255}$/;

/** A commit id as given, or the commit `ref` (branch, tag, or full refs/... name) points to in `repoUrl`. */
export async function resolveRef(repoUrl: string, ref: string, timeoutMs = 15_000): Promise<string> {
  const wanted = ref.trim();
  if (COMMIT.test(wanted.toLowerCase())) return wanted.toLowerCase();
  if (!REF.test(wanted) || wanted.includes('..')) throw new FlotillaError('InvalidArgument', `ref: "${ref}" is neither a 40-hex commit id nor a branch or tag name`, { field: 'ref' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FlotillaError('Unavailable', `ref: ${repoUrl} did not answer within ${timeoutMs / 1000}s`, { field: 'ref' })), timeoutMs);
  });
  try {
    const refs = await Promise.race([git.listServerRefs({ http, url: repoUrl, peelTags: true }), timeout]);
    const candidates = wanted.startsWith('refs/') ? [wanted] : [`refs/heads/${wanted}`, `refs/tags/${wanted}`];
    for (const name of candidates) {
      const found = refs.find((r) => r.ref === name);
      if (found) return (found.peeled ?? found.oid).toLowerCase();
    }
    throw new FlotillaError('NotFound', `ref: ${repoUrl} has no branch or tag "${wanted}"`, { field: 'ref' });
  } catch (err) {
    if (err instanceof FlotillaError) throw err;
    throw new FlotillaError('FailedPrecondition', `ref: cannot read the refs of ${repoUrl} (${(err as Error).message}); promote a 40-hex commit id instead`, { field: 'ref' });
  } finally {
    clearTimeout(timer);
  }
}
