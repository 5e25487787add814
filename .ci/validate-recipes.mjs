// Validates the fleet CI recipes in examples/fleet/:
//  - k8s-indexed-job.yaml: every document with kubernetes-models (batch/v1
//    Job), plus checks of our own (that library does not reject unknown keys,
//    so they are checked here against the keys its validators know);
//  - gitlab-ci.yml: GitLab's CI schema (../shared/schemas/gitlab-ci.json,
//    draft-07) with ajv, plus checks of our own.
// Then plants known errors in temporary copies and requires each one to be
// rejected, so the check cannot pass vacuously. Prints `file: problem`
// lines and exits 1 on any problem; prints a one-line summary otherwise.
// VALIDATE_RECIPES_VERBOSE=1 also prints what each planted error drew.
//
// Modules come from .ci/node-recipes (ESM ignores NODE_PATH):
//   npm install --prefix .ci/node-recipes --no-audit --no-fund --no-save \
//     kubernetes-models@5.1.0 yaml@2.9.1 ajv@8.20.0 ajv-formats@3.0.1
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const modules = path.join(root, ".ci", "node-recipes", "node_modules");
const require = createRequire(path.join(modules, "..", "package.json"));
const YAML = require("yaml");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
// kubernetes-models is ESM-only and exports no `require` condition: import
// the file itself (its own imports resolve from where it lives).
const { Job } = await import(pathToFileURL(path.join(modules, "kubernetes-models", "batch", "v1", "Job.js")).href);

const K8S = "examples/fleet/k8s-indexed-job.yaml";
const GITLAB = "examples/fleet/gitlab-ci.yml";
const SCHEMA = path.join(root, "..", "shared", "schemas", "gitlab-ci.json");

// ---------------------------------------------------------------- Kubernetes

// The property names a kubernetes-models validator checks, read from its
// compiled source (`void 0!==data.NAME`), so the key check follows the
// library's Kubernetes version.
const keyCache = new Map();
function knownKeys(schema) {
  if (!keyCache.has(schema)) {
    const dirs = [
      path.join(modules, "kubernetes-models", "_schemas"),
      path.join(modules, "@kubernetes-models", "apimachinery", "_schemas"),
    ];
    const file = dirs.map((d) => path.join(d, `${schema}.js`)).find((f) => fs.existsSync(f));
    const keys = new Set();
    if (file) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/void 0!==data\.([A-Za-z_$][\w$]*)/g)) keys.add(m[1]);
    }
    keyCache.set(schema, keys);
  }
  return keyCache.get(schema);
}

// Object paths of a Job whose keys are checked, and the schema of each.
// `[]` is every element of an array.
const STRICT = [
  ["", "IoK8sApiBatchV1Job"],
  ["metadata", "IoK8sApimachineryPkgApisMetaV1ObjectMeta"],
  ["spec", "IoK8sApiBatchV1JobSpec"],
  ["spec.template", "IoK8sApiCoreV1PodTemplateSpec"],
  ["spec.template.metadata", "IoK8sApimachineryPkgApisMetaV1ObjectMeta"],
  ["spec.template.spec", "IoK8sApiCoreV1PodSpec"],
  ["spec.template.spec.securityContext", "IoK8sApiCoreV1PodSecurityContext"],
  ["spec.template.spec.containers[]", "IoK8sApiCoreV1Container"],
  ["spec.template.spec.containers[].env[]", "IoK8sApiCoreV1EnvVar"],
  ["spec.template.spec.containers[].resources", "IoK8sApiCoreV1ResourceRequirements"],
  ["spec.template.spec.containers[].securityContext", "IoK8sApiCoreV1SecurityContext"],
  ["spec.template.spec.containers[].volumeMounts[]", "IoK8sApiCoreV1VolumeMount"],
  ["spec.template.spec.volumes[]", "IoK8sApiCoreV1Volume"],
  ["spec.template.spec.volumes[].persistentVolumeClaim", "IoK8sApiCoreV1PersistentVolumeClaimVolumeSource"],
  ["spec.template.spec.volumes[].configMap", "IoK8sApiCoreV1ConfigMapVolumeSource"],
  ["spec.template.spec.volumes[].emptyDir", "IoK8sApiCoreV1EmptyDirVolumeSource"],
];

// [displayPath, value] for every object at a STRICT path.
function at(obj, dotted) {
  let found = [["", obj]];
  for (const part of dotted ? dotted.split(".") : []) {
    const name = part.replace(/\[\]$/, "");
    const next = [];
    for (const [p, v] of found) {
      if (!v || typeof v !== "object" || Array.isArray(v) || v[name] === undefined) continue;
      const child = v[name];
      const cp = p ? `${p}.${name}` : name;
      if (part.endsWith("[]")) {
        if (Array.isArray(child)) child.forEach((c, i) => next.push([`${cp}[${i}]`, c]));
      } else next.push([cp, child]);
    }
    found = next;
  }
  return found.filter(([, v]) => v && typeof v === "object" && !Array.isArray(v));
}

const isInt = (v, min) => Number.isInteger(v) && v >= min;
const commandOf = (c) => [...(c?.command ?? []), ...(c?.args ?? [])].join(" ");

function checkK8s(text) {
  const problems = [];
  const add = (source, msg) => problems.push({ source, msg });
  const docs = YAML.parseAllDocuments(text);
  const jobs = [];
  docs.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    for (const e of doc.errors ?? []) add("yaml", `${where}: ${e.message.split("\n")[0]}`);
    if (doc.errors?.length) return;
    const obj = doc.toJS();
    if (obj === null || obj === undefined) return add("check", `${where}: empty document`);
    if (!Job.is(obj)) return add("check", `${where}: not a batch/v1 Job (apiVersion ${obj.apiVersion}, kind ${obj.kind})`);
    const name = obj.metadata?.name ?? where;
    try {
      new Job(obj).validate();
    } catch (e) {
      const errs = e.errors?.length ? e.errors : [{ instancePath: "", message: e.message }];
      for (const er of errs) {
        const extra = er.params?.allowedValues ? ` (${er.params.allowedValues.join(", ")})` : "";
        add("kubernetes-models", `Job ${name}: ${er.instancePath || "/"} ${er.message}${extra}`);
      }
    }
    for (const [dotted, schema] of STRICT) {
      const keys = knownKeys(schema);
      if (keys.size === 0) {
        add("check", `kubernetes-models has no readable validator ${schema}: cannot check unknown keys`);
        continue;
      }
      for (const [p, v] of at(obj, dotted)) {
        for (const k of Object.keys(v)) {
          if (!keys.has(k)) add("check", `Job ${name}: unknown key ${p ? `${p}.` : ""}${k}`);
        }
      }
    }
    const pod = obj.spec?.template?.spec ?? {};
    if (!["Never", "OnFailure"].includes(pod.restartPolicy)) {
      add("check", `Job ${name}: spec.template.spec.restartPolicy must be Never or OnFailure, got ${pod.restartPolicy}`);
    }
    if (!isInt(obj.spec?.backoffLimit, 0)) add("check", `Job ${name}: spec.backoffLimit must be an integer >= 0`);
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const c of pod.containers ?? []) {
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) add("check", `Job ${name}: container ${c.name} mounts undefined volume ${m.name}`);
      }
    }
    jobs.push(obj);
  });
  if (problems.length) return problems;

  // The first Job is the indexed scan.
  const scan = jobs[0];
  if (!scan) return [{ source: "check", msg: "no Job found" }];
  const s = scan.spec;
  const sname = scan.metadata?.name;
  if (s.completionMode !== "Indexed") add("check", `Job ${sname}: spec.completionMode must be Indexed, got ${s.completionMode}`);
  if (!isInt(s.completions, 1)) add("check", `Job ${sname}: spec.completions must be an integer >= 1, got ${s.completions}`);
  if (!isInt(s.parallelism, 1)) add("check", `Job ${sname}: spec.parallelism must be an integer >= 1, got ${s.parallelism}`);
  const scanContainers = s.template?.spec?.containers ?? [];
  const scanC = scanContainers.find((c) => /\bfleet scan\b/.test(commandOf(c)));
  let outDir;
  if (!scanC) add("check", `Job ${sname}: no container runs \`depgate fleet scan\``);
  else {
    const cmd = commandOf(scanC);
    if (!/--shard[= ]auto\b/.test(cmd)) add("check", `Job ${sname}: fleet scan must use --shard auto`);
    const count = cmd.match(/--shard-count[= ](\S+)/)?.[1];
    if (count === undefined) add("check", `Job ${sname}: fleet scan needs --shard-count`);
    else if (Number(count) !== s.completions) {
      add("check", `Job ${sname}: --shard-count ${count} differs from spec.completions ${s.completions}`);
    }
    const out = cmd.match(/--output[= ]json=(\S+)/)?.[1];
    if (!out || !out.includes("$(JOB_COMPLETION_INDEX)")) {
      add("check", `Job ${sname}: --output json=PATH must name each shard by $(JOB_COMPLETION_INDEX)`);
    } else outDir = path.posix.dirname(out);
  }

  const merge = jobs.slice(1).find((j) => (j.spec?.template?.spec?.containers ?? []).some((c) => /\bfleet merge\b/.test(commandOf(c))));
  if (!merge) add("check", "no Job after the first one runs `depgate fleet merge`");
  else if (outDir) {
    // The merge must read the volume the shards write.
    const claimAt = (job) => {
      const pod = job.spec.template.spec;
      const mount = pod.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.mountPath === outDir);
      return pod.volumes?.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName;
    };
    const a = claimAt(scan);
    const b = claimAt(merge);
    if (!a || a !== b) {
      add("check", `Job ${merge.metadata?.name}: must mount the scan's output volume at ${outDir} (scan claim ${a}, merge claim ${b})`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------ GitLab CI

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
let validateGitlab;

// Top-level keys of .gitlab-ci.yml that are not jobs.
const GLOBAL_KEYS = new Set(["default", "include", "stages", "variables", "workflow", "image", "services", "cache",
  "before_script", "after_script", "spec"]);

function deepMerge(base, over) {
  if (!base || typeof base !== "object" || Array.isArray(base) || !over || typeof over !== "object" || Array.isArray(over)) {
    return over;
  }
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

// A job with its `extends` (local templates) applied, as GitLab merges them.
function resolved(cfg, name, seen = new Set()) {
  const job = cfg[name];
  if (!job || typeof job !== "object" || seen.has(name)) return job;
  seen.add(name);
  const bases = job.extends === undefined ? [] : [].concat(job.extends);
  let out = {};
  for (const b of bases) out = deepMerge(out, resolved(cfg, b, seen) ?? {});
  const { extends: _, ...own } = job;
  return deepMerge(out, own);
}

const scriptText = (job) => [].concat(job?.script ?? []).flat(Infinity).join("\n");

function checkGitlab(text) {
  const problems = [];
  const add = (source, msg) => problems.push({ source, msg });
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) return doc.errors.map((e) => ({ source: "yaml", msg: e.message.split("\n")[0] }));
  const cfg = doc.toJS();
  if (!cfg || typeof cfg !== "object") return [{ source: "check", msg: "not a YAML mapping" }];

  if (!validateGitlab(cfg)) {
    // allErrors reports every failed oneOf branch: keep each message once.
    const seen = new Set();
    for (const e of validateGitlab.errors) {
      const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})`
        : e.params?.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "";
      const line = `${e.instancePath || "/"} ${e.message}${extra}`;
      if (!seen.has(line)) seen.add(line);
    }
    for (const line of [...seen].slice(0, 12)) add("schema", line);
  }

  const names = Object.keys(cfg).filter((k) => !k.startsWith(".") && !GLOBAL_KEYS.has(k) && cfg[k] && typeof cfg[k] === "object");
  const jobs = Object.fromEntries(names.map((n) => [n, resolved(cfg, n)]));
  for (const [n, j] of Object.entries(jobs)) {
    if (scriptText(j).trim() === "" && !j.trigger) add("check", `job ${n} has no script`);
  }
  const scans = names.filter((n) => /\bdepgate fleet scan\b/.test(scriptText(jobs[n])));
  const merges = names.filter((n) => /\bdepgate fleet merge\b/.test(scriptText(jobs[n])));
  if (scans.length !== 1) add("check", `expected one job running \`depgate fleet scan\`, found ${scans.length}`);
  if (merges.length !== 1) add("check", `expected one job running \`depgate fleet merge\`, found ${merges.length}`);
  const [scanName] = scans;
  const [mergeName] = merges;
  if (scanName) {
    const scan = jobs[scanName];
    if (!isInt(scan.parallel, 2) || scan.parallel > 200) {
      add("check", `job ${scanName}: parallel must be an integer from 2 to 200, got ${JSON.stringify(scan.parallel)}`);
    }
    const cmd = scriptText(scan).split("\n").find((l) => /\bdepgate fleet scan\b/.test(l));
    if (!/--shard[= ]auto\b/.test(cmd)) add("check", `job ${scanName}: fleet scan must use --shard auto`);
    if (!/--output[= ]"?json=\S*\$\{?CI_NODE_INDEX\b/.test(cmd)) {
      add("check", `job ${scanName}: --output json=PATH must name each shard by $CI_NODE_INDEX`);
    }
    if (scan.artifacts?.when !== "always") add("check", `job ${scanName}: artifacts.when must be always (exit 1 still uploads the shard)`);
    if (![].concat(scan.artifacts?.paths ?? []).some((p) => /fleet-shard-\*/.test(p))) {
      add("check", `job ${scanName}: artifacts.paths must hold the shard reports (fleet-shard-*.json)`);
    }
  }
  if (scanName && mergeName) {
    const merge = jobs[mergeName];
    const needs = [].concat(merge.needs ?? []).map((n) => (typeof n === "string" ? n : n?.job));
    if (!needs.includes(scanName)) add("check", `job ${mergeName}: needs must include ${scanName}`);
    const stages = cfg.stages ?? [];
    const si = stages.indexOf(jobs[scanName].stage);
    const mi = stages.indexOf(merge.stage);
    if (si < 0 || mi < 0 || mi <= si) {
      add("check", `job ${mergeName}: stage ${merge.stage} must be a stage listed after ${jobs[scanName].stage}`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------- main

const report = [];
const problemLine = (file, p) => `${file}: ${p.source}: ${p.msg}`;

if (!fs.existsSync(SCHEMA)) {
  console.error(`${path.relative(root, SCHEMA)}: GitLab CI schema not found (shared/ must sit beside the repository)`);
  process.exit(1);
}
try {
  validateGitlab = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
} catch (e) {
  console.error(`${path.relative(root, SCHEMA)}: cannot compile: ${e.message}`);
  process.exit(1);
}

const k8sText = fs.readFileSync(path.join(root, K8S), "utf8");
const gitlabText = fs.readFileSync(path.join(root, GITLAB), "utf8");
for (const p of checkK8s(k8sText)) report.push(problemLine(K8S, p));
for (const p of checkGitlab(gitlabText)) report.push(problemLine(GITLAB, p));

// Self-test: each planted error, in a temporary copy, must be rejected (by
// the named validator, where one is named).
// Each `from` matches a YAML line itself, never a comment that mentions it.
const PLANTED = [
  { file: K8S, check: checkK8s, from: /^(\s*)completionMode: Indexed\b/m, to: "$1completionMode: Indexd", by: "kubernetes-models" },
  { file: K8S, check: checkK8s, from: /^(\s*)parallelism: (\d+)/m, to: "$1paralelism: $2", by: "check" },
  { file: K8S, check: checkK8s, from: /^(\s*[^#\s].*--shard-count) \d+/m, to: "$1 3", by: "check" },
  { file: K8S, check: checkK8s, from: /^(\s*)restartPolicy: Never\b/m, to: "$1restartPolicy: Always", by: "check" },
  { file: GITLAB, check: checkGitlab, from: /^(\s*)parallel: (\d+)/m, to: "$1paralel: $2", by: "schema" },
  { file: GITLAB, check: checkGitlab, from: /^(\s*)when: always\b/m, to: "$1when: sometimes", by: "schema" },
  { file: GITLAB, check: checkGitlab, from: /^(\s*- depgate fleet scan .*)--shard auto/m, to: "$1--shard 1/4", by: "check" },
  { file: GITLAB, check: checkGitlab, from: /^(\s*)needs: \[[^\]]*\]/m, to: "$1needs: []", by: "check" },
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validate-recipes-"));
try {
  PLANTED.forEach((t, i) => {
    const original = t.file === K8S ? k8sText : gitlabText;
    const label = `self-test ${i + 1} (${t.from} -> ${t.to})`;
    if (!t.from.test(original)) {
      report.push(`${t.file}: ${label}: the text to replace is not in the file; update the self-test`);
      return;
    }
    const copy = path.join(tmp, `${i + 1}-${path.basename(t.file)}`);
    fs.writeFileSync(copy, original.replace(t.from, t.to));
    const found = t.check(fs.readFileSync(copy, "utf8"));
    if (process.env.VALIDATE_RECIPES_VERBOSE) {
      for (const p of found) console.log(`${label}: ${p.source}: ${p.msg}`);
    }
    if (!found.some((p) => p.source === t.by)) {
      const got = found.length ? found.map((p) => `${p.source}: ${p.msg}`).join("; ") : "no problem";
      report.push(`${t.file}: ${label}: not rejected by ${t.by} (got ${got})`);
    }
  });
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (report.length) {
  for (const line of report) console.error(line);
  console.error(`validate-recipes: ${report.length} problems`);
  process.exit(1);
}
const jobCount = YAML.parseAllDocuments(k8sText).length;
console.log(`validate-recipes: ${K8S} (${jobCount} Jobs, kubernetes-models) and ${GITLAB} (GitLab CI schema) valid; ${PLANTED.length} planted errors rejected; 0 problems`);
