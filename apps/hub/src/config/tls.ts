// Chooses the hub's transport security: given cert/key, a self-signed CA kept in the data directory, or plaintext.
import path from 'node:path';
import { createSelfSigned, loadOrCreateSelfSigned, serverNames } from './self-signed.js';
import type { TlsMaterial } from './self-signed.js';

export type TlsSetting = { cert: string; key: string; ca?: string } | 'self-signed' | false;

/** The material to serve, or undefined for plaintext. `dataDir` undefined means in memory (nothing written). */
export async function resolveTls(
  setting: TlsSetting | undefined,
  dataDir: string | undefined,
  extraNames: string[],
  now: Date,
): Promise<TlsMaterial | undefined> {
  if (!setting) return undefined;
  if (setting !== 'self-signed') return setting;
  const names = serverNames(extraNames);
  if (dataDir === undefined) {
    const { cert, key, ca } = await createSelfSigned(names, now);
    return { cert, key, ca };
  }
  return loadOrCreateSelfSigned(path.join(dataDir, 'tls'), names, now);
}
