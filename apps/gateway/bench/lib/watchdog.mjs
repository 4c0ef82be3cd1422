/**
 * Preloaded into every benchmark child (`--import`): exits when the benchmark process goes away, even
 * if it was killed with SIGKILL and could not clean up, so no server outlives its run.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500);
timer.unref();
