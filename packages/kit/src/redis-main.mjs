// Runs redis-server as this process's child, for `startRedis` (redis.ts). A node process in between,
// because only a node process can carry the parent watchdog: when the test run that started it dies,
// even by SIGKILL, the watchdog stops this process, which stops redis-server first.
// Arguments: the redis-server binary, the port, the folder it may write to.
import { spawn } from "node:child_process";

const [binary, port, dir] = process.argv.slice(2);
const redis = spawn(
  binary,
  // Loopback only, nothing persisted, quiet.
  [
    "--port",
    port,
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--loglevel",
    "warning",
  ],
  { stdio: ["ignore", "inherit", "inherit"] },
);
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => redis.kill("SIGTERM"));
redis.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
redis.on("error", (error) => {
  console.error(`could not start ${binary}: ${error.message}`);
  process.exit(1);
});
