import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { PRODUCTION_NODE_FLAGS } from "@flinks-authorize/kit/gateway";
import { cpuMs } from "@flinks-authorize/kit/rss";
import { LEAST_UPPER_BOUND, originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { runLoad } from "./load.js";
import { num, type Scenario, table } from "./results.js";
import { intEnv } from "./settings.js";
import { shippedGateway, startTarget } from "./targets.js";

/**
 * `pnpm bench profile`: where the gateway's CPU goes per authorization. The production bundle runs under
 * V8's sampling profiler (`--cpu-prof`) on a fake Flinks that answers at once, at 50 connections for
 * PROFILE_SECONDS (15); each sample's self time is charged to a layer by where its function lives (the
 * gateway's own folders, each library, Node's internals), and divided by the Authorized answers served.
 * The raw .cpuprofile is kept in bench/profiles/ (open it in Chrome's DevTools or speedscope for a flame
 * graph).
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileData {
  seconds: number;
  authorized: number;
  cpuMsPerAuthorization: number;
  /** Self time per layer, in µs per authorization, largest first. */
  layers: Array<[string, number]>;
  /** The functions with the most self time, in µs per authorization. */
  functions: Array<[string, number]>;
  file: string;
}

/** The layer a function belongs to: a library (by package), the gateway's folder, or Node/V8. */
export function layerOf(url: string): string {
  if (url === "") return "V8 and native (GC, idle excluded)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules !== -1) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/")[0]}`;
  return url;
}

/**
 * The bundle holds the gateway and its libraries in a few files: each frame is placed by the source map
 * esbuild writes beside each of them back in the file it came from.
 */
export function summarize(profile: Profile, authorized: number) {
  const maps = new Map<string, TraceMap | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      try {
        maps.set(url, new TraceMap(readFileSync(`${fileURLToPath(url)}.map`, "utf8")));
      } catch {
        maps.set(url, undefined);
      }
    }
    return maps.get(url);
  };
  const sourceOf = (frame: Node["callFrame"]) => {
    const map = frame.url.startsWith("file:") && frame.url.endsWith(".mjs") ? mapOf(frame.url) : undefined;
    if (!map) return frame.url;
    const position = { line: frame.lineNumber + 1, column: frame.columnNumber };
    // A frame's position is where its function starts: the first mapping at or after it is its own.
    const original = originalPositionFor(map, { ...position, bias: LEAST_UPPER_BOUND });
    return original.source ? `file:///${original.source.replace(/^(\.\.\/)+/, "")}` : frame.url;
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const layers = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)" || frame.functionName === "(program)") continue;
    const layer =
      frame.functionName === "(garbage collector)" ? "V8 garbage collector" : layerOf(sourceOf(frame));
    layers.set(layer, (layers.get(layer) ?? 0) + micros);
    const name = `${frame.functionName || "(anonymous)"} (${layer})`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const perAuthorization = (entries: Map<string, number>) =>
    [...entries]
      .map(([name, micros]) => [name, micros / authorized] as [string, number])
      .sort((a, b) => b[1] - a[1]);
  return { layers: perAuthorization(layers), functions: perAuthorization(functions).slice(0, 25) };
}

const PROFILES = new URL("./profiles/", import.meta.url);

export const profile: Scenario<ProfileData> = {
  title: "Profile: the gateway's CPU per authorization, by layer",
  async run({ bundle, scratch }) {
    const seconds = intEnv("PROFILE_SECONDS", 15, 3, 120);
    const upstream = await startFakeFlinksProcess();
    const dir = join(scratch, "cpu-profile");
    const gateway = await startTarget(shippedGateway(bundle), upstream.url, {
      nodeArgs: [...PRODUCTION_NODE_FLAGS, "--cpu-prof", `--cpu-prof-dir=${dir}`],
    });
    try {
      await runLoad(gateway.url, { connections: 50, seconds: 2 });
      const before = cpuMs(gateway.pid);
      const load = await runLoad(gateway.url, { connections: 50, seconds });
      const used = (cpuMs(gateway.pid) ?? 0) - (before ?? 0);
      await gateway.stop();
      const [file] = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
      if (!file) throw new Error("the gateway wrote no CPU profile");
      const text = readFileSync(join(dir, file), "utf8");
      mkdirSync(PROFILES, { recursive: true });
      writeFileSync(new URL("fast-gateway.cpuprofile", PROFILES), text);
      const authorized = load.requests - load.errors - load.non2xx;
      const summary = summarize(JSON.parse(text) as Profile, authorized);
      return {
        seconds,
        authorized,
        cpuMsPerAuthorization: used / authorized,
        ...summary,
        file: "apps/gateway/bench/profiles/fast-gateway.cpuprofile",
      };
    } finally {
      await gateway.stop();
      await upstream.stop();
    }
  },
  render(data) {
    return [
      `The production bundle under --cpu-prof, 50 connections for ${data.seconds} s on a fake Flinks that answers at once: ${num(data.authorized)} Authorized, ${num(data.cpuMsPerAuthorization, 2)} CPU ms per authorization (the process's user + system time; the profiler adds its own). Self time per authorization, idle excluded. Profile: ${data.file}.`,
      "",
      table(
        ["Layer", "µs per authorization"],
        data.layers
          .slice(0, 20)
          .map(([layer, us]) => [layer.replace(/^file:\/\/.*?\/apps\/gateway\//, ""), num(us, 1)]),
      ),
      "",
      table(
        ["Function (layer)", "µs per authorization"],
        data.functions.map(([name, us]) => [name.replace(/file:\/\/.*?\/apps\/gateway\//, ""), num(us, 1)]),
      ),
    ].join("\n");
  },
};
