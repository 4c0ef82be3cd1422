// Preloaded into every process the kit starts (`node --require`), and imported by `pnpm start` itself:
// once the process that started this one is gone, this one stops too, even when the parent was SIGKILLed
// and could not clean up (its children are re-parented, so `process.ppid` changes).
//
// The parent names itself in PARENT_WATCHDOG_PID: a parent killed while this process was still booting
// would otherwise be missed (the first `process.ppid` read here would already be the new parent's).
//
// It stops by sending itself SIGTERM, so a program with a handler shuts down as it would when told to
// (the gateway finishes its requests, `pnpm start` stops its children); one without a handler just ends.
// Should that not end it, it exits anyway after a grace longer than the gateway's own.
const { isMainThread } = require("node:worker_threads");

const parent = Number(process.env.PARENT_WATCHDOG_PID) || process.ppid;
// Meant for this process only: a child started with this environment has another parent.
delete process.env.PARENT_WATCHDOG_PID;
const EXIT_ANYWAY_AFTER_MS = 15_000;

// Loaders run in worker threads that preload this file too: one watchdog per process is enough.
if (isMainThread) {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    setTimeout(() => process.exit(1), EXIT_ANYWAY_AFTER_MS).unref();
    process.kill(process.pid, "SIGTERM");
  }, 500);
  timer.unref();
}
