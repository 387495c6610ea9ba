// State kept in a directory (out of cluster): files written atomically with mode 0600, since one holds the credential.
// Each application's inventory has its own file under inventories/; a file is rewritten only when its content changed.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeCredential, decodeInventory, decodeState, encodeCredential, encodeInventory, encodeState } from './codec.js';
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
  private readonly inventoryDir: string;
  /** Writes go one at a time, so the file always ends with the last state saved. */
  private writes: Promise<void> = Promise.resolve();
  /** What each file holds, as this store last read or wrote it. */
  private readonly written = new Map<string, string>();

  constructor(dir: string) {
    this.description = `directory ${dir}`;
    this.credentialFile = path.join(dir, 'credential.json');
    this.stateFile = path.join(dir, 'state.json');
    this.inventoryDir = path.join(dir, 'inventories');
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

  private inventoryFile(app: string): string {
    return path.join(this.inventoryDir, `${encodeURIComponent(app)}.json`);
  }

  async loadState(): Promise<AgentState> {
    const text = await readIfExists(this.stateFile);
    const state = text === undefined ? emptyState() : decodeState(text, this.stateFile);
    if (text !== undefined) this.written.set(this.stateFile, text);
    let names: string[] = [];
    try {
      names = (await readdir(this.inventoryDir)).filter((n) => n.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const name of names) {
      const file = path.join(this.inventoryDir, name);
      const inventoryText = await readFile(file, 'utf8');
      const { app, refs } = decodeInventory(inventoryText, file);
      state.inventories[app] = refs;
      this.written.set(file, inventoryText);
    }
    return state;
  }

  saveState(state: AgentState): Promise<void> {
    const files = new Map<string, string>([[this.stateFile, encodeState(state)]]);
    for (const [app, refs] of Object.entries(state.inventories)) files.set(this.inventoryFile(app), encodeInventory(app, refs));
    return this.serialize(async () => {
      for (const [file, text] of files) {
        if (this.written.get(file) === text) continue;
        await writeAtomically(file, text);
        this.written.set(file, text);
      }
      for (const file of [...this.written.keys()]) {
        if (file.startsWith(this.inventoryDir + path.sep) && !files.has(file)) {
          await rm(file, { force: true });
          this.written.delete(file);
        }
      }
    });
  }
}
