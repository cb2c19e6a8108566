// fauxqs keeps its state in node:sqlite, which Node 22 flags as experimental on every start. That
// warning says nothing to a user of the local cloud; any other warning still prints. (fauxqs is
// imported dynamically, after this runs.)
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning instanceof Error ? warning.message : warning).includes('SQLite is an experimental feature')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
