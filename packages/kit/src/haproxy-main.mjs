// Runs Debian's haproxy as this process's child, for `startHaproxy` (haproxy.ts). A node process in
// between, because only a node process can carry the parent watchdog: when the test run that started it
// dies, even by SIGKILL, the watchdog stops this process, which stops haproxy first.
// Arguments: the haproxy binary, its configuration file.
import { spawn } from "node:child_process";

const [binary, configFile] = process.argv.slice(2);
// -db: foreground, one process, logs to stderr; nothing is daemonized or left behind.
const haproxy = spawn(binary, ["-db", "-f", configFile], { stdio: ["ignore", "inherit", "inherit"] });
// SIGUSR1 is haproxy's soft stop (finish what is in flight); SIGTERM its hard stop.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => haproxy.kill("SIGTERM"));
haproxy.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
haproxy.on("error", (error) => {
  console.error(`could not start ${binary}: ${error.message}`);
  process.exit(1);
});
