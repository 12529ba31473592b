/**
 * deploy/k8s, checked offline: every manifest validates against the Kubernetes schemas
 * (kubernetes-models) or KEDA's (@kubernetes-models/keda), the kustomization lists exactly the
 * manifests there are, the deployment rules hold (Redis AOF + noeviction on a volume, two
 * coordinators, the token from a Secret, a GPU per GPU worker, grace periods above
 * HYPERQ_GRACE_S, probes on the health port, scale to zero on hyperq_trials_wanted), and every
 * command, flag and variable a manifest uses exists in the CLI and in the README's configuration table.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { MemorySweepStore } from "@hyperq/store";
import { DashboardMetrics, createServer, parsePrometheusText } from "@hyperq/dashboard";
import { configSchema } from "../src/config.ts";
import { ROOT } from "./fault-kit.ts";

const DIR = resolve(ROOT, "deploy/k8s");

/** The kinds the base may hold, each with its schema-validating model. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

const kustomizationSchema = z.strictObject({
  apiVersion: z.literal("kustomize.config.k8s.io/v1beta1"),
  kind: z.literal("Kustomization"),
  namespace: z.string().regex(/^[a-z0-9-]+$/),
  labels: z.array(z.strictObject({ pairs: z.record(z.string(), z.string()), includeSelectors: z.boolean().optional() })).optional(),
  resources: z.array(z.string()).min(1),
  images: z.array(z.strictObject({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional(), digest: z.string().optional() })).optional(),
});

/** KEDA's Prometheus scaler reads these trigger fields (keda.sh/docs/scalers/prometheus). */
const prometheusTriggerSchema = z.object({
  type: z.literal("prometheus"),
  metadata: z.object({
    serverAddress: z.string().url(),
    query: z.string().min(1),
    threshold: z.string().regex(/^\d+(\.\d+)?$/),
    activationThreshold: z.string().regex(/^\d+(\.\d+)?$/).optional(),
  }),
});

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { limits?: Record<string, string | number> };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}

const kustomization = kustomizationSchema.parse(parseAllDocuments(readFileSync(resolve(DIR, "kustomization.yaml"), "utf8"))[0]!.toJS());
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(resolve(DIR, file), "utf8")).map((d) => ({ file, ...(d.toJS() as Omit<Manifest, "file">) })),
);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string): Manifest => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return m;
};
const podSpec = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;
const config = named("ConfigMap", "hyperq-config").data!;

function hyperqHelp(words: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", resolve(ROOT, "apps/cli/src/main.ts"), ...words, "--help"], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("deploy/k8s", () => {
  it("is a kustomize base listing exactly the manifests in the folder", () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const f of kustomization.resources) expect(existsSync(resolve(DIR, f)), f).toBe(true);
  });

  it("validates every manifest against the Kubernetes and KEDA schemas", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
    for (const m of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.file}: ${m.apiVersion} ${m.kind} is not a kind this base may hold`).toBeDefined();
      const { file: _file, ...data } = m;
      expect(() => new Model!(data as never).validate(), `${m.file}: ${m.kind} ${m.metadata.name}`).not.toThrow();
      // Deployments and StatefulSets select their own pods.
      if (m.kind === "Deployment" || m.kind === "StatefulSet") {
        const spec = m.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
        expect(spec.template.metadata.labels, m.metadata.name).toMatchObject(spec.selector.matchLabels);
      }
    }
    // The schemas allow unknown fields; a misspelt container or probe field would be ignored by
    // Kubernetes, so these must be ones it knows (core/v1 Container and Probe).
    const containerFields = new Set(["name", "image", "imagePullPolicy", "command", "args", "env", "envFrom", "ports", "resources", "volumeMounts", "livenessProbe", "readinessProbe", "startupProbe", "securityContext", "workingDir", "lifecycle"]);
    const probeFields = new Set(["httpGet", "exec", "tcpSocket", "grpc", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"]);
    for (const m of manifests.filter((x) => x.kind === "Deployment" || x.kind === "StatefulSet")) {
      for (const c of podSpec(m).containers) {
        for (const k of Object.keys(c)) expect(containerFields, `${m.metadata.name}: container field ${k}`).toContain(k);
        for (const probe of [c.livenessProbe, c.readinessProbe]) for (const k of Object.keys(probe ?? {})) expect(probeFields, `${m.metadata.name}: probe field ${k}`).toContain(k);
      }
    }
    // A schema violation is caught (the validation is not vacuous).
    const broken = structuredClone(named("Deployment", "hyperq-worker")) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = "many";
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas/);
  });

  it("runs Redis as the system of record: AOF on a persistent volume, noeviction", () => {
    const redis = named("StatefulSet", "redis");
    const c = podSpec(redis).containers[0]!;
    const args = c.args!.join(" ");
    expect(args).toContain("--appendonly yes");
    expect(args).toContain("--maxmemory-policy noeviction");
    const claims = (redis.spec as { volumeClaimTemplates: { metadata: { name: string } }[] }).volumeClaimTemplates.map((v) => v.metadata.name);
    const mount = (c as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts?.find((v) => claims.includes(v.name));
    expect(mount?.mountPath).toBe("/data");
    expect(config.REDIS_URL).toBe(`redis://${named("Service", "redis").metadata.name}:6379`);
  });

  it("runs two coordinators, a dashboard behind a Service with its token from a Secret, CPU and GPU workers", () => {
    expect(named("Deployment", "hyperq-coordinator").spec?.replicas).toBe(2);
    const dashboard = podSpec(named("Deployment", "hyperq-dashboard")).containers[0]!;
    expect(dashboard.env?.find((e) => e.name === "HYPERQ_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "hyperq-dashboard", key: "token" });
    expect((named("Service", "hyperq-dashboard").spec as { selector: Record<string, string> }).selector).toEqual({ "app.kubernetes.io/name": "hyperq-dashboard" });
    const gpu = podSpec(named("Deployment", "hyperq-worker-gpu")).containers[0]!;
    expect(String(gpu.resources?.limits?.["nvidia.com/gpu"])).toBe("1");
    expect(gpu.args).toEqual(expect.arrayContaining(["--backend", "tensorflow-gpu"]));
    expect(gpu.image).toBe("hyperq-worker-gpu");
  });

  it("gives workers a grace period above HYPERQ_GRACE_S and probes every HyperQ process on its health endpoints", () => {
    const grace = Number(config.HYPERQ_GRACE_S);
    const healthPort = Number(config.HYPERQ_HEALTH_PORT);
    expect(grace).toBeGreaterThan(0);
    for (const name of ["hyperq-worker", "hyperq-worker-gpu"]) expect(podSpec(named("Deployment", name)).terminationGracePeriodSeconds, name).toBeGreaterThan(grace);
    for (const name of ["hyperq-worker", "hyperq-worker-gpu", "hyperq-coordinator"]) {
      const c = podSpec(named("Deployment", name)).containers[0]!;
      const port = (p: string | number | undefined) => (typeof p === "number" ? p : c.ports?.find((x) => x.name === p)?.containerPort);
      expect(c.livenessProbe?.httpGet?.path, name).toBe("/healthz");
      expect(c.readinessProbe?.httpGet?.path, name).toBe("/readyz");
      expect(port(c.livenessProbe?.httpGet?.port), name).toBe(healthPort);
      expect(port(c.readinessProbe?.httpGet?.port), name).toBe(healthPort);
      expect(c.envFrom?.[0]?.configMapRef?.name, name).toBe("hyperq-config");
    }
  });

  it("scales the workers to zero and back on hyperq_trials_wanted, a metric the dashboard exports", async () => {
    const [scaled] = byKind("ScaledObject");
    const spec = scaled!.spec as { scaleTargetRef: { kind?: string; name: string }; minReplicaCount: number; triggers: unknown[] };
    expect(spec.minReplicaCount).toBe(0);
    expect(named("Deployment", spec.scaleTargetRef.name).kind).toBe("Deployment");
    const trigger = prometheusTriggerSchema.parse(spec.triggers[0]);
    expect(trigger.metadata.query).toMatch(/\bhyperq_trials_wanted\b/);
    // The metric exists under that name in what /metrics serves.
    const store = new MemorySweepStore();
    const app = createServer({ store });
    const metrics = new DashboardMetrics({ store, hub: app.dashboard.hub });
    try {
      expect(parsePrometheusText(await metrics.render()).get("hyperq_trials_wanted")?.type).toBe("gauge");
    } finally {
      metrics.close();
      app.dispose();
    }
  });

  it("uses only commands, flags and variables that exist in the CLI and the README's configuration table", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
    const documented = new Set([...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    const known = Object.keys(configSchema.shape);
    const vars = new Set([...Object.keys(config)]);
    for (const d of byKind("Deployment")) for (const c of podSpec(d).containers) for (const e of c.env ?? []) vars.add(e.name);
    for (const v of vars) {
      expect(known, `${v} is not a HyperQ setting`).toContain(v);
      expect([...documented], `${v} is missing from the README's configuration table`).toContain(v);
    }
    expect(configSchema.safeParse(config).success).toBe(true);
    for (const d of byKind("Deployment")) {
      for (const c of podSpec(d).containers) {
        const argv = c.args ?? [];
        const words = argv.filter((a, i) => !a.startsWith("-") && !(argv[i - 1] ?? "").startsWith("-"));
        const help = hyperqHelp(words);
        expect(help.code, `${d.metadata.name}: hyperq ${words.join(" ")} --help\n${help.out}`).toBe(0);
        expect(help.out).toMatch(new RegExp(`Usage: hyperq ${words.join(" ")}`));
        for (const flag of argv.filter((a) => a.startsWith("--"))) expect(help.out, `${d.metadata.name}: ${flag}`).toContain(flag);
      }
    }
  });
});
