/**
 * The demo: starts a coordinator, two workers and the dashboard as separate processes (as they
 * would run on separate machines), launches a sweep, follows it, prints the leaderboard and the
 * dashboard's URL, and stops everything it started on Ctrl-C (or at once with --exit).
 * Run through scripts/demo.sh, which installs dependencies and makes sure Redis answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { loadConfig } from "../apps/cli/src/config.ts";
import { openStore, untilSignal } from "../apps/cli/src/runtime.ts";
import { launch } from "../apps/cli/src/sweep-commands.ts";

const args = process.argv.slice(2);
const exitWhenDone = args.includes("--exit");
const specPath = args.find((a) => !a.startsWith("--")) ?? "examples/demo.yaml";
const root = resolve(import.meta.dirname, "..");
const logDir = resolve(root, ".hyperq/logs");
mkdirSync(logDir, { recursive: true });

async function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number>((ok, fail) => {
      const s = createServer();
      s.once("error", fail);
      s.listen(p, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => ok(port));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

const children: { name: string; proc: ChildProcess }[] = [];
function start(name: string, cliArgs: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const log = createWriteStream(resolve(logDir, `${name}.log`), { flags: "w" });
  const proc = spawn(process.execPath, ["--import", "tsx", resolve(root, "apps/cli/src/main.ts"), ...cliArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  proc.on("exit", (code, signal) => {
    if (!stopping) process.stderr.write(`\n${name} exited (${signal ?? code}); see .hyperq/logs/${name}.log\n`);
  });
  children.push({ name, proc });
  return proc;
}

let stopping = false;
async function stopAll(): Promise<void> {
  stopping = true;
  process.stderr.write("stopping coordinator, workers and dashboard...\n");
  await Promise.all(
    children.map(
      ({ proc }) =>
        new Promise<void>((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
          proc.once("exit", () => {
            clearTimeout(t);
            done();
          });
          proc.kill("SIGTERM");
        }),
    ),
  );
  if (process.env.HYPERQ_DEMO_STOP_REDIS === "1") {
    try {
      process.kill(Number(readFileSync(resolve(root, ".hyperq/redis.pid"), "utf8").trim()), "SIGTERM");
      process.stderr.write("stopped the private redis-server\n");
    } catch {
      // already gone
    }
  }
}

const config = loadConfig();
const { store, close } = await openStore(config);
const port = await freePort(config.HYPERQ_DASHBOARD_PORT);
const url = `http://127.0.0.1:${port}`;
// Control actions from the demo's dashboard need a token; make one unless the user set theirs.
const token = process.env.HYPERQ_TOKEN ?? `demo-${Math.floor(Date.now() / 1000).toString(36)}${process.pid}`;

start("coordinator", ["coordinator"]);
start("worker-1", ["worker"]);
start("worker-2", ["worker"]);
start("dashboard", ["dashboard", "--port", String(port)], { HYPERQ_TOKEN: token });
process.stderr.write(`started a coordinator, 2 workers and the dashboard (logs in .hyperq/logs/)\ndashboard: ${url}\n`);

let interrupted = false;
const interrupt = untilSignal().then(() => {
  interrupted = true;
});
try {
  const sweep = await Promise.race([launch(store, specPath, { detach: false }), interrupt.then(() => undefined)]);
  if (sweep) {
    process.stdout.write(`\ndashboard: ${url}/sweeps/${sweep.id}  (control token: ${token})\n`);
    const best = (await store.listModels(sweep.id))[0];
    if (best !== undefined) {
      process.stdout.write(`export the best model (trial ${best.trial}): pnpm hyperq model export ${sweep.id} -o ${sweep.id}-model\n`);
      process.stdout.write(`then forecast with it:    pnpm hyperq predict ${sweep.id}-model --csv <rows.csv>\n`);
    }
    if (!exitWhenDone && !interrupted) {
      process.stderr.write("the services keep running: press Ctrl-C to stop them\n");
      await interrupt;
    }
  }
} finally {
  await close();
  await stopAll();
}
process.exit(0);
