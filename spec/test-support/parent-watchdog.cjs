// Preloaded into Prism by prism.ts (`node --require`): ends Prism once the process that started it is gone,
// even if that process was SIGKILLed and could not run its exit handlers. Prism is spawned directly (no
// shell), so its parent at startup is that process; when the parent dies, Prism is re-parented.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1_000).unref();
