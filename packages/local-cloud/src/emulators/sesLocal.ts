import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { appendLine, jsonLine, readLines, writeFileAtomic } from '../persistence';

export interface SesLocal {
  /** Where SES API calls go, and the local inbox viewer. */
  url: string;
  stop(): Promise<void>;
}

const ORIGINAL = Symbol('aws-ses-v2-local store functions');

type StartSes = (config: { host: string; port: number }) => Promise<Server>;

/** aws-ses-v2-local's store module (internal: pinned to one version in package.json). */
interface SesStore {
  saveEmail(email: unknown): void;
  setTemplate(key: string, value: unknown): void;
  deleteTemplate(key: string): boolean;
  clearStore(): void;
  getStoreReadonly(): { emails: unknown[]; templates: Map<string, unknown> };
}

/** One change to the inbox, as appended to its file under --persist. */
type InboxChange = { email: unknown } | { template: string; value?: unknown } | { cleared: true };

/**
 * aws-ses-v2-local, in process: it accepts SES v1 and v2 sends and shows them at its URL. Its store is
 * one per process, so a start empties it; under --persist (inboxFile) every sent email, template and
 * "clear" is appended to a file as it happens and read back at the next start.
 */
export async function startSesLocal(options: { port: number; inboxFile?: string; log: (line: string) => void }): Promise<SesLocal> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('aws-ses-v2-local');
  const module = require(main) as { default: StartSes | { default: StartSes } };
  const store = require(join(dirname(main), 'store.js')) as SesStore & { [ORIGINAL]?: SesStore };
  // Its own functions, as a start in this process before may have wrapped them for its own file.
  store[ORIGINAL] ??= { ...store };
  const original = store[ORIGINAL];
  Object.assign(store, original);
  store.clearStore();
  if (options.inboxFile) keepInbox(store, original, options.inboxFile, options.log);
  // A CommonJS module: its default export arrives one level deeper depending on the loader.
  const start = typeof module.default === 'function' ? module.default : module.default.default;
  const server = await start({ host: '127.0.0.1', port: options.port });
  return {
    url: `http://127.0.0.1:${options.port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Reads the inbox back, then appends each change to it (its handlers call the store's exports, so wrapping them catches every one). */
function keepInbox(store: SesStore, original: SesStore, file: string, log: (line: string) => void): void {
  const { saveEmail, setTemplate, deleteTemplate, clearStore } = original;
  const changes = readLines<InboxChange>(file, log);
  const kept = store.getStoreReadonly();
  for (const change of changes) {
    if ('email' in change) kept.emails.push(change.email);
    else if ('template' in change) change.value === undefined ? kept.templates.delete(change.template) : kept.templates.set(change.template, change.value);
    else clearStore();
  }
  // Written again whole, so a line a kill cut short is gone before anything is appended after it.
  writeFileAtomic(file, changes.map(jsonLine).join(''));
  store.saveEmail = (email) => {
    appendLine(file, { email });
    saveEmail(email);
  };
  store.setTemplate = (template, value) => {
    appendLine(file, { template, value });
    setTemplate(template, value);
  };
  store.deleteTemplate = (template) => {
    appendLine(file, { template });
    return deleteTemplate(template);
  };
  store.clearStore = () => {
    writeFileAtomic(file, '');
    clearStore();
  };
}
