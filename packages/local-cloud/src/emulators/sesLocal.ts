import type { Server } from 'node:http';
import * as sesLocal from 'aws-ses-v2-local';

export interface SesLocal {
  /** Where SES API calls go, and the local inbox viewer. */
  url: string;
  stop(): Promise<void>;
}

type StartSes = (config: { host: string; port: number }) => Promise<Server>;

/** aws-ses-v2-local, in process: it accepts SES v1 and v2 sends and shows them at its URL. */
export async function startSesLocal(options: { port: number }): Promise<SesLocal> {
  // A CommonJS module: its default export arrives one level deeper depending on the loader.
  const module = sesLocal as unknown as { default: StartSes | { default: StartSes } };
  const start = typeof module.default === 'function' ? module.default : module.default.default;
  const server = await start({ host: '127.0.0.1', port: options.port });
  return {
    url: `http://127.0.0.1:${options.port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
