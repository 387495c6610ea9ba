// State kept in a directory (out of cluster): files written atomically with mode 0600, since one holds the credential.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeCredential, decodeState, encodeCredential, encodeState } from './codec.js';
import { emptyState } from './types.js';
import type { AgentState, StateStore, StoredCredential } from './types.js';

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

let sequence = 0;

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${++sequence}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, file);
}

export class FileStateStore implements StateStore {
  readonly description: string;
  private readonly credentialFile: string;
  private readonly stateFile: string;
  /** Writes go one at a time, so the file always ends with the last state saved. */
  private writes: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.description = `directory ${dir}`;
    this.credentialFile = path.join(dir, 'credential.json');
    this.stateFile = path.join(dir, 'state.json');
  }

  async loadCredential(): Promise<StoredCredential | undefined> {
    const text = await readIfExists(this.credentialFile);
    return text === undefined ? undefined : decodeCredential(text, this.credentialFile);
  }

  saveCredential(credential: StoredCredential): Promise<void> {
    return this.serialize(() => writeAtomically(this.credentialFile, encodeCredential(credential)));
  }

  private serialize(write: () => Promise<void>): Promise<void> {
    const next = this.writes.then(write, write);
    this.writes = next.catch(() => undefined);
    return next;
  }

  async loadState(): Promise<AgentState> {
    const text = await readIfExists(this.stateFile);
    return text === undefined ? emptyState() : decodeState(text, this.stateFile);
  }

  saveState(state: AgentState): Promise<void> {
    const text = encodeState(state);
    return this.serialize(() => writeAtomically(this.stateFile, text));
  }
}
