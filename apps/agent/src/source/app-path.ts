// An application's path inside its repository, checked before anything is fetched or read: relative, no `..`, no
// absolute or Windows forms; symlinks along it are resolved against the commit's tree and must stay inside it.
import { AgentError } from '../errors.js';

/** `./apps/web/` -> `apps/web`; "" is the repository root. Throws AgentError PermissionDenied naming the path. */
export function normalizeAppPath(appPath: string): string {
  const refuse = (why: string) => new AgentError('PermissionDenied', `app path "${appPath}" ${why}: only paths inside the repository are allowed`);
  if (appPath.includes('\0')) throw refuse('contains a NUL byte');
  if (appPath.startsWith('/') || appPath.includes('\\') || /^[A-Za-z]:/.test(appPath)) throw refuse('is absolute or uses backslashes');
  const parts = appPath.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) throw refuse('climbs with ".."');
  return parts.join('/');
}

/**
 * Joins a symlink's target onto the directory holding the link; undefined when the result would leave the root
 * (an absolute target, or more `..` than there are directories above it).
 */
export function resolveLinkTarget(linkPath: string, target: string): string | undefined {
  if (target.startsWith('/') || target.includes('\\') || target.includes('\0') || /^[A-Za-z]:/.test(target)) return undefined;
  const parts = linkPath.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}
