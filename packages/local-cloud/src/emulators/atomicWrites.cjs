// Preloaded into cognito-local (node --require): its data store (stormdb) rewrites a pool's whole
// JSON file with fs.writeFile on every change, so two changes at once interleave and a kill mid-write
// leaves half a file. Here each JSON write under the process's directory goes to a temporary file that
// is renamed over the old one (a rename is atomic), one write at a time per file, in the order asked.
const fs = require('node:fs');
const path = require('node:path');

const root = process.cwd();
const original = fs.writeFile;
const queues = new Map();
let next = 0;

fs.writeFile = function writeFile(...args) {
  const [file, data, options, callback] = args;
  const done = typeof options === 'function' ? options : callback;
  const target = typeof file === 'string' ? path.resolve(file) : '';
  if (!target.startsWith(root + path.sep) || !target.endsWith('.json') || typeof done !== 'function') return original.apply(fs, args);
  next += 1;
  const temporary = `${target}.${process.pid}.${next}.tmp`;
  const write = () =>
    new Promise((resolve) => {
      original.call(fs, temporary, data, typeof options === 'function' ? undefined : options, (error) => {
        if (error) return resolve(error);
        fs.rename(temporary, target, (renameError) => resolve(renameError ?? null));
      });
    });
  const queued = (queues.get(target) ?? Promise.resolve()).then(write);
  queues.set(target, queued);
  queued.then((error) => done(error));
};
