import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalModule } from '../context';
import { querySocrata, type Row, SoqlError } from './socrata';

/** services/<name>/local/stand-ins.json: the outside APIs a service calls, answered locally. */
interface StandInConfig {
  [origin: string]: { kind: 'socrata'; datasets: Record<string, string> };
}

interface StandIn {
  origin: string;
  prefix: string;
  files: Record<string, string>;
  datasets: Map<string, Row[]>;
  faults: Array<{ status?: number; delayMs?: number; body?: string; count: number }>;
}

/**
 * Local stand-ins for outside HTTP APIs, so the local cloud works offline. A function's environment
 * keeps the real URL (what deploys); the local cloud rewrites values that start with a stand-in's
 * origin to the stand-in. Tests steer a stand-in through /__stand-in/<host>/...: PUT a dataset's rows,
 * POST a fault (status, delayMs, body, count), DELETE to reset.
 */
export function standInsModule(): LocalModule {
  const standIns = new Map<string, StandIn>();
  let server: Server | undefined;
  return {
    name: 'stand-ins',
    coverage: {
      service: 'Outside HTTP APIs',
      by: 'the local cloud (stand-ins)',
      eventSources: ["services/<name>/local/stand-ins.json: a Socrata stand-in serves data.ny.gov's datasets; tests steer it (rows, faults, delays)"],
    },
    async start(context) {
      for (const template of context.templates) {
        const file = join(template.dir, 'local', 'stand-ins.json');
        if (!existsSync(file)) continue;
        const config = JSON.parse(readFileSync(file, 'utf8')) as StandInConfig;
        for (const [origin, standIn] of Object.entries(config)) {
          const host = new URL(origin).host;
          const files = Object.fromEntries(Object.entries(standIn.datasets).map(([id, path]) => [id, join(dirname(file), path)]));
          const local = { origin, prefix: `/${host}`, files, datasets: new Map<string, Row[]>(), faults: [] };
          reset(local);
          standIns.set(host, local);
          context.urlRewrites.push([origin, `http://127.0.0.1:${context.ports.standIns}/${host}`]);
        }
      }
      if (!standIns.size) return;
      server = createServer((req, res) => {
        handle(req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost'), req)
          // A malformed admin request (JSON that does not parse) is the caller's mistake, not the local cloud's end.
          .catch((error: Error) => ({ status: 400, body: JSON.stringify({ message: `bad stand-in request: ${error.message}` }) }))
          .then(({ status, body }) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(body);
          });
      });
      const handle = async (method: string, url: URL, req: NodeJS.ReadableStream): Promise<{ status: number; body: string }> => {
        const admin = /^\/__stand-in\/([^/]+)(?:\/(datasets|faults)(?:\/([^/]+))?)?$/.exec(url.pathname);
        if (admin) {
          const standIn = standIns.get(admin[1] ?? '');
          if (!standIn) return { status: 404, body: JSON.stringify({ message: `no stand-in for ${admin[1]}` }) };
          let text = '';
          for await (const chunk of req) text += chunk.toString();
          if (method === 'DELETE') reset(standIn);
          else if (admin[2] === 'datasets' && method === 'PUT') standIn.datasets.set(admin[3] ?? '', JSON.parse(text) as Row[]);
          else if (admin[2] === 'faults' && method === 'POST') standIn.faults.push({ count: 1, ...(JSON.parse(text) as object) });
          else return { status: 400, body: JSON.stringify({ message: `unknown stand-in action ${method} ${url.pathname}` }) };
          return { status: 200, body: '{}' };
        }
        const [, host = '', ...rest] = url.pathname.split('/');
        const standIn = standIns.get(host);
        const dataset = /^resource\/([\w-]+)\.json$/.exec(rest.join('/'))?.[1];
        if (!standIn || !dataset || !standIn.datasets.has(dataset)) return { status: 404, body: JSON.stringify({ message: `no dataset at ${url.pathname}` }) };
        const fault = standIn.faults[0];
        if (fault) {
          fault.count -= 1;
          if (fault.count <= 0) standIn.faults.shift();
          if (fault.delayMs) await sleep(fault.delayMs);
          if (fault.status || fault.body !== undefined)
            return { status: fault.status ?? 200, body: fault.body ?? JSON.stringify({ message: 'fault injected by the stand-in' }) };
        }
        try {
          return { status: 200, body: JSON.stringify(querySocrata(standIn.datasets.get(dataset) ?? [], url.searchParams)) };
        } catch (error) {
          if (error instanceof SoqlError) return { status: 400, body: JSON.stringify({ code: 'query.compiler.malformed', message: error.message }) };
          throw error;
        }
      };
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(context.ports.standIns, '127.0.0.1', resolve);
      });
      for (const standIn of standIns.values()) {
        context.urls[`stand-in ${standIn.origin}`] = `http://127.0.0.1:${context.ports.standIns}${standIn.prefix}`;
        context.log(`stand-in ${standIn.origin} -> http://127.0.0.1:${context.ports.standIns}${standIn.prefix} (${[...standIn.datasets.keys()].join(', ')})`);
      }
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

function reset(standIn: StandIn): void {
  standIn.faults = [];
  for (const [id, file] of Object.entries(standIn.files)) standIn.datasets.set(id, JSON.parse(readFileSync(file, 'utf8')) as Row[]);
}
