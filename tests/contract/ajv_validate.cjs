// Validate JSON records against newswire's schemas with Ajv (draft 2020-12, strict mode, formats
// asserted by ajv-formats): the validator a Node consumer would use. Used by the test suite.
// Usage: NODE_PATH=.node/node_modules node tests/contract/ajv_validate.cjs schemas/json/v1 < cases.jsonl
// Each input line is {"schema": "EnrichedArticle", "record": {...}}; each output line is
// {"valid": true} or {"valid": false, "errors": ["/published_at must match format \"date-time\"", ...]}.
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats");

const dir = process.argv[2];
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validators = {};
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".schema.json"))) {
  validators[file.replace(".schema.json", "")] = ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
}
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (!line.trim()) return;
  const { schema, record } = JSON.parse(line);
  const validate = validators[schema];
  const valid = validate(record);
  const out = valid ? { valid } : { valid, errors: validate.errors.map((e) => `${e.instancePath} ${e.message}`) };
  process.stdout.write(JSON.stringify(out) + "\n");
});
